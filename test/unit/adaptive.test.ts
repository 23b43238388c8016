import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveConcurrency } from '../../src/providers/adaptive.js';
import { withRateLimit } from '../../src/providers/limit.js';
import { withRetry } from '../../src/providers/retry.js';
import { ProviderError, type Completion, type CompletionRequest, type Provider } from '../../src/providers/types.js';

const ok = { kind: 'ok' } as const;
const rejected = (retryAfterMs: number | null = null) => ({ kind: 'rejected', retryAfterMs }) as const;

describe('AdaptiveConcurrency: the controller alone, on a hand-driven clock', () => {
  /** A controller that has seen one answer take `latency` ms, at `now`. */
  function warmed(opts: { max?: number; initial?: number; probeAfter?: number }, latency: number) {
    const c = new AdaptiveConcurrency({ max: opts.max ?? 64, initial: opts.initial, probeAfter: opts.probeAfter });
    c.finished(c.sent(1, 0), ok, latency);
    return c;
  }

  it('starts at 8 (or the cap), and does not grow before anything has come back', () => {
    expect(new AdaptiveConcurrency({ max: 64 }).limit(0, 100)).toBe(8);
    expect(new AdaptiveConcurrency({ max: 3 }).limit(0, 100)).toBe(3);
    const c = new AdaptiveConcurrency({ max: 64 });
    expect(c.limit(10_000, 100)).toBe(8);
    expect(c.nextChange(10_000, 100)).toBeNull();
  });

  it('grows one slot per pace step while requests wait, never beyond its start plus twice the answers', () => {
    const c = new AdaptiveConcurrency({ max: 64, initial: 4 });
    for (let i = 1; i <= 2; i++) c.finished(c.sent(i, 0), ok, 1000); // latency 1000 ms
    expect(c.limit(1000, 10)).toBe(5);
    expect(c.limit(1000, 10)).toBe(5); // one step per latency / limit
    expect(c.nextChange(1000, 20)).toBe(1000 + 1000 / 5);
    expect(c.limit(1200, 10)).toBe(6);
    expect(c.limit(1200 + 1000 / 6, 0)).toBe(6); // nobody waiting: no growth
    let t = 1400;
    for (let i = 0; i < 20; i++) c.limit((t += 200), 10);
    expect(c.limit((t += 200), 10)).toBe(8); // 4 + 2 × 2 answers
    expect(c.nextChange(t, 20)).toBeNull();
  });

  it('ends the ramp at the level below the first rejection, without waiting for its Retry-After', () => {
    const c = warmed({ initial: 12 }, 500);
    c.finished(c.sent(12, 600), rejected(5000), 601);
    expect(c.limit(602, 10)).toBe(11);
    expect(c.startsAt()).toBe(0);
    expect(c.stats()).toEqual({ limit: 11, rejected: 1, decreases: 1 });
  });

  it('ignores rejections of requests sent above the limit it has since come down to', () => {
    const c = warmed({ initial: 12 }, 500);
    const before = [c.sent(12, 590), c.sent(11, 595)];
    c.finished(c.sent(11, 600), rejected(), 601); // limit 10
    c.finished(before[0]!, rejected(), 602);
    c.finished(before[1]!, rejected(), 603);
    expect(c.stats()).toEqual({ limit: 10, rejected: 3, decreases: 1 });
    c.finished(c.sent(10, 700), rejected(), 701); // sent within the held limit: news
    expect(c.stats()).toEqual({ limit: 5, rejected: 4, decreases: 2 });
  });

  it('probes one slot above the held level after a quiet while; a failed probe doubles the wait, a good one resumes the ramp', () => {
    const c = warmed({ initial: 10, probeAfter: 2 }, 500);
    c.finished(c.sent(10, 600), rejected(), 601); // hold at 9 from 601
    expect(c.limit(700, 5)).toBe(9);
    expect(c.nextChange(700, 20)).toBe(601 + 2 * 500);
    expect(c.limit(1601, 5)).toBe(9); // time to probe, but fewer requests wait than a window: not worth it
    expect(c.nextChange(1601, 5)).toBeNull(); // nor a reason to wake up until more wait
    expect(c.limit(1601, 20)).toBe(10); // the probe
    c.finished(c.sent(10, 1601), rejected(), 1602);
    expect(c.limit(1603, 20)).toBe(9);
    expect(c.nextChange(1603, 20)).toBe(1602 + 4 * 500);
    expect(c.limit(3602, 20)).toBe(10); // the second probe
    for (let i = 0; i < 10; i++) c.finished(c.sent(10, 3602), ok, 4102);
    c.finished(c.sent(9, 3700), ok, 4200); // an answer in the new ramp
    expect(c.limit(4300, 20)).toBe(11);
  });

  it('halves on a rejection at a level that worked, and then waits out its Retry-After', () => {
    const c = warmed({ initial: 21 }, 1000);
    c.finished(c.sent(21, 1000), rejected(), 1001); // ramp overshoot: hold at 20
    c.finished(c.sent(20, 2500), rejected(3000), 2501); // capacity dropped
    expect(c.limit(2502, 5)).toBe(10);
    expect(c.startsAt()).toBe(5501);
    expect(c.nextChange(2502, 20)).toBe(5501);
    expect(c.stats().decreases).toBe(2);
  });
});

