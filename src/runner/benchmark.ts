import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Exam, ImageMode, Question } from '../exam/types.js';
import { withRateLimit } from '../providers/limit.js';
import { withRetry, type RetryOptions } from '../providers/retry.js';
import type { ProviderError, Provider } from '../providers/types.js';
import { writeResultFile } from '../results/io.js';
import type { ResultFile, ResultRecord } from '../results/schema.js';
import { rescoreRecord } from '../scoring/record.js';
import { computeSummary, type Summary } from '../scoring/summary.js';
import { UserError } from '../util/errors.js';
import { runQuestions } from './engine.js';
import { Journal, journalPathFor } from './journal.js';
import { buildMetadata, costUsd } from './metadata.js';
import { isSuccessful } from '../scoring/record.js';
import { checkPriorRun, checkPriorSelection, mergeRecords, type PriorRun } from './resume.js';
import { checkImages, selectQuestions } from './select.js';

/**
 * `runBenchmark`: select the questions, take over what a resumed run already
 * has, ask the rest through `withRetry(withRateLimit(provider))`, journal every
 * answer, and write the result file atomically. Everything a user can get
 * wrong is checked before the first request or file write.
 */
export interface BenchmarkOptions {
  readonly exam: Exam;
  readonly model: string;
  /** The bare provider; limits and retries are added here. */
  readonly provider: Provider;
  /** The result file (relative paths are taken from `cwd`). */
  readonly out: string;
  /** Directory for relative paths (default: process.cwd()). */
  readonly cwd?: string;
  readonly baseUrl?: string | null;
  readonly imageMode?: ImageMode;
  readonly extraBody?: Readonly<Record<string, unknown>> | null;
  readonly parallel?: number;
  readonly maxRetries?: number;
  readonly rpm?: number | null;
  readonly blocks?: readonly string[] | null;
  readonly questionIds?: readonly string[] | null;
  readonly seed?: number | null;
  readonly displayName?: string | null;
  readonly priceIn?: number | null;
  readonly priceOut?: number | null;
  /** An earlier run to continue (see `loadPriorRun`). */
  readonly prior?: PriorRun | null;
  /** How the user passes the key, for the fail-fast message (default "--api-key / OPENAI_API_KEY"). */
  readonly keyHint?: string;
  /** Replace an existing `out` that is not the resumed file. */
  readonly overwrite?: boolean;
  /** Backoff tuning (tests). */
  readonly retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'onRetry'>;
  readonly stopSignal?: AbortSignal;
  readonly abortSignal?: AbortSignal;
  /** Called once the plan is known, before the first request. */
  readonly onStart?: (plan: RunPlan) => void;
  /** Called for every finished question (progress). */
  readonly onRecord?: (record: ResultRecord) => void;
  /**
   * Called after the result file is written (complete or interrupted runs).
   * The hook point for follow-up work such as updating a README leaderboard.
   */
  readonly onFinished?: (result: BenchmarkResult) => void | Promise<void>;
}

export interface RunPlan {
  /** Every question of the run (selection). */
  readonly selected: readonly Question[];
  /** Questions that will be asked now. */
  readonly toAsk: readonly Question[];
  /** Records taken over from the resumed run. */
  readonly kept: number;
  readonly skippedImage: number;
  readonly out: string;
  readonly journal: string;
}

export interface BenchmarkResult {
  readonly path: string;
  readonly file: ResultFile;
  readonly summary: Summary;
  /** Stopped (Ctrl-C, or `pausedBy`) before every question was answered. */
  readonly interrupted: boolean;
  /** Why the run stopped by itself: the server asked to wait too long (e.g. an exhausted quota). */
  readonly pausedBy: string | null;
  readonly plan: RunPlan;
  /** Records produced by this invocation. */
  readonly newRecords: number;
  /** Highest number of requests in flight. */
  readonly peakInFlight: number;
  readonly wallMs: number;
}

export class RunFailedError extends UserError {}

function fatalMessage(err: ProviderError, model: string, baseUrl: string | null, keyHint: string): string {
  const url = baseUrl ?? 'the API';
  switch (err.kind) {
    case 'auth':
      return `authentication failed (${err.status ?? 401}): check ${keyHint}`;
    case 'not-found':
      return `model not found (${err.status ?? 404}): check --model "${model}" (and --base-url)`;
    case 'connection':
      return `cannot reach ${url} (${err.message}); check --base-url and that the server is running`;
    default:
      return `${url} does not answer like an OpenAI-compatible API (${err.message}); check --base-url and --model`;
  }
}

/** Check everything and decide what to ask. Throws UserError; writes nothing. */
export function planRun(opts: BenchmarkOptions): RunPlan & { previous: ResultRecord[] } {
  const imageMode = opts.imageMode ?? 'blind';
  const parallel = opts.parallel ?? 8;
  if (!Number.isInteger(parallel) || parallel < 1) throw new UserError(`--parallel must be at least 1, got ${parallel}`);
  const sel = selectQuestions(opts.exam, { blocks: opts.blocks, questionIds: opts.questionIds, imageMode });
  if (sel.questions.length === 0) throw new UserError('no questions selected; check --blocks / --questions / --image-mode');
  checkImages(opts.exam, sel.questions, imageMode, existsSync);

  const cwd = opts.cwd ?? process.cwd();
  const out = opts.out;
  const journal = journalPathFor(out);
  const prior = opts.prior ?? null;
  const resumingHere = prior !== null && resolve(cwd, prior.outPath) === resolve(cwd, out);
  if (!resumingHere && !opts.overwrite) {
    if (existsSync(resolve(cwd, out)))
      throw new UserError(`${out} already exists; use --resume ${out} to continue it, --overwrite to replace it, or another --out`);
    if (existsSync(resolve(cwd, journal)))
      throw new UserError(`${journal} (an interrupted run) exists; use --resume ${journal} to continue it, or --overwrite`);
  }
  let previous: ResultRecord[] = [];
  if (prior) {
    checkPriorRun(prior, { model: opts.model, exam: opts.exam, imageMode, extraBody: opts.extraBody ?? null, seed: opts.seed ?? null });
    checkPriorSelection(prior, new Set(sel.questions.map((q) => q.id)));
    previous = prior.records;
  }
  const done = new Set(previous.filter(isSuccessful).map((r) => r.question_id));
  const toAsk = sel.questions.filter((q) => !done.has(q.id));
  return { selected: sel.questions, toAsk, kept: done.size, skippedImage: sel.skippedImage, out, journal, previous };
}

