import type { BatchJob, InlinedRequest } from '@google/genai';
import type { BatchApi, BatchItem, BatchItemResult, BatchStatus } from './batch-api.js';
import { classifyGeminiError, geminiClient, responseCompletion } from './gemini.js';
import { geminiBatchProblem, geminiRequest, geminiSettings } from './gemini-map.js';
import { ProviderError, type ProviderOptions } from './types.js';
import { field, oneLine, str } from './wire.js';

/**
 * Gemini batch mode (`--provider gemini --batch`), through the SDK's
 * `batches` with inlined requests: each item is the generateContent request
 * of the single-request path plus `metadata.key` = its custom id; the batch
 * is polled by `state` (the SDK reports no per-item counts for the Gemini
 * API); the answers come back in the batch's `inlinedResponses`, in the order
 * submitted. Inlined batches are limited to 20 MB, so a vision run is split
 * into several. Half the list price.
 *
 * `--extra-body` cannot be sent this way (the SDK merges it into a whole
 * request body, not into each inlined request), so it is refused with `--batch`.
 */

/** 20 MB per inlined batch, less room for the envelope. */
export const GEMINI_BATCH_LIMITS = { maxItems: 50_000, maxBytes: 19 * 1024 * 1024 } as const;

const ENDED: ReadonlySet<string> = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED']);

function call<T>(p: () => Promise<T>, signal: AbortSignal | undefined, timeoutS: number): Promise<T> {
  return p().catch((e: unknown) => {
    throw classifyGeminiError(e, signal?.aborted === true, timeoutS);
  });
}

/** The batch's responses → the items' results, by `metadata.key` where the API returns it, else by position. */
export function geminiBatchResults(job: BatchJob, customIds: readonly string[]): BatchItemResult[] {
  const state: string = job.state ?? 'unknown';
  const responses = job.dest?.inlinedResponses ?? [];
  const out: BatchItemResult[] = [];
  responses.forEach((r, i) => {
    const customId = str(field(r.metadata, 'key')) ?? customIds[i];
    if (customId === undefined) return;
    if (r.response) {
      try {
        out.push({ customId, ok: true, completion: responseCompletion(r.response) });
      } catch (e) {
        out.push({ customId, ok: false, outcome: 'errored', message: (e as Error).message });
      }
    } else {
      const message = oneLine(`${r.error?.code ?? 'error'}: ${r.error?.message ?? 'no message'}`);
      out.push({ customId, ok: false, outcome: 'errored', message });
    }
  });
  // Items the batch never ran: say why, from its final state.
  if (state === 'JOB_STATE_EXPIRED' || state === 'JOB_STATE_CANCELLED') {
    const done = new Set(out.map((r) => r.customId));
    const outcome = state === 'JOB_STATE_EXPIRED' ? 'expired' : 'canceled';
    for (const customId of customIds) {
      if (!done.has(customId)) out.push({ customId, ok: false, outcome, message: `the batch ${outcome} before this request ran` });
    }
  }
  return out;
}

export function geminiBatch(opts: ProviderOptions): BatchApi {
  const client = geminiClient(opts);
  const settings = geminiSettings(opts.settings);
  const problem = geminiBatchProblem(settings);
  if (problem) throw problem;
  const inlined = (item: BatchItem): InlinedRequest => {
    const { contents, config } = geminiRequest(opts.model, item.request, settings);
    return { contents, config, metadata: { key: item.customId } };
  };
  return {
    name: 'Gemini batch mode',
    limits: GEMINI_BATCH_LIMITS,
    itemBytes: (item) => Buffer.byteLength(JSON.stringify(inlined(item))),
    async submit(items, options = {}) {
      const job = await call(
        () =>
          client.batches.create({
            model: opts.model,
            src: items.map(inlined),
            config: { displayName: 'jmle-bench', abortSignal: options.signal },
          }),
        options.signal,
        opts.timeoutS,
      );
      if (!job.name) throw new ProviderError('bad-response', 'bad response: the created batch has no name');
      return job.name;
    },
    async status(id, options = {}): Promise<BatchStatus> {
      const job = await call(() => client.batches.get({ name: id, config: { abortSignal: options.signal } }), options.signal, opts.timeoutS);
      const state: string = job.state ?? 'unknown';
      return { id, status: state, ended: ENDED.has(state), counts: null, ...(state === 'JOB_STATE_FAILED' ? { note: 'the batch failed' } : {}) };
    },
    async results(id, customIds, options = {}) {
      const job = await call(() => client.batches.get({ name: id, config: { abortSignal: options.signal } }), options.signal, opts.timeoutS);
      return geminiBatchResults(job, customIds);
    },
  };
}
