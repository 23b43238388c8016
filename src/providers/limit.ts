import { sleep } from '../util/sleep.js';
import { eitherSignal, ProviderError, type Completion, type CompleteOptions, type CompletionRequest, type Provider } from './types.js';

/**
 * Concurrency and rate limiting around a provider: never more than
 * `concurrency` requests in flight, and starts spaced so that at most `rpm`
 * begin in any minute. Waiting callers are served first come, first served.
 */
export interface RateLimitOptions {
  readonly concurrency: number;
  /** Requests per minute; undefined/0 = no cap. */
  readonly rpm?: number | null;
  /** For tests. */
  readonly now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface LimitedProvider extends Provider {
  /** Requests in flight right now. */
  readonly inFlight: number;
  /** Highest number of requests in flight so far. */
  readonly peak: number;
}

function abortError(): ProviderError {
  return new ProviderError('aborted', 'request aborted');
}

export function withRateLimit(inner: Provider, opts: RateLimitOptions): LimitedProvider {
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error('concurrency must be a positive integer');
  const now = opts.now ?? Date.now;
  const interval = opts.rpm && opts.rpm > 0 ? 60_000 / opts.rpm : 0;
  let nextStart = 0;
  let active = 0;
  let peak = 0;
  const queue: Waiter[] = [];

  function release(): void {
    active--;
    while (queue.length > 0 && active < opts.concurrency) {
      const w = queue.shift() as Waiter;
      if (w.signal?.aborted) continue;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      active++;
      peak = Math.max(peak, active);
      w.resolve();
    }
  }

  function acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (active < opts.concurrency && queue.length === 0) {
      active++;
      peak = Math.max(peak, active);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = queue.indexOf(w);
          if (i >= 0) queue.splice(i, 1);
          reject(abortError());
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      queue.push(w);
    });
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
    get inFlight() {
      return active;
    },
    get peak() {
      return peak;
    },
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      // Waiting for a slot or a start time ends on stop as well as on abort: nothing new is sent after Ctrl-C.
      const waitSignal = eitherSignal(options.signal, options.stop);
      await acquire(waitSignal);
      try {
        await sleep(reserveStart(), waitSignal, abortError);
        options.onSend?.();
        return await inner.complete(request, options);
      } finally {
        release();
      }
    },
  };
}
