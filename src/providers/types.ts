import type { Question } from '../exam/types.js';
import type { ChatMessage } from '../prompt/prompt.js';

/**
 * The provider interface: one chat completion for one question. Providers know
 * nothing about scheduling; retries, rate limits and concurrency wrap them
 * (`withRetry(withRateLimit(provider))`).
 */

export interface CompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  /** The question being asked (offline baselines use its shape; remote providers ignore it). */
  readonly question: Question;
}

export interface TokenUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** From `usage.completion_tokens_details.reasoning_tokens`, when the server reports it. */
  reasoning_tokens: number | null;
  total_tokens: number | null;
}

export interface Completion {
  /** The message content ("" when the server sent none). */
  readonly content: string;
  /** `reasoning` or `reasoning_content` of the message, when present. */
  readonly reasoning: string | null;
  readonly usage: TokenUsage | null;
  readonly finishReason: string | null;
  /** Requests sent for this completion (set by `withRetry`; 1 otherwise). */
  readonly attempts?: number;
}

export interface CompleteOptions {
  /** Aborts the request in flight. */
  readonly signal?: AbortSignal;
  /**
   * Stops starting attempts (first Ctrl-C): waiting for a slot, an RPM start or
   * a retry backoff ends with an `aborted` error; a request already sent runs on.
   */
  readonly stop?: AbortSignal;
  /** Called when an attempt actually goes out (after waiting for a slot or an RPM start), for latency. */
  readonly onSend?: () => void;
}

/** One signal for "abort" or "stop", for waits that either must end. */
export function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

export interface Provider {
  /** Shown in logs and metadata, e.g. "openai-compatible" or "random". */
  readonly name: string;
  complete(request: CompletionRequest, options?: CompleteOptions): Promise<Completion>;
}

/**
 * Why a request failed, as scheduling needs to know it:
 * - auth / not-found / bad-request: the request can never succeed; not retried
 * - rate-limit / server / timeout / connection / bad-response: transient; retried
 * - quota: the server asks to wait longer than `withRetry` will (e.g. a daily
 *   quota); not retried; the runner stops sending, as on Ctrl-C
 * - aborted: the caller aborted it (second Ctrl-C); not recorded
 */
export type FailureKind = 'auth' | 'not-found' | 'bad-request' | 'rate-limit' | 'server' | 'timeout' | 'connection' | 'bad-response' | 'quota' | 'aborted';

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['rate-limit', 'server', 'timeout', 'connection', 'bad-response']);

export class ProviderError extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;
  /** Server-requested wait before the next attempt (from Retry-After), in ms. */
  readonly retryAfterMs: number | null;
  /** Requests sent before giving up (set by `withRetry`). */
  attempts = 1;
  constructor(kind: FailureKind, message: string, opts: { status?: number | null; retryAfterMs?: number | null } = {}) {
    super(message);
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Parse a Retry-After value: delay in seconds, or an HTTP date. Returns ms, or null when absent/unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now);
}