export async function runBenchmark(opts: BenchmarkOptions): Promise<BenchmarkResult> {
  const t0 = performance.now();
  const startedAt = new Date();
  const plan = planRun(opts);
  const { previous, ...publicPlan } = plan;
  const imageMode = opts.imageMode ?? 'blind';
  const parallel = opts.parallel ?? 8;
  const maxRetries = opts.maxRetries ?? 5;
  const exam = opts.exam;

  const limited = withRateLimit(opts.provider, { concurrency: parallel, rpm: opts.rpm ?? null });
  const provider = withRetry(limited, { maxRetries, ...opts.retry });

  const meta = (status: 'running' | 'complete' | 'interrupted', attempted: number, finishedAt: Date | null, cost: number | null) =>
    buildMetadata({
      model: opts.model,
      baseUrl: opts.baseUrl ?? null,
      startedAt: typeof opts.prior?.metadata['started_at'] === 'string' ? new Date(opts.prior.metadata['started_at']) : startedAt,
      finishedAt,
      imageMode,
      extraBody: opts.extraBody ?? null,
      attempted,
      skippedImage: plan.skippedImage,
      displayName: opts.displayName ?? null,
      exam,
      provider: opts.provider.name,
      seed: opts.seed ?? null,
      parallel,
      maxRetries,
      rpm: opts.rpm ?? null,
      blocks: opts.blocks ?? null,
      questionIds: opts.questionIds ?? null,
      priceIn: opts.priceIn ?? null,
      priceOut: opts.priceOut ?? null,
      costUsd: cost,
      status,
      planned: plan.selected.length,
    });

  // The journal's seed: answers already received, so the journal alone can resume.
  const kept = previous.filter(isSuccessful);
  const cwd = opts.cwd ?? process.cwd();
  const journal = new Journal(resolve(cwd, plan.journal), meta('running', plan.selected.length, null, null), kept);
  opts.onStart?.(publicPlan);

  // A journal that cannot be written (disk full) stops the run: answers would no longer survive a crash.
  const journalStop = new AbortController();
  const engine = await runQuestions({
    exam,
    questions: plan.toAsk,
    provider,
    model: opts.model,
    imageMode,
    parallel,
    stopSignal: opts.stopSignal ? AbortSignal.any([opts.stopSignal, journalStop.signal]) : journalStop.signal,
    abortSignal: opts.abortSignal,
    onRecord: (r) => {
      journal.append(r);
      if (journal.failed) journalStop.abort();
      opts.onRecord?.(r);
    },
  });
  // Whatever happened to the journal, the answers in memory still go to the result file.
  const journalFailure = await journal.flush().then(
    () => null,
    () => journal.failed,
  );

  if (engine.fatal) {
    await journal.close();
    throw new RunFailedError(fatalMessage(engine.fatal, opts.model, opts.baseUrl ?? null, opts.keyHint ?? '--api-key / OPENAI_API_KEY'));
  }

  // Previous records (rescored against the current key, as the reference does), then this run's.
  const merged = mergeRecords(
    previous.map((r) => {
      const q = exam.byId.get(r.question_id);
      return q ? rescoreRecord(r, q) : r;
    }),
    engine.records,
  );
  const results = merged.sort((a, b) => (a.question_id < b.question_id ? -1 : a.question_id > b.question_id ? 1 : 0));
  const interrupted = engine.stopped;

  const summary = computeSummary(results, exam);
  const cost = costUsd(summary.usage, opts.priceIn ?? null, opts.priceOut ?? null);
  const file: ResultFile = {
    metadata: meta(interrupted ? 'interrupted' : 'complete', results.length, new Date(), cost),
    summary,
    results,
  };
  const result: BenchmarkResult = {
    path: opts.out,
    file,
    summary,
    interrupted,
    pausedBy: interrupted ? (journalFailure ?? engine.paused?.message ?? null) : null,
    plan: publicPlan,
    newRecords: engine.records.length,
    peakInFlight: limited.peak,
    wallMs: performance.now() - t0,
  };
  if (results.length === 0) {
    // Stopped before anything finished: nothing to save.
    await journal.close();
    return result;
  }
  const outAbs = resolve(cwd, opts.out);
  try {
    mkdirSync(dirname(outAbs), { recursive: true });
    await writeResultFile(outAbs, file);
  } catch (e) {
    await journal.close();
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const rescue = journalFailure ? '' : `; the answers are in ${plan.journal}: --resume ${plan.journal} once it can be written`;
    throw new UserError(`cannot write ${opts.out}: ${code}${rescue}`, 1);
  }
  await journal.remove();
  await opts.onFinished?.(result);
  return result;
}
