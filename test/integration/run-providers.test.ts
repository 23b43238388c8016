import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt } from '../../src/prompt/prompt.js';
import { withRateLimit } from '../../src/providers/limit.js';
import { openAICompatible } from '../../src/providers/openai.js';
import { randomAnswer, randomProvider } from '../../src/providers/random.js';
import { backoffDelay, withRetry } from '../../src/providers/retry.js';
import { parseRetryAfter, ProviderError, type Completion, type Provider } from '../../src/providers/types.js';
import { scoreResponse } from '../../src/scoring/record.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeOpenAI, type FakeOptions, type FakeServer } from '../helpers/fake-openai.js';

const { exam } = loadExam({ dataDir: DATA_ROOT });
const q1 = exam.questions[0] as Question;
const req = (q: Question) => ({ model: 'fake-model', messages: buildPrompt(exam, q, 'blind').messages, question: q });

describe('Retry-After and backoff', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-02-07T00:00:00Z');
    expect(parseRetryAfter('Sat, 07 Feb 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Fri, 06 Feb 2026 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
  it('doubles per attempt, jittered between half and full, capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

function flaky(failures: ProviderError[]): Provider & { calls: number } {
  const p = {
    name: 'flaky',
    calls: 0,
    async complete(): Promise<Completion> {
      p.calls++;
      const e = failures.shift();
      if (e) throw e;
      return { content: '【回答】a', reasoning: null, usage: null, finishReason: 'stop' };
    },
  };
  return p;
}

describe('withRetry', () => {
  it('retries transient failures and counts attempts', async () => {
    const inner = flaky([new ProviderError('server', '500'), new ProviderError('rate-limit', '429', { retryAfterMs: 5 }), new ProviderError('timeout', 't')]);
    const c = await withRetry(inner, { maxRetries: 5, baseDelayMs: 1 }).complete(req(q1));
    expect(c.attempts).toBe(4);
    expect(inner.calls).toBe(4);
  });
  it('does not retry 400/401/403/404', async () => {
    for (const kind of ['bad-request', 'auth', 'not-found'] as const) {
      const inner = flaky([new ProviderError(kind, 'no')]);
      const err = await withRetry(inner, { maxRetries: 5, baseDelayMs: 1 })
        .complete(req(q1))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe(kind);
      expect(inner.calls).toBe(1);
    }
  });
  it('gives up after maxRetries with the attempt count', async () => {
    const inner = flaky(Array.from({ length: 10 }, () => new ProviderError('connection', 'reset')));
    const err = (await withRetry(inner, { maxRetries: 2, baseDelayMs: 1 })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('connection');
    expect(err.attempts).toBe(3);
    expect(inner.calls).toBe(3);
  });
  it('falls back to its backoff when Retry-After is 0 or in the past (a 429 storm is not hammered)', async () => {
    const inner = flaky([new ProviderError('rate-limit', '429', { retryAfterMs: 0 }), new ProviderError('rate-limit', '429', { retryAfterMs: 0 })]);
    const waits: number[] = [];
    const t0 = performance.now();
    const c = await withRetry(inner, { baseDelayMs: 40, random: () => 1, onRetry: (i) => waits.push(i.delayMs) }).complete(req(q1));
    expect(c.attempts).toBe(3);
    expect(waits).toEqual([40, 80]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });
  it('does not wait out a Retry-After longer than its cap: fails at once as a quota, saying how long', async () => {
    const inner = flaky([new ProviderError('rate-limit', '429 Rate limit reached', { status: 429, retryAfterMs: 100_000_000 })]);
    const t0 = performance.now();
    const err = (await withRetry(inner, { maxRetryAfterMs: 60_000 })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(performance.now() - t0).toBeLessThan(100);
    expect(err.kind).toBe('quota');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('the server asks to retry after 27h47m (429 Rate limit reached)');
    expect(inner.calls).toBe(1);
  });
  it('stop (first Ctrl-C) ends a backoff wait at once and sends nothing more', async () => {
    const inner = flaky([new ProviderError('server', '500')]);
    const stop = new AbortController();
    const t0 = performance.now();
    setTimeout(() => stop.abort(), 30);
    const err = (await withRetry(inner, { baseDelayMs: 10_000 })
      .complete(req(q1), { stop: stop.signal })
      .catch((e: unknown) => e)) as ProviderError;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err.kind).toBe('aborted');
    expect(inner.calls).toBe(1);
  });
  it('honours Retry-After over its own backoff', async () => {
    const inner = flaky([new ProviderError('rate-limit', '429', { retryAfterMs: 300 })]);
    const t0 = Date.now();
    await withRetry(inner, { baseDelayMs: 1 }).complete(req(q1));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('withRateLimit', () => {
  it('never has more than `concurrency` in flight', async () => {
    let now = 0;
    let peak = 0;
    const slow: Provider = {
      name: 'slow',
      async complete() {
        now++;
        peak = Math.max(peak, now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
        return { content: '', reasoning: null, usage: null, finishReason: null };
      },
    };
    const limited = withRateLimit(slow, { concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, () => limited.complete(req(q1))));
    expect(peak).toBe(3);
    expect(limited.peak).toBe(3);
  });
  it('stop ends the wait for an RPM start without sending; onSend marks each attempt that goes out', async () => {
    let calls = 0;
    const p: Provider = {
      name: 'p',
      async complete() {
        calls++;
        return { content: '', reasoning: null, usage: null, finishReason: null };
      },
    };
    const limited = withRateLimit(p, { concurrency: 4, rpm: 1 }); // the second start would be a minute later
    const stop = new AbortController();
    let sends = 0;
    const onSend = () => sends++;
    await limited.complete(req(q1), { stop: stop.signal, onSend });
    const t0 = performance.now();
    setTimeout(() => stop.abort(), 30);
    const err = (await limited.complete(req(q1), { stop: stop.signal, onSend }).catch((e: unknown) => e)) as ProviderError;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err.kind).toBe('aborted');
    expect(calls).toBe(1);
    expect(sends).toBe(1);
    expect(limited.inFlight).toBe(0);
  });
  it('spaces starts under an RPM cap', async () => {
    const starts: number[] = [];
    const p: Provider = {
      name: 'p',
      async complete() {
        starts.push(performance.now());
        return { content: '', reasoning: null, usage: null, finishReason: null };
      },
    };
    const limited = withRateLimit(p, { concurrency: 10, rpm: 1200 }); // one start per 50 ms
    await Promise.all(Array.from({ length: 4 }, () => limited.complete(req(q1))));
    const span = (starts[3] as number) - (starts[0] as number);
    expect(span).toBeGreaterThanOrEqual(140);
  });
});

describe('random baseline', () => {
  it('is deterministic per seed and question, and picks the right number of choices', () => {
    for (const q of exam.questions) {
      const a = randomAnswer(q, 7);
      expect(randomAnswer(q, 7)).toBe(a);
      if (q.type === 'multiple_choice') {
        const letters = a.split(',');
        expect(letters).toHaveLength(q.selectCount);
        for (const l of letters) expect(q.choices).toContain(l);
      } else expect(a).toMatch(/^\d+(\.\d+)?$/);
    }
    const differs = exam.questions.some((q) => randomAnswer(q, 1) !== randomAnswer(q, 2));
    expect(differs).toBe(true);
  });
  it('answers in the instructed format, parsable by the extractor, near chance level', async () => {
    const p = randomProvider(0);
    let correct = 0;
    for (const q of exam.questions) {
      const c = await p.complete(req(q));
      const s = scoreResponse(q, c.content, c.reasoning);
      expect(s.parse_success).toBe(true);
      if (s.correct) correct++;
    }
    // chance: mostly 1 of 5; far below any real model
    expect(correct / exam.questions.length).toBeGreaterThan(0.08);
    expect(correct / exam.questions.length).toBeLessThan(0.35);
  });
});

describe('OpenAI-compatible provider against the fake server', () => {
  let fake: FakeServer;
  const provider = () => openAICompatible({ baseUrl: fake.url, apiKey: 'k-test', timeoutS: 0.5, extraBody: { reasoning: { enabled: true } }, seed: 3 });
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
