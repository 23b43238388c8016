import Anthropic from '@anthropic-ai/sdk';
import { anthropicBody, anthropicCompletion, anthropicSettings } from './anthropic-map.js';
import {
  headerRetryAfterMs,
  ProviderError,
  type Completion,
  type CompleteOptions,
  type CompletionRequest,
  type Provider,
  type ProviderOptions,
} from './types.js';
import { bufferedFetch, field, notJsonMessage, oneLine, sdkHeaders, str } from './wire.js';

/**
 * The Anthropic Messages API through the official SDK (`--provider anthropic`).
 * The request and reply mapping is anthropic-map.ts; this file makes the
 * client (the SDK's own retries off: `withRetry` owns them) and maps its
 * errors to the harness's kinds: 401/403 auth, 404 not found, 429 rate limit
 * (waiting as `retry-after` or the `anthropic-ratelimit-*-reset` headers say),
 * 529 overloaded and 5xx server, 400/413/422 bad request.
 */

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_URL_HINT = 'is --base-url the API host (without /v1, e.g. https://api.anthropic.com)?';

const RATE_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

/**
 * How long a 429 asks to wait, in ms: `retry-after-ms`, `retry-after`, else
 * the latest reset time of a limit with nothing remaining (RFC 3339 dates in
 * `anthropic-ratelimit-<limit>-reset`); null when the headers say nothing.
 */
export function anthropicRetryAfterMs(headers: unknown, now = Date.now()): number | null {
  const header = sdkHeaders(headers);
  const after = headerRetryAfterMs(header, now);
  if (after !== null) return after;
  let wait: number | null = null;
  for (const limit of RATE_LIMITS) {
    if (header(`anthropic-ratelimit-${limit}-remaining`)?.trim() !== '0') continue;
    const reset = Date.parse(header(`anthropic-ratelimit-${limit}-reset`) ?? '');
    if (!Number.isNaN(reset)) wait = Math.max(wait ?? 0, reset - now);
  }
  return wait === null ? null : Math.max(0, wait);
}

/** Map an SDK (or fetch) error to what scheduling needs to know. Messages are redacted. */
export function classifyAnthropicError(e: unknown, timeoutS?: number): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof Anthropic.APIUserAbortError) return new ProviderError('aborted', 'request aborted');
  if (e instanceof Anthropic.APIConnectionTimeoutError) {
    return new ProviderError('timeout', timeoutS === undefined ? 'request timed out' : `request timed out after ${timeoutS} s (--timeout)`);
  }
  if (e instanceof Anthropic.APIConnectionError) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return new ProviderError('connection', oneLine(`connection error${cause ? `: ${cause}` : ''}`));
  }
  if (e instanceof Anthropic.APIError) {
    const status: number | null = (e.status as number | undefined) ?? null;
    const body: unknown = e.error;
    const type = str(field(field(body, 'error'), 'type'));
    const apiMessage = str(field(field(body, 'error'), 'message'));
    const msg = oneLine(apiMessage !== null ? `${status ?? ''} ${type ?? 'error'}: ${apiMessage}` : e.message || `HTTP ${status}`);
    const retryAfterMs = anthropicRetryAfterMs(e.headers);
    if (status === 401 || status === 403) return new ProviderError('auth', msg, { status });
    if (status === 404) return new ProviderError('not-found', msg, { status });
    if (status === 429) return new ProviderError('rate-limit', msg, { status, retryAfterMs });
    // 529 overloaded_error: the API as a whole is busy, not this account; wait and try again.
    if (status === 408 || status === 409 || (status !== null && status >= 500)) return new ProviderError('server', msg, { status, retryAfterMs });
    if (status === null) return new ProviderError('connection', msg);
    return new ProviderError('bad-request', msg, { status });
  }
  const err = e as Error;
  if (err?.name === 'AbortError') return new ProviderError('aborted', 'request aborted');
  return new ProviderError('bad-response', oneLine(`bad response: ${err?.message ?? String(e)}`));
}

/** The SDK client as every Anthropic call here needs it: explicit URL and key (no environment or profile lookups), no SDK retries. */
export function anthropicClient(opts: Pick<ProviderOptions, 'baseUrl' | 'apiKey' | 'timeoutS'>): Anthropic {
  return new Anthropic({
    baseURL: opts.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
    // A local proxy may take no key; the SDK wants one to send.
    apiKey: opts.apiKey ?? 'EMPTY',
    authToken: null,
    timeout: Math.max(1, Math.round(opts.timeoutS * 1000)),
    // withRetry owns retries (backoff, Retry-After, fail-fast); the SDK must not retry on its own.
    maxRetries: 0,
    openTelemetry: false,
    logLevel: 'off',
    // The timeout must cover the whole reply, not only its headers.
    fetch: bufferedFetch,
  });
}

/** Check a reply that the SDK handed back: a message, or a bad response naming what came instead. */
export function messageCompletion(reply: unknown): Completion {
  if (typeof reply !== 'object' || reply === null) throw new ProviderError('bad-response', notJsonMessage(reply, ANTHROPIC_URL_HINT));
  const c = anthropicCompletion(reply);
  if (!c) throw new ProviderError('bad-response', 'bad response: no content blocks in the reply');
  return c;
}

export function anthropicProvider(opts: ProviderOptions): Provider {
  const client = anthropicClient(opts);
  // Idempotent: the registry already applied it to a run's settings; a library caller may not have.
  const settings = anthropicSettings(opts.settings);
  return {
    name: 'anthropic',
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      const body = anthropicBody(opts.model, request, settings) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      let reply: unknown;
      try {
        reply = await client.messages.create(body, { signal: options.signal });
      } catch (e) {
        throw classifyAnthropicError(e, opts.timeoutS);
      }
      return messageCompletion(reply);
    },
  };
}
