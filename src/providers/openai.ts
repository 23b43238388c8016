import OpenAI from 'openai';
import { redact } from '../util/redact.js';
import { sdkFetch } from './transport.js';
import {
  parseRetryAfter,
  ProviderError,
  type Completion,
  type CompleteOptions,
  type CompletionRequest,
  type GenerationSettings,
  type Provider,
  type ProviderOptions,
  type TokenUsage,
} from './types.js';

/**
 * Any server that speaks OpenAI chat completions: OpenAI, OpenRouter, vLLM,
 * SGLang, Ollama, … Settings map to the request body: `seed` (plus the epoch's
 * index), `max_completion_tokens` on api.openai.com and `max_tokens` elsewhere,
 * `reasoning_effort`; `extraBody` is merged last, so it can override any of them.
 */
const MAX_ERROR_CHARS = 500;

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return redact(flat.length > MAX_ERROR_CHARS ? `${flat.slice(0, MAX_ERROR_CHARS)}…` : flat);
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}

function readUsage(u: unknown): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const cached = num(field(field(u, 'prompt_tokens_details'), 'cached_tokens'));
  return {
    prompt_tokens: num(field(u, 'prompt_tokens')),
    completion_tokens: num(field(u, 'completion_tokens')),
    reasoning_tokens: num(field(field(u, 'completion_tokens_details'), 'reasoning_tokens')),
    ...(cached !== null ? { cached_tokens: cached } : {}),
    total_tokens: num(field(u, 'total_tokens')),
  };
}

/** The request body's generation fields for these settings (before `extraBody`). */
export function openAIBodyFields(settings: GenerationSettings, epoch: number, baseUrl: string): Record<string, unknown> {
  const official = new URL(baseUrl).hostname === 'api.openai.com';
  return {
    ...(settings.seed !== null ? { seed: settings.seed + epoch - 1 } : {}),
    ...(settings.maxTokens !== null ? { [official ? 'max_completion_tokens' : 'max_tokens']: settings.maxTokens } : {}),
    ...(settings.reasoningEffort !== null ? { reasoning_effort: settings.reasoningEffort } : {}),
  };
}

function headerOf(headers: unknown, name: string): string | null {
  if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return null;
}

/** Map an SDK (or fetch) error to what scheduling needs to know. Messages are redacted. */
export function classifyError(e: unknown, timeoutS?: number): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof OpenAI.APIUserAbortError) return new ProviderError('aborted', 'request aborted');
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError('timeout', timeoutS === undefined ? 'request timed out' : `request timed out after ${timeoutS} s (--timeout)`);
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return new ProviderError('connection', oneLine(`connection error${cause ? `: ${cause}` : ''}`));
  }
  if (e instanceof OpenAI.APIError) {
    const status: number | null = (e.status as number | undefined) ?? null;
    const msg = oneLine(e.message || `HTTP ${status}`);
    const headers: unknown = e.headers;
    const ms = headerOf(headers, 'retry-after-ms');
    const retryAfterMs = ms && /^\d+(\.\d+)?$/.test(ms.trim()) ? Math.round(Number(ms)) : parseRetryAfter(headerOf(headers, 'retry-after'));
    // An error whose body is no JSON: a static file server, a proxy's HTML page, a wrong port.
    const notApi = (e as { error?: unknown }).error === undefined && status !== null;
    if (notApi && status !== 429) {
      const what = oneLine(e.message || `HTTP ${status}`);
      return new ProviderError(status >= 500 ? 'server' : 'bad-response', `not an API reply (${what}); is --base-url the API (it usually ends in /v1)?`, {
        status,
        notApi: true,
      });
    }
    if (status === 401 || status === 403) return new ProviderError('auth', msg, { status });
    if (status === 404) return new ProviderError('not-found', msg, { status });
    if (status === 429) return new ProviderError('rate-limit', msg, { status, retryAfterMs });
    if (status === 408 || status === 409 || (status !== null && status >= 500)) return new ProviderError('server', msg, { status, retryAfterMs });
    if (status === null) return new ProviderError('connection', msg);
    return new ProviderError('bad-request', msg, { status });
  }
  const err = e as Error;
  if (err?.name === 'AbortError') return new ProviderError('aborted', 'request aborted');
  // A body that is not JSON, or a truncated one: the server misbehaved; worth another try.
  return new ProviderError('bad-response', oneLine(`bad response: ${err?.message ?? String(e)}`));
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function openAICompatible(opts: ProviderOptions): Provider {
  const baseURL = opts.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  const client = new OpenAI({
    baseURL,
    apiKey: opts.apiKey ?? 'EMPTY',
    timeout: Math.max(1, Math.round(opts.timeoutS * 1000)),
    // Our withRetry owns retries (backoff, Retry-After, fail-fast); the SDK must not retry on its own.
    maxRetries: 0,
    fetch: sdkFetch,
  });
  const extra = opts.settings.extraBody ?? {};
  return {
    name: 'openai-compatible',
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      const body = {
        model: opts.model,
        messages: request.messages,
        ...openAIBodyFields(opts.settings, request.epoch, baseURL),
        ...extra,
      } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
      // The SDK ignores a signal that is already aborted (it listens for the event only): never send then.
      if (options.signal?.aborted) throw new ProviderError('aborted', 'request aborted');
      let resp: OpenAI.Chat.ChatCompletion;
      try {
        resp = await client.chat.completions.create(body, { signal: options.signal });
      } catch (e) {
        throw classifyError(e, opts.timeoutS);
      }
      // The SDK hands back the text of a reply that is not JSON (an HTML page, "Ollama is running").
      if (typeof resp !== 'object' || resp === null) {
        throw new ProviderError(
          'bad-response',
          oneLine(`bad response: not JSON but "${String(resp).slice(0, 120)}"; is --base-url the API (it usually ends in /v1)?`),
        );
      }
      const choices = (resp as { choices?: unknown }).choices;
      if (!Array.isArray(choices) || choices.length === 0) {
        throw new ProviderError('bad-response', 'bad response: no choices in the reply');
      }
      const choice: unknown = choices[0];
      const msg = field(choice, 'message');
      const content = field(msg, 'content');
      // As the reference: `msg.reasoning or msg.reasoning_content`.
      const reasoning = [field(msg, 'reasoning'), field(msg, 'reasoning_content')].find((x): x is string => typeof x === 'string' && x !== '') ?? null;
      const finish = field(choice, 'finish_reason');
      return {
        content: typeof content === 'string' ? content : '',
        reasoning,
        usage: readUsage((resp as { usage?: unknown }).usage),
        finishReason: typeof finish === 'string' ? finish : null,
        truncated: finish === 'length',
        attempts: 1,
      };
    },
  };
}
