import { sleep } from '../util/sleep.js';
import { eitherSignal, passedThrough, ProviderError, type Completion, type CompleteOptions, type CompletionRequest, type Provider } from './types.js';
import { redact } from '../util/redact.js';

/**
 * Retries around a provider: exponential backoff with jitter on transient
 * failures (429, 5xx, timeouts, dropped connections, unreadable replies),
 * honouring Retry-After; never on 400/401/403/404. The completion (or the
 * final error) carries the number of requests sent.
 *
 * Retry-After: a positive wait is honoured (seconds or HTTP date); 0 or a date
 * in the past falls back to the backoff (a server that says "now" on every
 * 429 is not hammered); a wait longer than `maxRetryAfterMs` (an exhausted
 * quota) is not waited out: the request fails at once with kind `quota`,
 * saying how long the server asked for.
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
  readonly onRetry?: (info: RetryInfo) => void;
  /**
   * Until the first reply succeeds, a reply that is no API's (an HTML page)
   * is not retried: the URL points at something else, and the run should say
   * so at once rather than after minutes of backoff (default false).
   */
  readonly failFastUntilAnswered?: boolean;
  /**
   * Once the server has answered, a stretch of this long in which every
   * request fails to connect means it went away: the request fails as
   * `unreachable` (the runner stops, resumably) instead of every question
   * burning its retries. Default: never.
   */
  readonly unreachableAfterMs?: number;
  /** For tests. */
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface RetryInfo {
  readonly request: CompletionRequest;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: ProviderError;
}

/** Backoff before retry number `attempt` (1-based): base·2^(attempt−1), capped, with "equal jitter" (½–1×). */
export function backoffDelay(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
  const d = Math.min(cap, base * 2 ** (attempt - 1));
  return Math.round(d / 2 + (random() * d) / 2);
}

/** "45s", "12m", "27h47m": how long a server asked to wait. */
function waitText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

function aborted(attempts: number): ProviderError {
  const e = new ProviderError('aborted', 'request aborted');
  e.attempts = attempts;
  return e;
}

export function withRetry(inner: Provider, opts: RetryOptions = {}): Provider {
  const maxRetries = opts.maxRetries ?? 5;
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 60_000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 600_000;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  // Shared by every request through this wrapper: has the server answered yet, and since when does nothing connect?
  let answered = false;
  let unreachableSince: number | null = null;
  return {
    name: inner.name,
    ...passedThrough(inner),
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      for (let attempt = 1; ; attempt++) {
        // Aborted while waiting for this attempt (a slot, a backoff): nothing is sent.
        if (options.signal?.aborted) throw aborted(attempt - 1);
        try {
          const c = await inner.complete(request, options);
          answered = true;
          unreachableSince = null;
          return { ...c, attempts: attempt };
        } catch (e) {
          const err = e instanceof ProviderError ? e : new ProviderError('bad-response', redact(`bad response: ${(e as Error)?.message ?? String(e)}`));
          err.attempts = attempt;
          // Aborted, or stopped (Ctrl-C) before the next attempt: not finished, asked again on resume.
          if (options.signal?.aborted || options.stop?.aborted || err.kind === 'aborted') throw aborted(attempt);
          if (err.kind === 'connection' && answered) {
            unreachableSince ??= now();
            const down = now() - unreachableSince;
            if (opts.unreachableAfterMs !== undefined && down >= opts.unreachableAfterMs) {
              const gone = new ProviderError('unreachable', `the server has not been reachable for ${waitText(down)} (${err.message}); resume when it is back`);
              gone.attempts = attempt;
              throw gone;
            }
          } else if (err.kind !== 'connection') unreachableSince = null;
          if (err.notApi && opts.failFastUntilAnswered && !answered) throw err;
          if (!err.retryable || attempt > maxRetries) throw err;
          if (err.retryAfterMs !== null && err.retryAfterMs > maxRetryAfter) {
            const giveUp = new ProviderError('quota', `the server asks to retry after ${waitText(err.retryAfterMs)} (${err.message})`, {
              status: err.status,
              retryAfterMs: err.retryAfterMs,
            });
            giveUp.attempts = attempt;
            throw giveUp;
          }
          const delayMs = err.retryAfterMs !== null && err.retryAfterMs > 0 ? err.retryAfterMs : backoffDelay(attempt, base, cap, random);
          opts.onRetry?.({ request, attempt, delayMs, error: err });
          await sleep(delayMs, eitherSignal(options.signal, options.stop), () => aborted(attempt));
        }
      }
    },
  };
}
