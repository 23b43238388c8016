import { setMaxListeners } from 'node:events';
import type { Exam, ImageMode, Question } from '../exam/types.js';
import { buildPrompt } from '../prompt/prompt.js';
import { ProviderError, type FailureKind, type Provider } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { answeredRecord, erroredRecord } from './record.js';

/**
 * The engine: a pool of `parallel` workers takes questions in order, asks the
 * provider, and hands each finished record to `onRecord` at once. It knows
 * nothing about files or terminals.
 *
 * - `stopSignal` (first Ctrl-C): no new requests; requests in flight finish.
 * - `abortSignal` (second Ctrl-C): requests in flight are aborted and not recorded.
 * - fail-fast: if the very first finished question fails (after its retries)
 *   with 401/403/404, a connection that cannot be made or a reply that is not
 *   a chat completion, the run stops at once (in-flight requests are aborted)
 *   and `fatal` is returned: the key, the model or the URL is wrong.
 * - a `quota` failure (the server asks to wait far longer than retries do)
 *   stops the run as the first Ctrl-C does; the question is not recorded and
 *   `paused` says why.
 */
export interface EngineOptions {
  readonly exam: Exam;
  readonly questions: readonly Question[];
  /** Already wrapped with retry and limits. */
  readonly provider: Provider;
  readonly model: string;
  readonly imageMode: ImageMode;
  readonly parallel: number;
  readonly stopSignal?: AbortSignal;
  readonly abortSignal?: AbortSignal;
  readonly onRecord?: (record: ResultRecord) => void;
  readonly now?: () => number;
}

export interface EngineResult {
  /** Finished records in finishing order. */
  readonly records: ResultRecord[];
  /** Stopped (or aborted) before every question was asked and answered. */
  readonly stopped: boolean;
  /** Set when the run stopped because the key, the model or the URL is wrong. */
  readonly fatal: ProviderError | null;
  /** Set when the server asked to wait too long (an exhausted quota): stopped, resumable. */
  readonly paused: ProviderError | null;
}

const FATAL_KINDS: ReadonlySet<FailureKind> = new Set(['auth', 'not-found', 'connection', 'bad-response']);

export async function runQuestions(opts: EngineOptions): Promise<EngineResult> {
  const now = opts.now ?? (() => performance.now());
  const internal = new AbortController();
  const signal = opts.abortSignal ? AbortSignal.any([opts.abortSignal, internal.signal]) : internal.signal;
  setMaxListeners(opts.parallel + 16, signal);
  const records: ResultRecord[] = [];
  let next = 0;
  let finished = 0;
  let fatal: ProviderError | null = null;
  let paused: ProviderError | null = null;
  // A bad prompt (a missing image) stops every worker; an object, because workers set it from their closures.
  const failure: { error: Error | null } = { error: null };
  // Stop starting attempts: the user's stop, or a quota failure.
  const pause = new AbortController();
  const stop = opts.stopSignal ? AbortSignal.any([opts.stopSignal, pause.signal]) : pause.signal;

  const shouldStop = () => fatal !== null || failure.error !== null || stop.aborted || signal.aborted;

  async function worker(): Promise<void> {
    while (!shouldStop() && next < opts.questions.length) {
      const q = opts.questions[next++] as Question;
      let prompt;
      try {
        prompt = buildPrompt(opts.exam, q, opts.imageMode);
      } catch (e) {
        failure.error = e instanceof Error ? e : new Error(String(e));
        internal.abort();
        return;
      }
      // Latency runs from the first attempt sent, not from the wait for a slot or an RPM start.
      let t0 = now();
      let sent = false;
      const onSend = () => {
        if (!sent) t0 = now();
        sent = true;
      };
      let record: ResultRecord;
      // One child signal per request, so the shared signal holds at most `parallel` listeners.
      const own = new AbortController();
      const relay = () => own.abort();
      signal.addEventListener('abort', relay, { once: true });
      try {
        const c = await opts.provider.complete({ model: opts.model, messages: prompt.messages, question: q }, { signal: own.signal, stop, onSend });
        record = answeredRecord(q, c, now() - t0);
      } catch (e) {
        const err = e instanceof ProviderError ? e : new ProviderError('bad-response', String((e as Error)?.message ?? e));
        if (err.kind === 'aborted' || signal.aborted) continue; // not finished: asked again on resume
        if (err.kind === 'quota') {
          paused ??= err;
          pause.abort();
          continue; // not finished: asked again on resume
        }
        if (FATAL_KINDS.has(err.kind) && finished === 0) {
          fatal ??= err;
          internal.abort();
          return;
        }
        record = erroredRecord(q, err, now() - t0);
      } finally {
        signal.removeEventListener('abort', relay);
      }
      finished++;
      records.push(record);
      opts.onRecord?.(record);
    }
  }

  const n = Math.max(1, Math.min(opts.parallel, opts.questions.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure.error) throw failure.error;
  return { records, stopped: records.length < opts.questions.length, fatal, paused };
}
