import { HARNESS } from '../version.js';
import { closeIdleConnections, headerValue, postJson, TransportError, type HttpReply } from './transport.js';
import {
  headerRetryAfterMs,
  ProviderError,
  type Completion,
  type CompleteOptions,
  type CompletionRequest,
  type GenerationSettings,
  type Provider,
  type ProviderOptions,
  type TokenUsage,
} from './types.js';
import { field, notJsonMessage, num, oneLine } from './wire.js';

/**
 * Any server that speaks OpenAI chat completions: OpenAI, OpenRouter, vLLM,
 * SGLang, Ollama, … One POST to `<base URL>/chat/completions` over
 * transport.ts (no SDK: a chat completion is one JSON body each way, and the
 * SDK cost start-up time and CPU per request; bench/transport.mjs). Settings
 * map to the request body: `seed` (plus the epoch's index),
 * `max_completion_tokens` on api.openai.com and `max_tokens` elsewhere,
 * `reasoning_effort`; `extraBody` is merged last, so it can override any of them.
 */

/** The reply's token counts (`usage` of a chat completion). */
export function readUsage(u: unknown): TokenUsage | null {
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

/** api.openai.com takes `max_completion_tokens`; other servers `max_tokens`. */
export function isOfficialOpenAI(baseUrl: string): boolean {
  return new URL(baseUrl).hostname === 'api.openai.com';
}

/** The request body's generation fields for these settings (before `extraBody`); `official`: see `isOfficialOpenAI`. */
export function openAIBodyFields(settings: GenerationSettings, epoch: number, official: boolean): Record<string, unknown> {
  return {
    ...(settings.seed !== null ? { seed: settings.seed + epoch - 1 } : {}),
    ...(settings.maxTokens !== null ? { [official ? 'max_completion_tokens' : 'max_tokens']: settings.maxTokens } : {}),
    ...(settings.reasoningEffort !== null ? { reasoning_effort: settings.reasoningEffort } : {}),
  };
}

const BASE_URL_HINT = 'is --base-url the API (it usually ends in /v1)?';

/**
 * An HTTP error status → what scheduling needs to know. `message` is the
 * API's own (redacted here); `notApi` says the body was no JSON at all (a
 * static file server, a proxy's HTML page, a wrong port). Shared with the
 * Batch API's client.
 */
export function statusError(status: number, message: string, header: (name: string) => string | null, notApi: boolean): ProviderError {
  const msg = oneLine(message || `HTTP ${status}`);
  const retryAfterMs = headerRetryAfterMs(header);
  if (notApi && status !== 429) {
    return new ProviderError(status >= 500 ? 'server' : 'bad-response', `not an API reply (${msg}); ${BASE_URL_HINT}`, { status, notApi: true });
  }
  if (status === 401 || status === 403) return new ProviderError('auth', msg, { status });
  if (status === 404) return new ProviderError('not-found', msg, { status });
  if (status === 429) return new ProviderError('rate-limit', msg, { status, retryAfterMs });
  if (status === 408 || status === 409 || status >= 500) return new ProviderError('server', msg, { status, retryAfterMs });
  return new ProviderError('bad-request', msg, { status });
}

/** What an error reply says: `error.message` as OpenAI and most servers send it, else the body itself. */
function errorMessage(status: number, data: unknown, text: string): string {
  const err = field(data, 'error');
  const said = field(err, 'message') ?? field(data, 'message') ?? (typeof err === 'string' ? err : undefined);
  if (typeof said === 'string' && said !== '') return `${status} ${said}`;
  if (data !== undefined) return `${status} ${JSON.stringify(err ?? data)}`;
  return text.trim() === '' ? `${status} status code (no body)` : `${status} ${text}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A whole reply → the completion, or the error it is. */
export function readChatReply(reply: HttpReply): Completion {
  const data = parseJson(reply.text);
  const header = (name: string) => headerValue(reply.headers, name);
  if (reply.status < 200 || reply.status >= 300) throw statusError(reply.status, errorMessage(reply.status, data, reply.text), header, data === undefined);
  if (data === null || typeof data !== 'object') {
    const json = /json/i.test(header('content-type') ?? '');
    throw new ProviderError(
      'bad-response',
      json ? oneLine(`bad response: the reply is not valid JSON ("${reply.text.slice(0, 120)}")`) : notJsonMessage(reply.text, BASE_URL_HINT),
    );
  }
  const completion = chatCompletionOf(data);
  if (!completion) throw new ProviderError('bad-response', 'bad response: no choices in the reply');
  return completion;
}

/** A chat completion body (a reply, or a batch output line's) → the completion; null when it has no choices. */
export function chatCompletionOf(body: unknown): Completion | null {
  const choices = field(body, 'choices');
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const choice: unknown = choices[0];
  const msg = field(choice, 'message');
  const content = field(msg, 'content');
  // As the reference: `msg.reasoning or msg.reasoning_content`.
  const reasoning = [field(msg, 'reasoning'), field(msg, 'reasoning_content')].find((x): x is string => typeof x === 'string' && x !== '') ?? null;
  const finish = field(choice, 'finish_reason');
  return {
    content: typeof content === 'string' ? content : '',
    reasoning,
    usage: readUsage(field(body, 'usage')),
    finishReason: typeof finish === 'string' ? finish : null,
    truncated: finish === 'length',
    attempts: 1,
  };
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** `<base URL>/<path>`, whatever slashes the base URL ends with; its query (e.g. an api-version) kept. */
export function endpoint(baseUrl: string, path: string): URL {
  const u = new URL(baseUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${path}`;
  return u;
}

export function openAICompatible(opts: ProviderOptions): Provider {
  const baseURL = opts.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  const url = endpoint(baseURL, 'chat/completions');
  const official = isOfficialOpenAI(baseURL);
  const timeoutMs = Math.max(1, Math.round(opts.timeoutS * 1000));
  const headers = {
    accept: 'application/json',
    authorization: `Bearer ${opts.apiKey ?? 'EMPTY'}`,
    'user-agent': `${HARNESS.name}/${HARNESS.version}`,
  };
  const extra = opts.settings.extraBody ?? {};
  return {
    name: 'openai-compatible',
    closeIdleConnections,
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      if (options.signal?.aborted) throw new ProviderError('aborted', 'request aborted');
      const body = JSON.stringify({ model: opts.model, messages: request.messages, ...openAIBodyFields(opts.settings, request.epoch, official), ...extra });
      let reply: HttpReply;
      try {
        // The timeout covers the whole exchange, the reply's body included (transport.ts reads it whole).
        reply = await postJson(url, headers, body, { signal: options.signal, timeoutMs });
      } catch (e) {
        if (e instanceof TransportError && e.reason === 'timeout') throw new ProviderError('timeout', `request timed out after ${opts.timeoutS} s (--timeout)`);
        if (options.signal?.aborted) throw new ProviderError('aborted', 'request aborted');
        const message = e instanceof TransportError ? e.message : String(e);
        throw new ProviderError('connection', oneLine(`connection error: ${message}`));
      }
      return readChatReply(reply);
    },
  };
}
