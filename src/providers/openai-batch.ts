import OpenAI, { toFile } from 'openai';
import type { BatchApi, BatchItem, BatchItemResult, BatchStatus } from './batch-api.js';
import { chatCompletionOf, isOfficialOpenAI, OPENAI_DEFAULT_BASE_URL, openAIBodyFields, statusError } from './openai.js';
import { ProviderError, type ProviderOptions } from './types.js';
import { bufferedFetch, field, num, oneLine, sdkHeaders, str } from './wire.js';

/**
 * The OpenAI Batch API (`--batch` with the openai provider): the requests go
 * up as one JSONL file (`/v1/files`, purpose `batch`), each line a chat
 * completion body as the single-request path sends it; `/v1/batches` creates
 * the batch over it (24 h window); polling reads `status` and
 * `request_counts`; the output file holds the answers and the error file the
 * failures (an expired batch's unfinished requests among them, code
 * `batch_expired`). Half the list price. Works with any server that
 * implements these endpoints.
 */

export const OPENAI_BATCH_LIMITS = { maxItems: 50_000, maxBytes: 190 * 1024 * 1024 } as const;

const ENDED: ReadonlySet<string> = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** An SDK error → what scheduling needs to know (messages redacted). */
export function classifySdkError(e: unknown, timeoutS?: number): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof OpenAI.APIUserAbortError) return new ProviderError('aborted', 'request aborted');
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError('timeout', timeoutS === undefined ? 'request timed out' : `request timed out after ${timeoutS} s (--timeout)`);
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return new ProviderError('connection', oneLine(`connection error${cause ? `: ${cause}` : ''}`));
  }
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    // An error whose body is no JSON: a static file server, a proxy's HTML page, a wrong port.
    return statusError(e.status, e.message, sdkHeaders(e.headers), (e as { error?: unknown }).error === undefined);
  }
  if (e instanceof OpenAI.APIError) return new ProviderError('connection', oneLine(e.message));
  const err = e as Error;
  if (err?.name === 'AbortError') return new ProviderError('aborted', 'request aborted');
  // A body that is not JSON, or a truncated one: the server misbehaved; worth another try.
  return new ProviderError('bad-response', oneLine(`bad response: ${err?.message ?? String(e)}`));
}

function call<T>(p: () => Promise<T>, timeoutS: number): Promise<T> {
  return p().catch((e: unknown) => {
    throw classifySdkError(e, timeoutS);
  });
}

/** One line of an output or error file → the item's result. */
export function openAIBatchResult(line: unknown): BatchItemResult | null {
  const customId = str(field(line, 'custom_id'));
  if (customId === null) return null;
  const error = field(line, 'error');
  const code = str(field(error, 'code'));
  if (code === 'batch_expired') return { customId, ok: false, outcome: 'expired', message: 'the batch expired before this request ran' };
  if (code === 'batch_cancelled') return { customId, ok: false, outcome: 'canceled', message: 'the batch was cancelled before this request ran' };
  const response = field(line, 'response');
  const status = num(field(response, 'status_code'));
  const body = field(response, 'body');
  if (status === 200 && (error === null || error === undefined)) {
    const c = chatCompletionOf(body);
    if (c) return { customId, ok: true, completion: c };
    return { customId, ok: false, outcome: 'errored', message: 'bad response: no choices in the reply' };
  }
  const message = str(field(field(body, 'error'), 'message')) ?? str(field(error, 'message')) ?? 'no message';
  return { customId, ok: false, outcome: 'errored', message: oneLine(`${status ?? code ?? 'error'}: ${message}`) };
}

function jsonLines(text: string): unknown[] {
  const out: unknown[] = [];
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    try {
      out.push(JSON.parse(l));
    } catch {
      /* a torn line: its item counts as missing and is asked again */
    }
  }
  return out;
}

export function openAIBatch(opts: ProviderOptions): BatchApi {
  const baseURL = opts.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
  // No SDK retries (the runner's own), and the timeout over whole replies (bufferedFetch).
  const client = new OpenAI({
    baseURL,
    apiKey: opts.apiKey ?? 'EMPTY',
    timeout: Math.max(1, Math.round(opts.timeoutS * 1000)),
    maxRetries: 0,
    fetch: bufferedFetch,
  });
  const extra = opts.settings.extraBody ?? {};
  const official = isOfficialOpenAI(baseURL);
  const line = (item: BatchItem) =>
    JSON.stringify({
      custom_id: item.customId,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: opts.model, messages: item.request.messages, ...openAIBodyFields(opts.settings, item.request.epoch, official), ...extra },
    });
  const fileText = async (id: string | null, signal?: AbortSignal): Promise<string> => {
    if (id === null) return '';
    const res = await call(() => client.files.content(id, { signal }), opts.timeoutS);
    return call(() => res.text(), opts.timeoutS);
  };
  return {
    name: 'OpenAI Batch API',
    limits: OPENAI_BATCH_LIMITS,
    itemBytes: (item) => Buffer.byteLength(line(item)) + 1,
    async submit(items, options = {}) {
      const jsonl = items.map(line).join('\n') + '\n';
      const file = await call(
        async () =>
          client.files.create({ file: await toFile(Buffer.from(jsonl, 'utf8'), 'jmle-bench-batch.jsonl'), purpose: 'batch' }, { signal: options.signal }),
        opts.timeoutS,
      );
      try {
        const batch = await call(
          () =>
            client.batches.create(
              { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { harness: 'jmle-bench' } },
              { signal: options.signal },
            ),
          opts.timeoutS,
        );
        return batch.id;
      } catch (e) {
        // The uploaded file is of no use without its batch.
        await client.files.delete(file.id).catch(() => undefined);
        throw e;
      }
    },
    async status(id, options = {}): Promise<BatchStatus> {
      const b = await call(() => client.batches.retrieve(id, { signal: options.signal }), opts.timeoutS);
      const c = b.request_counts;
      const failedWhy = b.errors?.data?.[0]?.message;
      return {
        id,
        status: b.status,
        ended: ENDED.has(b.status),
        counts: c ? { succeeded: c.completed, errored: c.failed, expired: 0, canceled: 0, processing: Math.max(0, c.total - c.completed - c.failed) } : null,
        ...(b.status === 'failed' && failedWhy ? { note: oneLine(failedWhy) } : {}),
      };
    },
    async results(id, _customIds, options = {}) {
      const b = await call(() => client.batches.retrieve(id, { signal: options.signal }), opts.timeoutS);
      const lines = [
        ...jsonLines(await fileText(b.output_file_id ?? null, options.signal)),
        ...jsonLines(await fileText(b.error_file_id ?? null, options.signal)),
      ];
      const out: BatchItemResult[] = [];
      for (const l of lines) {
        const r = openAIBatchResult(l);
        if (r) out.push(r);
      }
      return out;
    },
  };
}
