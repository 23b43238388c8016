import type { Completion, CompletionRequest } from './types.js';

/**
 * A provider's batch API (`--batch`), as the runner drives it: submit many
 * requests as one batch, poll it, read its results. Batches cost half the
 * list price and may take up to a day. One small interface per API
 * (openai-batch.ts, anthropic-batch.ts, gemini-batch.ts); the runner
 * (runner/batch.ts) owns splitting, journaling, polling and retries, so an
 * implementation only speaks its API. Methods throw `ProviderError`.
 */

/** One request of a batch; `customId` is how its result is matched (unique in the batch). */
export interface BatchItem {
  readonly customId: string;
  readonly request: CompletionRequest;
}

/** Items by state, as the API reports them. */
export interface BatchCounts {
  readonly succeeded: number;
  readonly errored: number;
  readonly expired: number;
  readonly canceled: number;
  readonly processing: number;
}

export interface BatchStatus {
  readonly id: string;
  /** The API's own word for the state (in_progress, ended, finalizing, JOB_STATE_RUNNING, …). */
  readonly status: string;
  /** No more items will finish: the results can be read. */
  readonly ended: boolean;
  /** Per-item counts, where the API reports them (null: it does not). */
  readonly counts: BatchCounts | null;
  /** Why the batch as a whole failed, when it did (e.g. its input was refused). */
  readonly note?: string;
}

/** Why an item has no answer: it failed, the batch expired or was canceled before it ran, or it is not in the results. */
export type BatchItemOutcome = 'errored' | 'expired' | 'canceled' | 'missing';

export type BatchItemResult =
  | { readonly customId: string; readonly ok: true; readonly completion: Completion }
  | { readonly customId: string; readonly ok: false; readonly outcome: BatchItemOutcome; readonly message: string };

export interface BatchCallOptions {
  readonly signal?: AbortSignal;
}

export interface BatchApi {
  /** Shown in messages, e.g. "OpenAI Batch API". */
  readonly name: string;
  /** The most items and bytes one batch may hold; the runner splits larger runs. */
  readonly limits: { readonly maxItems: number; readonly maxBytes: number };
  /** What an item adds to a batch, in bytes (its request as sent). */
  itemBytes(item: BatchItem): number;
  /** Send the items as one batch; resolves to the batch id once the API has accepted it. */
  submit(items: readonly BatchItem[], options?: BatchCallOptions): Promise<string>;
  status(id: string, options?: BatchCallOptions): Promise<BatchStatus>;
  /**
   * The results of an ended batch, one per item it reports (an item left out
   * is treated as `missing`). `customIds` are the batch's items in the order
   * submitted, for APIs that answer by position.
   */
  results(id: string, customIds: readonly string[], options?: BatchCallOptions): Promise<BatchItemResult[]>;
}

/** Anthropic's custom ids allow 1–64 of [A-Za-z0-9_-]; OpenAI's and Gemini's are freer. */
const UNSAFE = /[^A-Za-z0-9_-]/g;

/** The custom id of a sample: its question id and epoch, e.g. "120A-1_e2" (unique per run: the runner checks). */
export function customIdOf(questionId: string, epoch: number): string {
  const suffix = `_e${epoch}`;
  return questionId.replace(UNSAFE, '_').slice(0, 64 - suffix.length) + suffix;
}
