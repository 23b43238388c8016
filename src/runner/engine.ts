import { setMaxListeners } from 'node:events';
import { setImmediate } from 'node:timers';
import type { Exam, ImageMode, Question } from '../exam/types.js';
import type { ExtractionRule } from '../extract/extract.js';
import { buildPrompt, type Prompt } from '../prompt/prompt.js';
import { ProviderError, STOPPING_KINDS, type CompletionRequest, type FailureKind, type Provider } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { answeredRecord, erroredRecord } from './completion-record.js';

/**
 * The engine: a pool of `parallel` workers takes samples (a question and an
 * epoch) in order, asks the provider, and hands each finished record to
 * `onRecord`. It knows nothing about files or terminals.
 *
 * - A reply is read (extraction, scoring, `onRecord`) once its worker has sent
 *   its next request: when many replies land together, the last of them does
 *   not wait for every answer before it to be read before its slot is reused.
 *   Records still reach `onRecord` one at a time, in finishing order.
 * - `stopSignal` (first Ctrl-C): no new requests; requests in flight finish.
 * - `abortSignal` (second Ctrl-C): requests in flight are aborted and not recorded.
 * - fail-fast: if the very first finished sample fails (after its retries)
 *   with 401/403/404, a connection that cannot be made or a reply that is not
 *   a chat completion, the run stops at once (in-flight requests are aborted)
 *   and `failure` is returned: the key, the model or the URL is wrong.
 * - a `quota` failure (the server asks to wait far longer than retries do)
 *   stops the run as the first Ctrl-C does; the sample is not recorded and
 *   `stopReason` says why.
 */

/**
 * How long after the workers start their first requests the work that can wait
 * begins (the reading rehearsal here; the run's start, with the CLI's header,
 * the dataset's hash and the report's preparation, in the runner). Workers
 * start one per turn of the event loop, and a timer that is due runs before
 * the next turn's connection callbacks: work started sooner (~15 ms of it)
 * holds up the first requests still to go out. 50 ms covers making 32 requests
 * and connecting them to a local server; nobody sees the header wait that long.
 */
export const FIRST_REQUESTS_OUT_MS = 50;

/** One request to make: a question, asked for the `epoch`-th time (1-based). */
export interface Sample {
  readonly question: Question;
  readonly epoch: number;
}
export interface EngineOptions {
  readonly exam: Exam;
  readonly samples: readonly Sample[];
  /** Already wrapped with retry and limits. */
  readonly provider: Provider;
  readonly imageMode: ImageMode;
  /** How answers are read (jmle-bench's rule unless told). */
  readonly extraction?: ExtractionRule;
  readonly parallel: number;
  readonly stopSignal?: AbortSignal;
  readonly abortSignal?: AbortSignal;
  readonly onRecord?: (record: ResultRecord) => void;
  readonly now?: () => number;
}

export interface EngineResult {
  /** Finished records in finishing order. */
  readonly records: ResultRecord[];
  /** Stopped (Ctrl-C, a quota, an abort) before every sample was asked and answered: resumable. */
  readonly stopped: boolean;
  /** Why the server stopped the run (an exhausted quota), when it did. */
  readonly stopReason: ProviderError | null;
  /** The run could not work at all (the key, the model or the URL is wrong): nothing more is sent. */
  readonly failure: ProviderError | null;
}

/** The label of a sample in messages: "120A-1", or "120A-1 (epoch 2)". */
export function sampleLabel(s: Sample): string {
  return s.epoch === 1 ? s.question.id : `${s.question.id} (epoch ${s.epoch})`;
}

/** The request a sample makes: its prompt and which epoch it is (the one-by-one and the batch paths send the same). */
export function sampleRequest(prompt: Prompt, s: Sample): CompletionRequest {
  return { messages: prompt.messages, answerFormat: prompt.answerFormat, epoch: s.epoch, label: sampleLabel(s) };
}

const SETUP_FAILURES: ReadonlySet<FailureKind> = new Set(['auth', 'not-found', 'connection', 'bad-response']);

