import type { AnswerFormat, ChatMessage } from '../prompt/prompt.js';

/**
 * The provider interface: one chat completion for one prompt. A provider is
 * made for one model with its settings (see `ProviderOptions` and the
 * registry); it receives messages, never the exam's types. Providers know
 * nothing about scheduling; retries, rate limits and concurrency wrap them
 * (`withRetry(withRateLimit(provider))`).
 */

/** How the model generates: recorded in the result metadata, mapped by each provider to its API. */
export interface GenerationSettings {
  /** Sent as the request's seed where the API has one (each epoch adds its index, so samples differ). */
  readonly seed: number | null;
  /** Upper bound on generated tokens (thinking included where the API counts it so); null = the API's default. */
  readonly maxTokens: number | null;
  /** Reasoning effort (e.g. low, medium, high), for APIs that take one. */
  readonly reasoningEffort: string | null;
  /** Thinking budget in tokens, for APIs that take one. */
  readonly thinkingBudget: number | null;
  /** Merged into every request body as given (provider-specific). */
  readonly extraBody: Readonly<Record<string, unknown>> | null;
}

/** Everything a provider is made from. The API key never leaves the provider. */
export interface ProviderOptions {
  readonly model: string;
  /** The API's base URL as the provider's SDK takes it (null: the provider's default). */
  readonly baseUrl: string | null;
  readonly apiKey: string | null;
  /** Per-request timeout in seconds. */
  readonly timeoutS: number;
  readonly settings: GenerationSettings;
}

export interface CompletionRequest {
  readonly messages: readonly ChatMessage[];
  /** The shape of the answer asked for (offline baselines answer from it; remote providers ignore it). */
  readonly answerFormat: AnswerFormat;
  /** Which sample of the prompt this is, 1-based (epochs); seeds and cache keys differ per sample. */
  readonly epoch: number;
  /** For messages and logs, e.g. "120A-1" or "120A-1 (epoch 2)". */
  readonly label: string;
}

export interface TokenUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** Reasoning (thinking) tokens, when the API reports them (part of completion tokens). */
  reasoning_tokens: number | null;
  /** Prompt tokens served from the provider's prompt cache, when reported. */
  cached_tokens?: number | null;
  total_tokens: number | null;
}

export interface Completion {
  /** The message content ("" when the server sent none). */
  readonly content: string;
  /** The model's thinking text, where the API returns it. */
  readonly reasoning: string | null;
  readonly usage: TokenUsage | null;
  /** The API's own stop or finish reason, as it says it. */
  readonly finishReason: string | null;
  /** Cut off by the token limit (finish reason `length`, `max_tokens`, `MAX_TOKENS`, …). */
  readonly truncated?: boolean;
  /** Requests sent for this completion (set by `withRetry`; 1 otherwise; 0 when answered from the cache). */
  readonly attempts?: number;
  /** Answered from the response cache (`withCache`): no request was sent. */
  readonly cached?: boolean;
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
  /**
   * Close the connections kept open for requests to come (keep-alive), not
   * those in use: the caller has no more requests to make. They would
   * otherwise stay open until the process ends, and make its exit slower.
   */
  closeIdleConnections?(): void;
}

/** What a provider wrapper (retry, limits, cache) passes through to the provider it wraps besides `complete`. */
export function passedThrough(inner: Provider): Pick<Provider, 'closeIdleConnections'> {
  return inner.closeIdleConnections ? { closeIdleConnections: () => inner.closeIdleConnections?.() } : {};
}

/**
 * Why a request failed, as scheduling needs to know it:
 * - auth / not-found / bad-request: the request can never succeed; not retried
 * - rate-limit / server / timeout / connection / bad-response: transient; retried
 * - quota: the server asks to wait longer than `withRetry` will (e.g. a daily
 *   quota); not retried; the runner stops sending, as on Ctrl-C
 * - unreachable: a server that answered before has not been reachable for a
 *   while (every request fails to connect); the runner stops, as for a quota
 * - aborted: the caller aborted it (second Ctrl-C); not recorded
 */
export type FailureKind =
  'auth' | 'not-found' | 'bad-request' | 'rate-limit' | 'server' | 'timeout' | 'connection' | 'bad-response' | 'quota' | 'unreachable' | 'aborted';

/** Failures after which the run stops, resumably, instead of recording the question as failed. */
export const STOPPING_KINDS: ReadonlySet<FailureKind> = new Set(['quota', 'unreachable']);

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['rate-limit', 'server', 'timeout', 'connection', 'bad-response']);

export class ProviderError extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;
  /** Server-requested wait before the next attempt (from Retry-After), in ms. */
  readonly retryAfterMs: number | null;
  /** The reply was no API's (an HTML page, a plain text error): the URL points at something else. */
  readonly notApi: boolean;
  /** Requests sent before giving up (set by `withRetry`). */
  attempts = 1;
  constructor(kind: FailureKind, message: string, opts: { status?: number | null; retryAfterMs?: number | null; notApi?: boolean } = {}) {
    super(message);
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.notApi = opts.notApi ?? false;
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

/** The wait a reply's headers ask for, in ms: `retry-after-ms` (OpenAI's and Anthropic's APIs send it), else `Retry-After`; null when neither says. */
export function headerRetryAfterMs(header: (name: string) => string | null, now = Date.now()): number | null {
  const ms = header('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(header('retry-after'), now);
}
