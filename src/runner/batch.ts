import type { Exam, ImageMode } from '../exam/types.js';
import type { ExtractionRule } from '../extract/extract.js';
import { buildPrompt } from '../prompt/prompt.js';
import { customIdOf, type BatchApi, type BatchItem, type BatchItemResult, type BatchStatus } from '../providers/batch-api.js';
import { backoffDelay } from '../providers/retry.js';
import { eitherSignal, ProviderError, type Completion, type CompletionRequest, type FailureKind } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { sleep } from '../util/sleep.js';
import { sampleRequest, type Sample } from './engine.js';
import type { JournaledBatch } from './journal.js';
import { batchRecord } from './completion-record.js';
import { sampleKey } from './resume.js';

/**
 * The batch phase of a run (`--batch`): the samples go to the provider's
 * batch API (half price, answers within a day) instead of one request each.
 *
 * 1. A resumed run's open batches (journaled, not closed) are attached to:
 *    their items are never submitted again.
 * 2. With `submit`, the samples no open batch covers are sent as new batches
 *    (split by the API's limits); each batch id is journaled, synced, before
 *    the batch is first polled, so a Ctrl-C or a `kill -9` at any later point
 *    leaves a batch that `--resume` finds.
 * 3. Every batch is polled until it ends (the first poll at once, then at
 *    growing intervals up to a minute); its answers are journaled as records
 *    (`batch: true`), then the batch is closed in the journal.
 * 4. What a batch did not answer (errored, expired, canceled, missing) is
 *    returned as `rest`, for the normal one-request-at-a-time path.
 *
 * Ctrl-C (stop) ends the polling at once: the batches keep running on the
 * provider's side and stay open in the journal. The API calls here (few) are
 * retried as requests are: transient failures with backoff, honouring
 * Retry-After.
 */

export type BatchEvent =
  /** A new batch was accepted and journaled (`part` of `parts` when a run is split). */
  | { readonly kind: 'submitted'; readonly id: string; readonly items: number; readonly part: number; readonly parts: number }
  /** A resumed run's batch is followed again. */
  | { readonly kind: 'attached'; readonly id: string; readonly items: number }
  /** A poll's answer. */
  | { readonly kind: 'status'; readonly status: BatchStatus; readonly items: number }
  /** A batch ended and its results are journaled; `rest` of its items go to the normal path. */
  | { readonly kind: 'ended'; readonly id: string; readonly status: string; readonly answered: number; readonly rest: number; readonly note: string | null }
  /** The API no longer knows the batch (deleted, or its results expired): its items are asked again. */
  | { readonly kind: 'gone'; readonly id: string; readonly items: number; readonly message: string }
  /** A batch API call failed and will be tried again. */
  | { readonly kind: 'retry'; readonly what: string; readonly attempt: number; readonly delayMs: number; readonly error: ProviderError };

/** Where the phase writes: the run's journal (synced batch lines) and its record sink. */
export interface BatchSink {
  batchSubmitted(batch: JournaledBatch): Promise<void>;
  batchClosed(id: string): Promise<void>;
  record(record: ResultRecord): void;
}

export interface BatchPhaseOptions {
  readonly exam: Exam;
  readonly imageMode: ImageMode;
  /** How answers are read (jmle-bench's rule unless told). */
  readonly extraction?: ExtractionRule;
  /** The provider id, journaled with each batch. */
  readonly provider: string;
  readonly api: BatchApi;
  /** The samples still to ask. */
  readonly samples: readonly Sample[];
  /** The resumed run's open batches. */
  readonly open: readonly JournaledBatch[];
  /** Submit new batches for the samples no open batch covers. */
  readonly submit: boolean;
  readonly sink: BatchSink;
  readonly onEvent?: (event: BatchEvent) => void;
  /** Every answer a batch returned, with the request it answers (the response cache keeps them). */
  readonly onAnswer?: (request: CompletionRequest, completion: Completion) => void;
  /** Retries per API call on transient failures. */
  readonly maxRetries: number;
  /** First retry backoff, ms (default 1000). */
  readonly retryBaseMs?: number;
  /** Longest Retry-After waited out, ms (default 10 min). */
  readonly maxRetryAfterMs?: number;
  /** The wait before poll round `n` (0-based, the first comes at once); default `pollDelay`. */
  readonly pollDelayMs?: (n: number) => number;
  /** First Ctrl-C: stop polling (the batches keep running). */
  readonly stopSignal?: AbortSignal;
  /** Second Ctrl-C: abort the call in flight. */
  readonly abortSignal?: AbortSignal;
  readonly now?: () => Date;
}

