import { sleep } from '../util/sleep.js';
import type { AdaptiveConcurrency, AdaptiveStats, SendOutcome } from './adaptive.js';
import { eitherSignal, passedThrough, ProviderError, type Completion, type CompleteOptions, type CompletionRequest, type Provider } from './types.js';

/**
 * Concurrency and rate limiting around a provider: never more than
 * `concurrency` requests in flight (a fixed number, or an `AdaptiveConcurrency`
 * that finds the server's limit: `--parallel auto`), and starts spaced so that
 * at most `rpm` begin in any minute. Waiting callers are served first come,
 * first served. Rejections (429, 503, 529) are counted either way.
 */
export interface RateLimitOptions {
  readonly concurrency: number | AdaptiveConcurrency;
  /** Requests per minute; undefined/0 = no cap. */
  readonly rpm?: number | null;
  /** For tests. */
  readonly now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  /** Either ends the wait (abort, or the first Ctrl-C's stop). */
  signals: readonly AbortSignal[];
}

export interface LimitedProvider extends Provider {
  /** Requests in flight right now. */
  readonly inFlight: number;
  /** Highest number of requests in flight so far. */
  readonly peak: number;
  /** Requests the server rejected as over its limit (429, 503, 529). */
  readonly rejected: number;
  /** What the adaptive controller did (null with a fixed concurrency). */
  readonly adaptive: AdaptiveStats | null;
}

function abortError(): ProviderError {
  return new ProviderError('aborted', 'request aborted');
}

/** How a request ended, as concurrency control reads it: a rejection says "too many", an answer "fine". */
export function outcomeOf(e: unknown): SendOutcome {
  if (!(e instanceof ProviderError)) return { kind: 'other' };
  const overloaded = e.kind === 'rate-limit' || (e.kind === 'server' && (e.status === 503 || e.status === 529));
  return overloaded ? { kind: 'rejected', retryAfterMs: e.retryAfterMs } : { kind: 'other' };
}

export function withRateLimit(inner: Provider, opts: RateLimitOptions): LimitedProvider {
  const fixed = typeof opts.concurrency === 'number' ? opts.concurrency : null;
  const control = typeof opts.concurrency === 'number' ? null : opts.concurrency;
  if (fixed !== null && (!Number.isInteger(fixed) || fixed < 1)) throw new Error('concurrency must be a positive integer');
  const now = opts.now ?? Date.now;
  const interval = opts.rpm && opts.rpm > 0 ? 60_000 / opts.rpm : 0;
  let nextStart = 0;
  let active = 0;
  let peak = 0;
  let rejected = 0;
  const queue: Waiter[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The waiters on each signal, with one listener per signal: the stop signal is shared by every
   * request, and a listener per waiter on it would be dozens (and Node's leak warning).
   */
  const watched = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  function watch(w: Waiter): void {
    for (const x of w.signals) {
      let entry = watched.get(x);
      if (!entry) {
        const waiters = new Set<Waiter>();
        const onAbort = () => {
          watched.delete(x);
          for (const v of waiters) {
            const i = queue.indexOf(v);
            if (i >= 0) queue.splice(i, 1);
            unwatch(v);
            v.reject(abortError());
          }
        };
        entry = { waiters, onAbort };
        watched.set(x, entry);
        x.addEventListener('abort', onAbort, { once: true });
      }
      entry.waiters.add(w);
    }
  }

  function unwatch(w: Waiter): void {
    for (const x of w.signals) {
      const entry = watched.get(x);
      if (!entry) continue;
      entry.waiters.delete(w);
      if (entry.waiters.size === 0) {
        x.removeEventListener('abort', entry.onAbort);
        watched.delete(x);
      }
    }
  }

  /** Whether one more request may start now (a queued one counts as waiting). */
  function mayStart(waiting: number): boolean {
    if (fixed !== null) return active < fixed;
    const t = now();
    return t >= (control as AdaptiveConcurrency).startsAt() && active < (control as AdaptiveConcurrency).limit(t, waiting);
  }

  function take(): void {
    active++;
    peak = Math.max(peak, active);
  }

  /** Start queued callers while slots allow; with adaptive control, wake up when the limit may next grow. */
  function pump(): void {
    while (queue.length > 0) {
      const w = queue[0] as Waiter;
      if (w.signals.some((x) => x.aborted)) {
        queue.shift();
        continue;
      }
      if (!mayStart(queue.length)) break;
      queue.shift();
      unwatch(w);
      take();
      w.resolve();
    }
    // The wake-up is for waiting callers only: once none wait, it must not keep the process alive.
    if (timer !== null && queue.length === 0) {
      clearTimeout(timer);
      timer = null;
    }
    if (control && queue.length > 0 && timer === null) {
      const at = control.nextChange(now(), queue.length);
      if (at !== null) {
        timer = setTimeout(
          () => {
            timer = null;
            pump();
          },
          Math.max(1, Math.ceil(at - now())),
        );
      }
    }
  }

  /** A slot, at once if one is free; otherwise wait in line until one is, or until a signal ends the wait. */
  function acquire(signals: readonly AbortSignal[]): Promise<void> {
    if (signals.some((x) => x.aborted)) return Promise.reject(abortError());
    if (queue.length === 0 && mayStart(1)) {
      take();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject, signals };
      watch(w);
      queue.push(w);
      pump();
    });
  }

  function release(): void {
    active--;
    pump();
  }

  /** Reserve the next start time under the RPM cap; returns how long to wait. */
  function reserveStart(): number {
    if (interval === 0) return 0;
    const t = now();
    const start = Math.max(t, nextStart);
    nextStart = start + interval;
    return start - t;
  }

  return {
    name: inner.name,
    ...passedThrough(inner),
    get inFlight() {
      return active;
    },
    get peak() {
      return peak;
    },
    get rejected() {
      return rejected;
    },
    get adaptive() {
      return control ? control.stats() : null;
    },
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      // Waiting for a slot or a start time ends on stop as well as on abort: nothing new is sent after Ctrl-C.
      // (The two signals are watched apart: combining them per request costs more than the rest of the limiter.)
      const waitSignals = [options.signal, options.stop].filter((x): x is AbortSignal => x !== undefined);
      await acquire(waitSignals);
      try {
        const wait = reserveStart();
        if (wait > 0) await sleep(wait, eitherSignal(options.signal, options.stop), abortError);
        options.onSend?.();
        const ticket = control?.sent(active, now());
        try {
          const c = await inner.complete(request, options);
          if (ticket) control?.finished(ticket, { kind: 'ok' }, now());
          return c;
        } catch (e) {
          const outcome = outcomeOf(e);
          if (outcome.kind === 'rejected') rejected++;
          if (ticket) control?.finished(ticket, outcome, now());
          throw e;
        }
      } finally {
        release();
      }
    },
  };
}
