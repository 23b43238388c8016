import { sleep } from '../util/sleep.js';
import { ProviderError, type Completion, type CompleteOptions, type CompletionRequest, type Provider } from './types.js';
import { redact } from '../util/redact.js';

/**
 * Retries around a provider: exponential backoff with jitter on transient
 * failures (429, 5xx, timeouts, dropped connections, unreadable replies),
 * honouring Retry-After; never on 400/401/403/404. The completion (or the
 * final error) carries the number of requests sent.
 */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  readonly maxRetries?: number;
  /** First backoff, ms (default 1000); doubles per attempt. */
  readonly baseDelayMs?: number;
  /** Backoff cap, ms (default 60 s). */
  readonly maxDelayMs?: number;
  /** Longest Retry-After honoured, ms (default 10 min). */
  readonly maxRetryAfterMs?: number;
  /** Called before each wait (progress/logging). */
  readonly onRetry?: (info: { request: CompletionRequest; attempt: number; delayMs: number; error: ProviderError }) => void;
  /** For tests. */
  readonly random?: () => number;
}

/** Backoff before retry number `attempt` (1-based): base·2^(attempt−1), capped, with "equal jitter" (½–1×). */
export function backoffDelay(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
  const d = Math.min(cap, base * 2 ** (attempt - 1));
  return Math.round(d / 2 + (random() * d) / 2);
}


export function withRetry(inner: Provider, opts: RetryOptions = {}): Provider {
  const maxRetries = opts.maxRetries ?? 5;
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 60_000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 600_000;
  const random = opts.random ?? Math.random;
  return {
    name: inner.name,
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      for (let attempt = 1; ; attempt++) {
        try {
          const c = await inner.complete(request, options);
          return { ...c, attempts: attempt };
        } catch (e) {
          const err = e instanceof ProviderError ? e : new ProviderError('bad-response', redact(`bad response: ${(e as Error)?.message ?? String(e)}`));
          err.attempts = attempt;
          if (options.signal?.aborted) {
            const aborted = new ProviderError('aborted', 'request aborted');
            aborted.attempts = attempt;
            throw aborted;
          }
          if (!err.retryable || attempt > maxRetries) throw err;
          const delayMs = err.retryAfterMs !== null ? Math.min(err.retryAfterMs, maxRetryAfter) : backoffDelay(attempt, base, cap, random);
          opts.onRetry?.({ request, attempt, delayMs, error: err });
          try {
            await sleep(delayMs, options.signal, () => new ProviderError('aborted', 'request aborted'));
          } catch (abortErr) {
            (abortErr as ProviderError).attempts = attempt;
            throw abortErr;
          }
        }
      }
    },
  };
}
