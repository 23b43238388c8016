import { ApiError, GoogleGenAI } from '@google/genai';
import { geminiCompletion, geminiRequest, geminiSettings } from './gemini-map.js';
import { ProviderError, type Completion, type CompleteOptions, type CompletionRequest, type Provider, type ProviderOptions } from './types.js';
import { field, notJsonMessage, num, oneLine, str } from './wire.js';

/**
 * The Gemini API through Google's Gen AI SDK (`--provider gemini`; the Gemini
 * Developer API with an API key, not Vertex AI). The request and reply
 * mapping is gemini-map.ts; this file makes the client (no SDK retries:
 * `withRetry` owns them) and maps errors to the harness's kinds: 401/403 and
 * an invalid key auth, 404 not found, 429 RESOURCE_EXHAUSTED rate limit
 * (waiting as its `google.rpc.RetryInfo` says), 5xx server, 400 bad request.
 */

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const GEMINI_URL_HINT = 'is --base-url the API host (without /v1beta, e.g. https://generativelanguage.googleapis.com)?';

/** The `error` object of a Google API error body ({"error": {code, message, status, details}}), from the SDK's message. */
export function googleErrorBody(message: string): Record<string, unknown> | null {
  try {
    const data: unknown = JSON.parse(message);
    // An error from a proxy in front of the API may come as a one-element array.
    const first: unknown = Array.isArray(data) ? data[0] : data;
    const error = field(first, 'error');
    return error !== null && typeof error === 'object' ? (error as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function details(error: Record<string, unknown> | null): unknown[] {
  const d = error?.['details'];
  return Array.isArray(d) ? d : [];
}

/** The wait a `google.rpc.RetryInfo` detail asks for ("37s", "1.5s"), in ms; null when there is none. */
export function googleRetryDelayMs(error: Record<string, unknown> | null): number | null {
  for (const d of details(error)) {
    if (!(str(field(d, '@type')) ?? '').endsWith('google.rpc.RetryInfo')) continue;
    const m = /^(\d+(?:\.\d+)?)s$/.exec(str(field(d, 'retryDelay'))?.trim() ?? '');
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return null;
}

/** An invalid key comes as 400 INVALID_ARGUMENT with reason API_KEY_INVALID: it is an auth failure. */
function invalidKey(error: Record<string, unknown> | null): boolean {
  if (details(error).some((d) => field(d, 'reason') === 'API_KEY_INVALID')) return true;
  return /API key not valid/i.test(str(error?.['message']) ?? '');
}

/**
 * Map an SDK (or fetch) error to what scheduling needs to know. `aborted`:
 * the caller's signal fired (the SDK aborts its own request on a timeout too,
 * and only the caller can tell the two apart). Messages are redacted.
 */
export function classifyGeminiError(e: unknown, aborted: boolean, timeoutS?: number): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof ApiError) {
    const status = num(e.status);
    const error = googleErrorBody(e.message);
    const apiStatus = str(error?.['status']);
    const apiMessage = str(error?.['message']);
    const msg = oneLine(apiMessage !== null ? `${status ?? ''} ${apiStatus ?? 'error'}: ${apiMessage}` : e.message || `HTTP ${status}`);
    const retryAfterMs = googleRetryDelayMs(error);
    if (status === 401 || status === 403 || (status === 400 && invalidKey(error))) return new ProviderError('auth', msg, { status });
    if (status === 404) return new ProviderError('not-found', msg, { status });
    if (status === 429) return new ProviderError('rate-limit', msg, { status, retryAfterMs });
    if (status === 408 || status === 409 || (status !== null && status >= 500)) return new ProviderError('server', msg, { status, retryAfterMs });
    return new ProviderError('bad-request', msg, { status });
  }
  const err = e as Error & { cause?: { message?: string; code?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    if (aborted) return new ProviderError('aborted', 'request aborted');
    return new ProviderError('timeout', timeoutS === undefined ? 'request timed out' : `request timed out after ${timeoutS} s (--timeout)`);
  }
  // fetch's own failures: refused, reset, or a reply cut off ("terminated").
  if (err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated' || err.cause)) {
    const cause = err.cause?.message ?? err.cause?.code;
    return new ProviderError('connection', oneLine(`connection error${cause ? `: ${cause}` : `: ${err.message}`}`));
  }
  if (err instanceof SyntaxError) return new ProviderError('bad-response', oneLine(`bad response: not JSON (${err.message}); ${GEMINI_URL_HINT}`));
  return new ProviderError('bad-response', oneLine(`bad response: ${err?.message ?? String(e)}`));
}

/** The SDK client as every Gemini call here needs it: the Developer API, explicit URL and key, no SDK retries. */
export function geminiClient(opts: Pick<ProviderOptions, 'baseUrl' | 'apiKey' | 'timeoutS'>): GoogleGenAI {
  return new GoogleGenAI({
    vertexai: false,
    // A local proxy may take no key; the SDK warns without one.
    apiKey: opts.apiKey ?? 'EMPTY',
    // No `retryOptions`: the SDK then sends each request once.
    httpOptions: { baseUrl: opts.baseUrl ?? GEMINI_DEFAULT_BASE_URL, timeout: Math.max(1, Math.round(opts.timeoutS * 1000)) },
  });
}

/** Check a reply the SDK handed back: a completion, or a bad response. */
export function responseCompletion(reply: unknown): Completion {
  if (typeof reply !== 'object' || reply === null) throw new ProviderError('bad-response', notJsonMessage(reply, GEMINI_URL_HINT));
  const c = geminiCompletion(reply);
  if (!c) throw new ProviderError('bad-response', 'bad response: no candidates in the reply');
  return c;
}

export function geminiProvider(opts: ProviderOptions): Provider {
  const client = geminiClient(opts);
  const settings = geminiSettings(opts.settings);
  return {
    name: 'gemini',
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      const { model, contents, config } = geminiRequest(opts.model, request, settings);
      let reply: unknown;
      try {
        reply = await client.models.generateContent({ model, contents, config: { ...config, abortSignal: options.signal } });
      } catch (e) {
        throw classifyGeminiError(e, options.signal?.aborted === true, opts.timeoutS);
      }
      return responseCompletion(reply);
    },
  };
}