export async function runSamples(opts: EngineOptions): Promise<EngineResult> {
  const now = opts.now ?? (() => performance.now());
  const internal = new AbortController();
  const signal = opts.abortSignal ? AbortSignal.any([opts.abortSignal, internal.signal]) : internal.signal;
  setMaxListeners(opts.parallel + 16, signal);
  const records: ResultRecord[] = [];
  let next = 0;
  let finished = 0;
  let failure: ProviderError | null = null;
  let stopReason: ProviderError | null = null;
  // A bad prompt (a missing image), or a record that cannot be built or handed over, stops every worker;
  // an object, because workers and the reader set it from their closures.
  const problem: { error: Error | null } = { error: null };
  // Stop starting attempts: the user's stop, or a quota failure.
  const pause = new AbortController();
  const stop = opts.stopSignal ? AbortSignal.any([opts.stopSignal, pause.signal]) : pause.signal;

  const shouldStop = () => failure !== null || problem.error !== null || stop.aborted || signal.aborted;

  async function worker(): Promise<void> {
    while (!shouldStop() && next < opts.samples.length) {
      const sample = opts.samples[next++] as Sample;
      const q = sample.question;
      let prompt: Prompt;
      try {
        prompt = buildPrompt(opts.exam, q, opts.imageMode);
      } catch (e) {
        problem.error = e instanceof Error ? e : new Error(String(e));
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
      let record: () => ResultRecord;
      // One child signal per request, so the shared signal holds at most `parallel` listeners.
      const own = new AbortController();
      const relay = () => own.abort();
      signal.addEventListener('abort', relay, { once: true });
      try {
        const c = await opts.provider.complete(sampleRequest(prompt, sample), { signal: own.signal, stop, onSend });
        const latencyMs = now() - t0;
        record = () => answeredRecord(q, c, latencyMs, sample.epoch, opts.extraction);
      } catch (e) {
        const err = e instanceof ProviderError ? e : new ProviderError('bad-response', String((e as Error)?.message ?? e));
        if (err.kind === 'aborted' || signal.aborted) continue; // not finished: asked again on resume
        if (STOPPING_KINDS.has(err.kind)) {
          stopReason ??= err;
          pause.abort();
          continue; // not finished: asked again on resume
        }
        if ((SETUP_FAILURES.has(err.kind) || err.notApi) && finished === 0) {
          failure ??= err;
          internal.abort();
          return;
        }
        const latencyMs = now() - t0;
        record = () => erroredRecord(q, err, latencyMs, sample.epoch);
      } finally {
        signal.removeEventListener('abort', relay);
      }
      finished++;
      settle(record);
    }
    // Nothing left to ask: the connections kept open for more requests are of no use now (each worker
    // that runs out closes those idle by then; the last ones close as the process ends).
    if (next >= opts.samples.length) opts.provider.closeIdleConnections?.();
  }

  // Finished samples whose records are not built yet, in finishing order; read after the current
  // callbacks (which send the next requests) have run.
  const unread: (() => ResultRecord)[] = [];
  let reading: Promise<void> | null = null;
  let readFailed = false;
  function readUnread(): void {
    for (let build = unread.shift(); build; build = unread.shift()) {
      if (readFailed) continue; // after a record that could not be read or handed over, no more are
      try {
        const record = build();
        records.push(record);
        opts.onRecord?.(record);
      } catch (e) {
        readFailed = true;
        problem.error ??= e instanceof Error ? e : new Error(String(e));
        internal.abort();
      }
    }
  }
  async function allRead(): Promise<void> {
    while (reading) await reading;
  }
  function settle(build: () => ResultRecord): void {
    unread.push(build);
    reading ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        reading = null;
        readUnread();
        resolve();
      }),
    );
  }

  // Workers start one per turn of the event loop, not all at once: each first request then goes out
  // (its connection opened and its bytes written) while the next worker builds its own, instead of
  // every first request waiting on the wire until all `parallel` of them are built.
  const n = Math.max(1, Math.min(opts.parallel, opts.samples.length));
  const started: Promise<void>[] = [];
  const start = () => {
    const w = worker();
    w.catch(() => undefined); // watched from the start; its error still fails `Promise.all` below
    started.push(w);
  };
  const workers = (async () => {
    start();
    while (started.length < n && !shouldStop() && next < opts.samples.length) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start();
    }
    await Promise.all(started);
  })();
  const rehearsal = setTimeout(() => rehearseReading(opts.samples, opts.extraction), FIRST_REQUESTS_OUT_MS);
  try {
    await workers;
  } finally {
    clearTimeout(rehearsal);
  }
  await allRead();
  if (problem.error) throw problem.error;
  return { records, stopped: records.length < opts.samples.length, stopReason, failure };
}

/**
 * Reading answers, rehearsed while the first requests are out: one made-up
 * answer per kind of question asked (a choice of one, two or three, a number)
 * goes through the record builder and is thrown away. The first replies of a
 * run land together; without the rehearsal the first of them are read by code
 * V8 has not compiled yet (its patterns included), and the replies behind them
 * wait for it.
 */
function rehearseReading(samples: readonly Sample[], rule: ExtractionRule | undefined): void {
  const kinds = new Map<string, Question>();
  for (const { question: q } of samples) {
    const kind = `${q.type}:${q.selectCount}`;
    if (!kinds.has(kind)) kinds.set(kind, q);
  }
  for (const q of kinds.values()) {
    const content = `解説: 所見から考える。\n\n【回答】${q.answer.join(',')}`;
    try {
      answeredRecord(q, { content, reasoning: null, usage: null, finishReason: 'stop' }, 0, 1, rule);
    } catch {
      // Only a warm-up: a real answer to this question is read, and any problem reported, as always.
    }
  }
}