describe('withRateLimit: callers waiting for a slot', () => {
  it('all end on the shared stop signal, which carries one listener however many wait; their own abort ends one', async () => {
    const release: (() => void)[] = [];
    const held: Provider = {
      name: 'held',
      complete: () => new Promise<Completion>((r) => release.push(() => r({ content: '', reasoning: null, usage: null, finishReason: null }))),
    };
    const limited = withRateLimit(held, { concurrency: 1 });
    const stop = new AbortController();
    let listeners = 0;
    const add = stop.signal.addEventListener.bind(stop.signal);
    stop.signal.addEventListener = ((...a: Parameters<AbortSignal['addEventListener']>) => {
      listeners++;
      add(...a);
    }) as AbortSignal['addEventListener'];
    const first = limited.complete(request, { stop: stop.signal });
    const own = new AbortController();
    const mine = limited.complete(request, { stop: stop.signal, signal: own.signal }).catch((e: unknown) => e);
    const waiting = Array.from({ length: 30 }, () => limited.complete(request, { stop: stop.signal }).catch((e: unknown) => e));
    expect(listeners).toBe(1);
    own.abort();
    expect(((await mine) as ProviderError).kind).toBe('aborted');
    stop.abort();
    const ended = (await Promise.all(waiting)) as ProviderError[];
    expect(ended.every((e) => e.kind === 'aborted')).toBe(true);
    release.forEach((r) => r());
    await first; // the one in flight runs on
    expect(limited.inFlight).toBe(0);
  });
});

/**
 * A server with a concurrency limit the client does not know: over it, a
 * request is rejected at once (429, optionally with Retry-After); under it, it
 * is answered after `latencyMs`. Runs on fake timers.
 */
function hiddenLimitServer(limit: number, latencyMs: number, retryAfterMs: number | null = null) {
  const s = { inFlight: 0, peak: 0, answered: 0, rejected: 0 };
  const provider: Provider = {
    name: 'hidden-limit',
    async complete(): Promise<Completion> {
      await new Promise((r) => setTimeout(r, 1)); // the rejection's round trip
      if (s.inFlight >= limit) {
        s.rejected++;
        throw new ProviderError('rate-limit', '429', { status: 429, retryAfterMs });
      }
      s.inFlight++;
      s.peak = Math.max(s.peak, s.inFlight);
      await new Promise((r) => setTimeout(r, latencyMs));
      s.inFlight--;
      s.answered++;
      return { content: '【回答】a', reasoning: null, usage: null, finishReason: 'stop' };
    },
  };
  return { provider, stats: s };
}

const request: CompletionRequest = { messages: [], answerFormat: { kind: 'choices', letters: ['a'], select: 1 }, epoch: 1, label: 'q' };

/** `n` requests through retry + adaptive limit, `workers` at a time (the engine's pool); returns the fake time taken. */
async function simulate(server: Provider, n: number, workers: number, control: AdaptiveConcurrency): Promise<number> {
  const limited = withRateLimit(server, { concurrency: control });
  const provider = withRetry(limited, { maxRetries: 10, random: () => 0.5 });
  const t0 = Date.now();
  let next = 0;
  let end = 0;
  const all = Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) {
        next++;
        await provider.complete(request);
      }
    }),
  ).then(() => (end = Date.now()));
  await vi.runAllTimersAsync();
  await all;
  return end - t0;
}