/** Why the phase ended early: as the run reports it (`RunStop`). */
export interface BatchStop {
  readonly cause: 'user' | 'server' | 'journal';
  readonly reason: string | null;
}

export interface BatchPhaseResult {
  /** Records of the samples the batches answered. */
  readonly records: ResultRecord[];
  /** Samples for the normal path: not in a batch, or not answered by theirs. */
  readonly rest: Sample[];
  /** Batches still running when the phase stopped (they stay open in the journal). */
  readonly open: JournaledBatch[];
  readonly stop: BatchStop | null;
  /** The first submission showed that no batch can work (the key, the model, the URL, or a batch the API refuses). */
  readonly failure: ProviderError | null;
}

/** 0 at once, then 5 s growing by half up to a minute: a quick batch is seen quickly, a day-long one costs few polls. */
export function pollDelay(n: number): number {
  return n === 0 ? 0 : Math.min(60_000, Math.round(5_000 * 1.5 ** (n - 1)));
}

const SUBMIT_FAILURES: ReadonlySet<FailureKind> = new Set(['auth', 'not-found', 'connection', 'bad-response', 'bad-request']);

/** Items → batches within the API's limits (an item larger than the byte limit goes alone, for the API to judge). */
export function splitBatches(items: readonly BatchItem[], limits: BatchApi['limits'], bytes: (item: BatchItem) => number): BatchItem[][] {
  const out: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let size = 0;
  for (const item of items) {
    const b = bytes(item);
    if (current.length > 0 && (current.length >= limits.maxItems || size + b > limits.maxBytes)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += b;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function stopped(): ProviderError {
  return new ProviderError('aborted', 'stopped');
}

interface Tracked {
  readonly batch: JournaledBatch;
  /** Its items still wanted, by custom id. */
  readonly live: Map<string, Sample>;
}

export async function runBatchPhase(opts: BatchPhaseOptions): Promise<BatchPhaseResult> {
  const { api, sink } = opts;
  const now = opts.now ?? (() => new Date());
  const stop = eitherSignal(opts.stopSignal, opts.abortSignal);
  const base = opts.retryBaseMs ?? 1000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 600_000;
  const delayOf = opts.pollDelayMs ?? pollDelay;
  const wanted = new Map(opts.samples.map((s) => [sampleKey(s.question.id, s.epoch), s]));
  const covered = new Set<string>();
  const records: ResultRecord[] = [];
  const rest: Sample[] = [];
  const tracked: Tracked[] = [];

  /** One API call with the run's retry rules; throws the last error, or `aborted` once stopped. */
  async function withRetries<T>(what: string, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(opts.abortSignal);
      } catch (e) {
        const err = e instanceof ProviderError ? e : new ProviderError('bad-response', `bad response: ${(e as Error)?.message ?? String(e)}`);
        if (opts.abortSignal?.aborted || err.kind === 'aborted') throw stopped();
        if (!err.retryable || attempt > opts.maxRetries) throw err;
        if (err.retryAfterMs !== null && err.retryAfterMs > maxRetryAfter) throw err;
        const delayMs = err.retryAfterMs !== null && err.retryAfterMs > 0 ? err.retryAfterMs : backoffDelay(attempt, base, 60_000);
        opts.onEvent?.({ kind: 'retry', what, attempt, delayMs, error: err });
        await sleep(delayMs, stop, stopped);
      }
    }
  }

  const result = (stop: BatchStop | null, failure: ProviderError | null = null): BatchPhaseResult => {
    // `covered`: in an open batch, or answered by an ended one. The others (not submitted, or left
    // unanswered by their batch) go to the normal path.
    for (const [key, s] of wanted) if (!covered.has(key)) rest.push(s);
    return { records, rest, open: tracked.map((t) => t.batch), stop, failure };
  };
  const userStop = (): BatchStop => ({ cause: 'user', reason: null });

  // 1. Attach to the resumed run's open batches.
  for (const batch of opts.open) {
    const live = new Map<string, Sample>();
    for (const item of batch.items) {
      const key = sampleKey(item.questionId, item.epoch);
      const s = wanted.get(key);
      if (s && !covered.has(key)) {
        live.set(item.customId, s);
        covered.add(key);
      }
    }
    if (live.size === 0) {
      // Everything it asked is answered already (e.g. journaled before a crash): nothing to collect.
      try {
        await sink.batchClosed(batch.id);
      } catch (e) {
        return result({ cause: 'journal', reason: (e as Error).message });
      }
      continue;
    }
    tracked.push({ batch, live });
    opts.onEvent?.({ kind: 'attached', id: batch.id, items: live.size });
  }

  // 2. Submit the rest as new batches.
  if (opts.submit) {
    const used = new Set<string>(tracked.flatMap((t) => [...t.live.keys()]));
    const items: BatchItem[] = [];
    const sampleOf = new Map<string, Sample>();
    for (const [key, s] of wanted) {
      if (covered.has(key)) continue;
      let customId = customIdOf(s.question.id, s.epoch);
      if (used.has(customId)) customId = `q${used.size}_e${s.epoch}`;
      used.add(customId);
      items.push({ customId, request: sampleRequest(buildPrompt(opts.exam, s.question, opts.imageMode), s) });
      sampleOf.set(customId, s);
    }
    const parts = splitBatches(items, api.limits, (i) => api.itemBytes(i));
    for (const [i, part] of parts.entries()) {
      if (opts.stopSignal?.aborted) return result(userStop());
      let id: string;
      try {
        id = await withRetries('submitting a batch', (signal) => api.submit(part, { signal }));
      } catch (e) {
        const err = e as ProviderError;
        if (err.kind === 'aborted') return result(userStop());
        if (tracked.length === 0 && SUBMIT_FAILURES.has(err.kind)) return result(null, err);
        return result({ cause: 'server', reason: `cannot submit a batch to the ${api.name} (${err.message})` });
      }
      const batch: JournaledBatch = {
        id,
        provider: opts.provider,
        submittedAt: now().toISOString(),
        items: part.map((item) => {
          const s = sampleOf.get(item.customId) as Sample;
          return { customId: item.customId, questionId: s.question.id, epoch: s.epoch };
        }),
      };
      const live = new Map(part.map((item) => [item.customId, sampleOf.get(item.customId) as Sample]));
      for (const s of live.values()) covered.add(sampleKey(s.question.id, s.epoch));
      tracked.push({ batch, live });
      try {
        await sink.batchSubmitted(batch);
      } catch (e) {
        // Accepted but not journaled: say its id, so that it is not lost.
        return result({ cause: 'journal', reason: `${(e as Error).message} (batch ${id} was submitted and keeps running)` });
      }
      opts.onEvent?.({ kind: 'submitted', id, items: part.length, part: i + 1, parts: parts.length });
    }
  }

  // 3. Poll until every batch has ended; take each one's results as it ends.
  for (let round = 0; tracked.length > 0; round++) {
    try {
      await sleep(delayOf(round), stop, stopped);
    } catch {
      return result(userStop());
    }
    for (const t of [...tracked]) {
      if (opts.stopSignal?.aborted) return result(userStop());
      const { id } = t.batch;
      let status: BatchStatus;
      let results: BatchItemResult[] | null = null;
      try {
        status = await withRetries(`polling batch ${id}`, (signal) => api.status(id, { signal }));
        opts.onEvent?.({ kind: 'status', status, items: t.live.size });
        if (status.ended) {
          const customIds = t.batch.items.map((i) => i.customId);
          results = await withRetries(`reading the results of batch ${id}`, (signal) => api.results(id, customIds, { signal }));
        }
      } catch (e) {
        const err = e as ProviderError;
        if (err.kind === 'aborted') return result(userStop());
        if (err.kind !== 'not-found') {
          return result({ cause: 'server', reason: `cannot poll batch ${id} (${err.message}); it keeps running: resume later to collect it` });
        }
        // The API no longer has it: its items are asked again.
        for (const s of t.live.values()) covered.delete(sampleKey(s.question.id, s.epoch));
        tracked.splice(tracked.indexOf(t), 1);
        opts.onEvent?.({ kind: 'gone', id, items: t.live.size, message: err.message });
        try {
          await sink.batchClosed(id);
        } catch (e) {
          return result({ cause: 'journal', reason: (e as Error).message });
        }
        continue;
      }
      if (!results) continue;
      let answered = 0;
      for (const r of results) {
        const s = t.live.get(r.customId);
        if (!s || !r.ok) continue;
        const record = batchRecord(s.question, r.completion, s.epoch, opts.extraction);
        if (opts.onAnswer) opts.onAnswer(sampleRequest(buildPrompt(opts.exam, s.question, opts.imageMode), s), r.completion);
        records.push(record);
        sink.record(record);
        t.live.delete(r.customId);
        answered++;
      }
      // Whatever the batch did not answer goes to the normal path.
      for (const s of t.live.values()) covered.delete(sampleKey(s.question.id, s.epoch));
      tracked.splice(tracked.indexOf(t), 1);
      try {
        await sink.batchClosed(id);
      } catch (e) {
        return result({ cause: 'journal', reason: (e as Error).message });
      }
      opts.onEvent?.({ kind: 'ended', id, status: status.status, answered, rest: t.live.size, note: status.note ?? null });
    }
  }
  return result(null);
}
