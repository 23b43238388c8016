import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt, systemPrompt, userText } from '../../src/prompt/prompt.js';
import { geminiProvider } from '../../src/providers/gemini.js';
import { ProviderError, type CompletionRequest, type GenerationSettings } from '../../src/providers/types.js';
import { registerSecret } from '../../src/util/redact.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeGemini, type FakeGemini, type FakeGeminiOptions } from '../helpers/fake-gemini.js';

/** The Gemini provider (Google's Gen AI SDK) against a fake Gemini API: what it sends, what it reads, how it fails. */

const KEY = 'AIza-test-SECRET-123456';
const { exam } = loadExam({ dataDir: DATA_ROOT });
const q1 = exam.questions[0] as Question;
const withImages = exam.questions.find((q) => q.images.length > 1) as Question;
const req = (q: Question, mode: 'blind' | 'vision' = 'blind', epoch = 1): CompletionRequest => {
  const p = buildPrompt(exam, q, mode);
  return { messages: p.messages, answerFormat: p.answerFormat, epoch, label: q.id };
};
const none: GenerationSettings = { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null };

describe('Gemini provider against the fake Gemini API', () => {
  let fake: FakeGemini;
  const provider = (settings: Partial<GenerationSettings> = {}) =>
    geminiProvider({ model: 'gemini-fake', baseUrl: fake.url, apiKey: KEY, timeoutS: 0.5, settings: { ...none, ...settings } });
  const last = () => fake.requests.at(-1);
  beforeAll(async () => {
    registerSecret(KEY);
    fake = await startFakeGemini({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends the reference prompt (systemInstruction apart) with the key header; reads content, usage and finish reason', async () => {
    fake.options = { apiKey: KEY };
    const c = await provider({ seed: 7, maxTokens: 4096 }).complete(req(q1, 'blind', 2));
    expect(c).toMatchObject({ content: `【回答】${q1.answer.join(',')}`, reasoning: null, finishReason: 'STOP', truncated: false });
    expect(c.usage).toMatchObject({ cached_tokens: 4, completion_tokens: 40, reasoning_tokens: 30 });
    const sent = last();
    expect(sent?.path).toBe('/v1beta/models/gemini-fake:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: userText(q1) }] }],
      systemInstruction: { parts: [{ text: systemPrompt(q1) }], role: 'user' },
      generationConfig: { maxOutputTokens: 4096, seed: 8 },
    });
  });

  it('vision: every clinical image goes as an inlineData PNG part after the text', async () => {
    fake.options = { apiKey: KEY };
    await provider().complete(req(withImages, 'vision'));
    const parts = (last()?.body as { contents: { parts: { text?: string; inlineData?: { mimeType: string; data: string } }[] }[] }).contents[0]?.parts ?? [];
    expect(parts[0]?.text).toBe(userText(withImages));
    expect(parts.slice(1)).toHaveLength(withImages.images.length);
    for (const p of parts.slice(1)) {
      expect(p.inlineData?.mimeType).toBe('image/png');
      expect(
        Buffer.from(p.inlineData?.data ?? '', 'base64')
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
  });

  it('thinking: the budget is sent with includeThoughts; the thought summary is kept as reasoning', async () => {
    fake.options = { apiKey: KEY };
    const c = await provider({ thinkingBudget: 8192 }).complete(req(q1));
    expect((last()?.body as { generationConfig: unknown }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(c.reasoning).toContain(`${q1.id} の所見`);
    await provider({ reasoningEffort: 'high' }).complete(req(q1));
    expect((last()?.body as { generationConfig: unknown }).generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } });
  });

  it('--extra-body is deep-merged into the REST body', async () => {
    fake.options = { apiKey: KEY };
    await provider({ maxTokens: 100, extraBody: { generationConfig: { temperature: 0 } } }).complete(req(q1));
    expect((last()?.body as { generationConfig: unknown }).generationConfig).toEqual({ maxOutputTokens: 100, temperature: 0 });
  });

  it('a reply cut by MAX_TOKENS is truncated', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: 'max-tokens' }) };
    expect(await provider().complete(req(q1))).toMatchObject({ content: '', finishReason: 'MAX_TOKENS', truncated: true });
  });

  it('an error that echoes the key is redacted', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: '400' }) };
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.message).toBe('400 INVALID_ARGUMENT: fake error 400 for key ***');
  });

  const cases: [string, FakeGeminiOptions['fault'], string, number | null][] = [
    ['429 RESOURCE_EXHAUSTED (RetryInfo)', () => ({ kind: '429', retryAfter: '2' }), 'rate-limit', 429],
    ['500', () => ({ kind: '500' }), 'server', 500],
    ['503 overloaded', () => ({ kind: '503' }), 'server', 503],
    ['drop', () => ({ kind: 'drop' }), 'connection', null],
    ['hang', () => ({ kind: 'hang' }), 'timeout', null],
    ['trickle', () => ({ kind: 'trickle' }), 'timeout', null],
    ['malformed', () => ({ kind: 'malformed' }), 'bad-response', null],
    ['html', () => ({ kind: 'html' }), 'bad-response', null],
    ['truncated', () => ({ kind: 'truncated' }), 'connection', null],
    ['400', () => ({ kind: '400' }), 'bad-request', 400],
    ['an invalid key (400 API_KEY_INVALID)', () => ({ kind: '401' }), 'auth', 400],
    ['403', () => ({ kind: '403' }), 'auth', 403],
    ['404', () => ({ kind: '404' }), 'not-found', 404],
  ];
  for (const [name, fault, kind, status] of cases) {
    it(`classifies ${name} as ${kind}`, async () => {
      fake.options = { apiKey: KEY, fault };
      const err = (await provider()
        .complete(req(q1))
        .catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.kind).toBe(kind);
      expect(err.status).toBe(status);
      if (name.startsWith('429')) expect(err.retryAfterMs).toBe(2000);
    });
  }

  it('the API itself refuses a thinking level with a budget (the harness refuses it first)', async () => {
    fake.options = { apiKey: KEY };
    const err = (await geminiProvider({
      model: 'gemini-fake',
      baseUrl: fake.url,
      apiKey: KEY,
      timeoutS: 5,
      settings: { ...none, extraBody: { generationConfig: { thinkingConfig: { thinkingBudget: 1, thinkingLevel: 'LOW' } } } },
    })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'bad-request', status: 400 });
  });
});