describe('withRateLimit + AdaptiveConcurrency against a hidden concurrency limit (simulated time)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ loopLimit: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const limit of [8, 32]) {
    it(`finds a limit of ${limit}: 400 answers, few rejections, close to --parallel ${limit}`, async () => {
      const { provider, stats } = hiddenLimitServer(limit, 500);
      const control = new AdaptiveConcurrency({ max: 64 });
      const took = await simulate(provider, 400, 64, control);
      const best = Math.ceil(400 / limit) * 500;
      expect(stats.answered).toBe(400);
      expect(stats.peak).toBe(limit);
      expect(stats.rejected).toBeLessThanOrEqual(12); // 3% of 400
      expect(took / best).toBeLessThan(1.15);
      expect(control.stats().rejected).toBe(stats.rejected);
    });
  }

  it('with Retry-After on every rejection, still finds the limit (the rejected requests wait it out)', async () => {
    const { provider, stats } = hiddenLimitServer(8, 500, 1000);
    const took = await simulate(provider, 400, 64, new AdaptiveConcurrency({ max: 64 }));
    expect(stats.answered).toBe(400);
    expect(stats.rejected).toBeLessThanOrEqual(12);
    expect(took / (50 * 500)).toBeLessThan(1.15);
  });

  it('follows a limit that drops mid-run: halves, then finds the new one', async () => {
    const t0 = Date.now();
    let inFlight = 0;
    let rejections = 0;
    let lateLevel = 0;
    const server: Provider = {
      name: 'shrinking',
      async complete(): Promise<Completion> {
        await new Promise((r) => setTimeout(r, 1));
        const limit = Date.now() - t0 < 4000 ? 32 : 12;
        if (inFlight >= limit) {
          rejections++;
          throw new ProviderError('rate-limit', '429', { status: 429 });
        }
        inFlight++;
        if (Date.now() - t0 > 8000) lateLevel = Math.max(lateLevel, inFlight);
        await new Promise((r) => setTimeout(r, 500));
        inFlight--;
        return { content: '【回答】a', reasoning: null, usage: null, finishReason: 'stop' };
      },
    };
    const control = new AdaptiveConcurrency({ max: 64 });
    await simulate(server, 600, 64, control);
    expect(lateLevel).toBe(12);
    expect(rejections).toBeLessThanOrEqual(30);
    expect(control.stats().limit).toBeLessThanOrEqual(13);
  });

  it('under a requests-per-window rate limit, waits out its Retry-After instead of hammering', async () => {
    // 100 requests per 10 s window; a refusal says how long until the window resets.
    let windowStart = Date.now();
    let used = 0;
    let rejections = 0;
    const server: Provider = {
      name: 'rpm',
      async complete(): Promise<Completion> {
        await new Promise((r) => setTimeout(r, 1));
        const now = Date.now();
        if (now - windowStart >= 10_000) {
          windowStart = now - ((now - windowStart) % 10_000);
          used = 0;
        }
        if (used >= 100) {
          rejections++;
          throw new ProviderError('rate-limit', '429', { status: 429, retryAfterMs: 10_000 - (now - windowStart) });
        }
        used++;
        await new Promise((r) => setTimeout(r, 500));
        return { content: '【回答】a', reasoning: null, usage: null, finishReason: 'stop' };
      },
    };
    const took = await simulate(server, 400, 64, new AdaptiveConcurrency({ max: 64 }));
    expect(took).toBeLessThan(35_000); // 4 windows: at least 30 s for anyone
    expect(rejections).toBeLessThanOrEqual(100); // without the pause, every waiting request is refused once per window and more
  });

  it('never exceeds --max-parallel', async () => {
    const { provider, stats } = hiddenLimitServer(1000, 200);
    await simulate(provider, 300, 64, new AdaptiveConcurrency({ max: 20 }));
    expect(stats.peak).toBe(20);
    expect(stats.rejected).toBe(0);
  });
});
