import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt } from '../../src/prompt/prompt.js';
import { openAICompatible } from '../../src/providers/openai.js';
import { ProviderError, type CompletionRequest } from '../../src/providers/types.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeOpenAI, type FakeOptions, type FakeServer } from '../helpers/fake-openai.js';

const { exam } = loadExam({ dataDir: DATA_ROOT });
const q1 = exam.questions[0] as Question;
const req = (q: Question): CompletionRequest => {
  const p = buildPrompt(exam, q, 'blind');
  return { messages: p.messages, answerFormat: p.answerFormat, epoch: 1, label: q.id };
};

describe('OpenAI-compatible provider against the fake server', () => {
  let fake: FakeServer;
  const provider = () =>
    openAICompatible({
      model: 'fake-model',
      baseUrl: fake.url,
      apiKey: 'k-test',
      timeoutS: 0.5,
      settings: { seed: 3, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: { reasoning: { enabled: true } } },
    });
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends model, messages, seed and the extra body; reads content and usage', async () => {
    fake.options = {};
    const c = await provider().complete(req(q1));
    expect(c.content).toBe(`【回答】${q1.answer.join(',')}`);
    expect(c.usage).toMatchObject({ completion_tokens: 12, reasoning_tokens: 5 });
    expect(c.finishReason).toBe('stop');
    const body = fake.requests.at(-1)?.body ?? {};
    expect(body['model']).toBe('fake-model');
    expect(body['reasoning']).toEqual({ enabled: true });
    expect(body['seed']).toBe(3);
  });

  it('keeps `reasoning` or `reasoning_content` when content is null', async () => {
    for (const field of ['reasoning', 'reasoning_content'] as const) {
      fake.options = { fault: () => ({ kind: 'reasoning-only', field }) };
      const c = await provider().complete(req(q1));
      expect(c.content).toBe('');
      expect(c.reasoning).toContain('【回答】');
    }
  });

  it('says what came back when a 200 is not JSON (an HTML page: a wrong --base-url)', async () => {
    fake.options = { fault: () => ({ kind: 'html' }) };
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(
      /^bad response: not JSON but "<!DOCTYPE html><html><body><h1>Welcome to nginx!.*is --base-url the API \(it usually ends in \/v1\)\?$/,
    );
  });

  it('times out a reply that trickles in forever, naming the limit', async () => {
    fake.options = { fault: () => ({ kind: 'trickle' }) };
    const t0 = performance.now();
    const err = (await provider()
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('request timed out after 0.5 s (--timeout)');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("the caller's abort ends a request in flight as aborted, not as a timeout; an aborted signal sends nothing", async () => {
    fake.options = { fault: () => ({ kind: 'hang' }) };
    const ctl = new AbortController();
    const pending = provider()
      .complete(req(q1), { signal: ctl.signal })
      .catch((e: unknown) => e);
    setTimeout(() => ctl.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'aborted', message: 'request aborted' });
    const sent = fake.requests.length;
    const err = (await provider()
      .complete(req(q1), { signal: ctl.signal })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(sent);
  });

  const cases: [string, FakeOptions, string, number | null][] = [
    ['429', { fault: () => ({ kind: '429', retryAfter: '2' }) }, 'rate-limit', 429],
    ['500', { fault: () => ({ kind: '500' }) }, 'server', 500],
    ['503', { fault: () => ({ kind: '503' }) }, 'server', 503],
    ['drop', { fault: () => ({ kind: 'drop' }) }, 'connection', null],
    ['hang', { fault: () => ({ kind: 'hang' }) }, 'timeout', null],
    ['malformed', { fault: () => ({ kind: 'malformed' }) }, 'bad-response', null],
    ['truncated', { fault: () => ({ kind: 'truncated' }) }, 'connection', null],
    ['empty choices', { fault: () => ({ kind: 'empty-choices' }) }, 'bad-response', null],
    ['400', { fault: () => ({ kind: '400' }) }, 'bad-request', 400],
    ['401', { fault: () => ({ kind: '401' }) }, 'auth', 401],
    ['403', { fault: () => ({ kind: '403' }) }, 'auth', 403],
    ['404', { fault: () => ({ kind: '404' }) }, 'not-found', 404],
  ];
  for (const [name, opts, kind, status] of cases) {
    it(`classifies ${name} as ${kind}`, async () => {
      fake.options = opts;
      const err = (await provider()
        .complete(req(q1))
        .catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.kind).toBe(kind);
      expect(err.status).toBe(status);
      if (name === '429') expect(err.retryAfterMs).toBe(2000);
    });
  }
});

describe('closing idle connections (the run has nothing more to ask)', () => {
  it('closes the connections kept alive, not one still answering; a later request opens a new one', async () => {
    const { createServer } = await import('node:http');
    const open = new Set<unknown>();
    let release: (() => void) | null = null;
    const server = createServer((request, res) => {
      const answer = () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ message: { content: '【回答】a' }, finish_reason: 'stop' }] }));
      let body = '';
      request.on('data', (c: Buffer) => (body += c.toString()));
      request.on('end', () => (body.includes('hold') ? (release = answer) : answer()));
    });
    server.on('connection', (socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const p = openAICompatible({
        model: 'm',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        apiKey: null,
        timeoutS: 5,
        settings: { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null },
      });
      const ask = (text: string) =>
        p.complete({
          messages: [{ role: 'user', content: text }],
          answerFormat: { kind: 'choices', letters: ['a', 'b', 'c', 'd', 'e'], select: 1 },
          epoch: 1,
          label: text,
        });
      const held = ask('hold');
      await ask('now');
      await new Promise((resolve) => setTimeout(resolve, 20)); // the answered connection is back in the pool
      expect(open.size).toBe(2);
      p.closeIdleConnections?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open.size).toBe(1); // the held request's connection stays
      (release as (() => void) | null)?.();
      expect((await held).content).toBe('【回答】a');
      expect((await ask('again')).content).toBe('【回答】a');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
