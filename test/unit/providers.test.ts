import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt } from '../../src/prompt/prompt.js';
import { withRateLimit } from '../../src/providers/limit.js';
import { randomAnswer, randomProvider } from '../../src/providers/random.js';
import { providerEntry, providerIds, registerProvider, resolveApiKey } from '../../src/providers/registry.js';
import { backoffDelay, withRetry } from '../../src/providers/retry.js';
import { parseRetryAfter, ProviderError, type Completion, type CompletionRequest, type Provider } from '../../src/providers/types.js';
import { buildRecord } from '../../src/scoring/record.js';
import { mulberry32 } from '../../src/util/prng.js';
import { fixtureExam } from '../fixtures/exam.js';

const exam = fixtureExam();
const q1 = exam.questions[0] as Question;
const req = (q: Question, epoch = 1): CompletionRequest => {
  const p = buildPrompt(exam, q, 'blind');
  return { messages: p.messages, answerFormat: p.answerFormat, epoch, label: q.id };
};

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
  it("picks answers of the prompt's format: the right number of the offered letters, or a number of the template's digits", () => {
    for (const q of exam.questions) {
      const format = buildPrompt(exam, q, 'blind').answerFormat;
      const a = randomAnswer(format, mulberry32(7));
      expect(randomAnswer(format, mulberry32(7))).toBe(a);
      if (q.type === 'multiple_choice') {
        const letters = a.split(',');
        expect(letters).toHaveLength(q.selectCount);
        for (const l of letters) expect(q.choices).toContain(l);
      } else expect(a).toMatch(/^\d(\.\d)?$/);
    }
  });

  it('is deterministic per seed, epoch and prompt, and parsable by the extractor', async () => {
    const p = randomProvider(0);
    for (const q of exam.questions) {
      const c = await p.complete(req(q));
      expect((await p.complete(req(q))).content).toBe(c.content);
      expect(buildRecord(q, { content: c.content, error: null }).parse_success).toBe(true);
    }
    const answers = async (seed: number, epoch: number) =>
      Promise.all(exam.questions.map(async (q) => (await randomProvider(seed).complete(req(q, epoch))).content));
    expect(await answers(1, 1)).not.toEqual(await answers(2, 1));
    expect(await answers(1, 1)).not.toEqual(await answers(1, 2));
  });
});

describe('the provider registry', () => {
  it('adding a provider is one registry entry: the runner and the CLI find it by id', async () => {
    const made: string[] = [];
    registerProvider({
      id: 'dummy',
      title: 'a test provider',
      defaultBaseUrl: 'https://dummy.invalid/v1',
      keyEnv: () => ['DUMMY_API_KEY'],
      needsKey: () => true,
      async create(options) {
        made.push(options.model);
        return randomProvider(0);
      },
    });
    expect(providerIds()).toContain('dummy');
    const entry = providerEntry('dummy');
    await entry.create({
      model: 'x',
      baseUrl: null,
      apiKey: 'k',
      timeoutS: 1,
      settings: { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null },
    });
    expect(made).toEqual(['x']);
    expect(resolveApiKey(entry, undefined, null, { DUMMY_API_KEY: 'sk-dummy' })).toEqual({ key: 'sk-dummy', hint: 'DUMMY_API_KEY' });
    expect(() => resolveApiKey(entry, undefined, new URL('https://dummy.invalid/v1'), {})).toThrow(
      /^no API key for dummy\.invalid: pass --api-key or set DUMMY_API_KEY$/,
    );
    expect(() => providerEntry('nope')).toThrow(/^unknown provider "nope"; available: .*dummy/);
  });

  it('finds the key where each provider keeps it; local servers need none', () => {
    const openai = providerEntry('openai');
    expect(resolveApiKey(openai, 'flag-key', null, {})).toEqual({ key: 'flag-key', hint: '--api-key' });
    expect(resolveApiKey(openai, undefined, new URL('https://openrouter.ai/api/v1'), { OPENROUTER_API_KEY: 'or' }).key).toBe('or');
    expect(resolveApiKey(openai, undefined, new URL('http://localhost:8000/v1'), {}).key).toBeNull();
    expect(() => resolveApiKey(openai, undefined, new URL('https://api.openai.com/v1'), {})).toThrow(/set OPENAI_API_KEY$/);
    expect(resolveApiKey(providerEntry('random'), undefined, null, {}).key).toBeNull();
  });
});

describe('withRetry: telling a wrong URL and a vanished server from a hiccup', () => {
  const ok: Completion = { content: '【回答】a', reasoning: null, usage: null, finishReason: 'stop' };

  it('does not retry a reply that is no API (an HTML error page) before the first answer', async () => {
    const inner = flaky([new ProviderError('server', 'not an API reply (501 …)', { status: 501, notApi: true })]);
    const err = (await withRetry(inner, { baseDelayMs: 1, failFastUntilAnswered: true })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.notApi).toBe(true);
    expect(inner.calls).toBe(1);
    // After an answer, the same reply is a hiccup of a real API (a proxy's 502 page): retried.
    const later = flaky([]);
    const p = withRetry(later, { baseDelayMs: 1, failFastUntilAnswered: true });
    await p.complete(req(q1));
    const again = flaky([new ProviderError('server', 'not an API reply', { status: 502, notApi: true })]);
    const q = withRetry(again, { baseDelayMs: 1, failFastUntilAnswered: false });
    expect((await q.complete(req(q1))).attempts).toBe(2);
  });

  it('after the server answered, failing to connect for the whole window stops with `unreachable`', async () => {
    let t = 0;
    let down = false;
    let calls = 0;
    const inner: Provider = {
      name: 'vanishing',
      async complete() {
        calls++;
        t += 10_000; // each attempt "takes" 10 s of the fake clock
        if (down) throw new ProviderError('connection', 'connection error: ECONNREFUSED');
        return ok;
      },
    };
    const p = withRetry(inner, { maxRetries: 100, baseDelayMs: 1, unreachableAfterMs: 30_000, now: () => t });
    await p.complete(req(q1));
    down = true;
    const err = (await p.complete(req(q1)).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(/^the server has not been reachable for 30s \(connection error: ECONNREFUSED\); resume when it is back$/);
    expect(calls).toBe(5); // the answer, then failures at 20, 30, 40, 50 s: the window (30 s) is full at the fourth
  });

  it("a connection failure before any answer is left to the run's fail-fast, not called unreachable", async () => {
    const inner = flaky(Array.from({ length: 3 }, () => new ProviderError('connection', 'refused')));
    const err = (await withRetry(inner, { maxRetries: 2, baseDelayMs: 1, unreachableAfterMs: 0 })
      .complete(req(q1))
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('connection');
  });
});
