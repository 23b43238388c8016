import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt, systemPrompt, userText } from '../../src/prompt/prompt.js';
import { anthropicSettings } from '../../src/providers/anthropic-map.js';
import { anthropicProvider } from '../../src/providers/anthropic.js';
import { ProviderError, type CompletionRequest, type GenerationSettings } from '../../src/providers/types.js';
import { registerSecret } from '../../src/util/redact.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../helpers/fake-anthropic.js';

/** The Anthropic provider (the official SDK) against a fake Messages API: what it sends, what it reads, how it fails. */

const KEY = 'sk-ant-test-SECRET-123456';
const { exam } = loadExam({ dataDir: DATA_ROOT });
const q1 = exam.questions[0] as Question;
const withImages = exam.questions.find((q) => q.images.length > 1) as Question;
const req = (q: Question, mode: 'blind' | 'vision' = 'blind'): CompletionRequest => {
  const p = buildPrompt(exam, q, mode);
  return { messages: p.messages, answerFormat: p.answerFormat, epoch: 1, label: q.id };
};
const none: GenerationSettings = { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null };

describe('Anthropic provider against the fake Messages API', () => {
  let fake: FakeAnthropic;
  const provider = (settings: Partial<GenerationSettings> = {}) =>
    anthropicProvider({ model: 'claude-fake', baseUrl: fake.url, apiKey: KEY, timeoutS: 0.5, settings: anthropicSettings({ ...none, ...settings }) });
  const last = () => fake.requests.at(-1)?.body as Record<string, unknown>;
  beforeAll(async () => {
    registerSecret(KEY);
    fake = await startFakeAnthropic({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends the reference prompt (system apart), the key and the API version; reads content, usage and stop reason', async () => {
    fake.options = { apiKey: KEY };
    const c = await provider().complete(req(q1));
    expect(c).toMatchObject({ content: `【回答】${q1.answer.join(',')}`, reasoning: null, finishReason: 'end_turn', truncated: false });
    expect(c.usage).toMatchObject({ cached_tokens: 7, completion_tokens: 12, reasoning_tokens: null });
    const sent = fake.requests.at(-1);
    // SDK 1.x: API version 2026-10-21, the key as a bearer token.
    expect(sent?.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(sent?.headers['anthropic-version']).toBe('2026-10-21');
    expect(last()).toEqual({
      model: 'claude-fake',
      max_tokens: 16_000,
      system: systemPrompt(q1),
      messages: [{ role: 'user', content: [{ type: 'text', text: userText(q1) }] }],
    });
  });

  it('vision: every clinical image goes as a base64 PNG block after the text', async () => {
    fake.options = { apiKey: KEY };
    await provider().complete(req(withImages, 'vision'));
    const content = (last()['messages'] as { content: { type: string; source?: { type: string; media_type: string; data: string } }[] }[])[0]?.content ?? [];
    expect(content.map((b) => b.type)).toEqual(['text', ...withImages.images.map(() => 'image')]);
    for (const b of content.slice(1)) {
      expect(b.source).toMatchObject({ type: 'base64', media_type: 'image/png' });
      expect(
        Buffer.from(b.source?.data ?? '', 'base64')
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
  });

  it('extended thinking: the budget is sent, the thinking text kept as reasoning, thinking tokens in the usage', async () => {
    fake.options = { apiKey: KEY };
    const c = await provider({ thinkingBudget: 2048, reasoningEffort: 'medium' }).complete(req(q1));
    expect(last()).toMatchObject({ max_tokens: 2048 + 8000, thinking: { type: 'enabled', budget_tokens: 2048 }, output_config: { effort: 'medium' } });
    expect(c.reasoning).toContain(`${q1.id} の選択肢`);
    expect(c.usage).toMatchObject({ completion_tokens: 40, reasoning_tokens: 28 });
  });

  it('a reply cut by max_tokens is truncated', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: 'max-tokens' }) };
    const c = await provider({ thinkingBudget: 1024 }).complete(req(q1));
    expect(c).toMatchObject({ content: '', finishReason: 'max_tokens', truncated: true });
  });

  it('says what came back when a 200 is not JSON, and where the URL goes wrong', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: 'html' }) };
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(
      /^bad response: not JSON but "<!DOCTYPE html>.*is --base-url the API host \(without \/v1, e\.g\. https:\/\/api\.anthropic\.com\)\?$/,
    );
  });

  it('an error that echoes the key is redacted', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: '400' }) };
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.message).toBe('400 invalid_request_error: fake error 400 for key ***');
  });

  const cases: [string, FakeAnthropicOptions['fault'], string, number | null][] = [
    ['429 (retry-after)', () => ({ kind: '429', retryAfter: '2' }), 'rate-limit', 429],
    ['529 overloaded', () => ({ kind: '529' }), 'server', 529],
    ['500', () => ({ kind: '500' }), 'server', 500],
    ['503', () => ({ kind: '503' }), 'server', 503],
    ['drop', () => ({ kind: 'drop' }), 'connection', null],
    ['hang', () => ({ kind: 'hang' }), 'timeout', null],
    ['trickle', () => ({ kind: 'trickle' }), 'timeout', null],
    ['malformed', () => ({ kind: 'malformed' }), 'bad-response', null],
    ['truncated', () => ({ kind: 'truncated' }), 'connection', null],
    ['400', () => ({ kind: '400' }), 'bad-request', 400],
    ['401', () => ({ kind: '401' }), 'auth', 401],
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

  it('a 429 without retry-after waits until the exhausted limit resets (anthropic-ratelimit-requests-reset)', async () => {
    fake.options = { apiKey: KEY, fault: () => ({ kind: '429' }) };
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.retryAfterMs).toBeGreaterThan(500);
    expect(err.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it('a wrong key is auth; a sampling parameter in --extra-body is refused by API version 2026-10-21 as a bad request', async () => {
    fake.options = { apiKey: 'other' };
    expect(
      (
        (await provider()
          .complete(req(q1))
          .catch((e: unknown) => e)) as ProviderError
      ).kind,
    ).toBe('auth');
    fake.options = { apiKey: KEY };
    const err = (await provider({ extraBody: { temperature: 0 } })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'bad-request', message: '400 invalid_request_error: temperature: not supported in API version 2026-10-21' });
  });
});
