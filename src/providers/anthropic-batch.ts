import type Anthropic from '@anthropic-ai/sdk';
import { anthropicBody, anthropicSettings } from './anthropic-map.js';
import { anthropicClient, classifyAnthropicError, messageCompletion } from './anthropic.js';
import type { BatchApi, BatchItem, BatchItemResult, BatchStatus } from './batch-api.js';
import { ProviderError, type ProviderOptions } from './types.js';
import { field, oneLine, str } from './wire.js';

/**
 * Anthropic Message Batches (`--provider anthropic --batch`): one create call
 * carries every request (`custom_id` + the Messages API params, mapped as for
 * a single request); `retrieve` gives `processing_status` and per-state
 * `request_counts`; the results (JSONL at `results_url`) say per item
 * succeeded, errored, canceled or expired. Half the list price.
 */

export const ANTHROPIC_BATCH_LIMITS = { maxItems: 100_000, maxBytes: 256 * 1024 * 1024 } as const;

function call<T>(p: () => Promise<T>, timeoutS: number): Promise<T> {
  return p().catch((e: unknown) => {
    throw classifyAnthropicError(e, timeoutS);
  });
}

/** One result line → the item's result. */
export function anthropicBatchResult(line: unknown): BatchItemResult | null {
  const customId = str(field(line, 'custom_id'));
  if (customId === null) return null;
  const result = field(line, 'result');
  const type = str(field(result, 'type'));
  if (type === 'succeeded') {
    try {
      return { customId, ok: true, completion: messageCompletion(field(result, 'message')) };
    } catch (e) {
      return { customId, ok: false, outcome: 'errored', message: (e as Error).message };
    }
  }
  if (type === 'expired') return { customId, ok: false, outcome: 'expired', message: 'the batch expired before this request ran' };
  if (type === 'canceled') return { customId, ok: false, outcome: 'canceled', message: 'the batch was canceled before this request ran' };
  const error = field(field(result, 'error'), 'error');
  const message = oneLine(`${str(field(error, 'type')) ?? 'error'}: ${str(field(error, 'message')) ?? 'no message'}`);
  return { customId, ok: false, outcome: 'errored', message };
}

export function anthropicBatch(opts: ProviderOptions): BatchApi {
  const client = anthropicClient(opts);
  const settings = anthropicSettings(opts.settings);
  const line = (item: BatchItem) => ({ custom_id: item.customId, params: anthropicBody(opts.model, item.request, settings) });
  return {
    name: 'Anthropic Message Batches',
    limits: ANTHROPIC_BATCH_LIMITS,
    itemBytes: (item) => Buffer.byteLength(JSON.stringify(line(item))),
    async submit(items, options = {}) {
      const body = { requests: items.map(line) } as unknown as Anthropic.Messages.BatchCreateParams;
      const batch = await call(() => client.messages.batches.create(body, { signal: options.signal }), opts.timeoutS);
      const id = str(field(batch, 'id'));
      if (id === null) throw new ProviderError('bad-response', 'bad response: the created batch has no id');
      return id;
    },
    async status(id, options = {}): Promise<BatchStatus> {
      const batch = await call(() => client.messages.batches.retrieve(id, {}, { signal: options.signal }), opts.timeoutS);
      const status = str(field(batch, 'processing_status')) ?? 'unknown';
      const c = field(batch, 'request_counts');
      const n = (k: string) => Number(field(c, k) ?? 0);
      return {
        id,
        status,
        ended: status === 'ended',
        counts: c ? { succeeded: n('succeeded'), errored: n('errored'), expired: n('expired'), canceled: n('canceled'), processing: n('processing') } : null,
      };
    },
    async results(id, _customIds, options = {}) {
      const out: BatchItemResult[] = [];
      await call(async () => {
        const stream = await client.messages.batches.results(id, {}, { signal: options.signal });
        for await (const item of stream) {
          const r = anthropicBatchResult(item);
          if (r) out.push(r);
        }
      }, opts.timeoutS);
      return out;
    },
  };
}
