import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Question } from '../exam/types.js';
import { buildPrompt } from '../prompt/prompt.js';
import { withCache, type CachedProvider, type ResponseStore } from '../providers/cache.js';
import { responseCachePath, SqliteResponseStore } from '../providers/cache-sqlite.js';
import { withRateLimit } from '../providers/limit.js';
import { providerEntry, type ProviderEntry } from '../providers/registry.js';
import { withRetry, type RetryInfo, type RetryOptions } from '../providers/retry.js';
import type { Completion, CompletionRequest, Provider, ProviderError } from '../providers/types.js';
import { ResultFileEncoder } from '../results/write.js';
import { splitEpochs } from '../results/epochs.js';
import type { ResultFile, ResultRecord } from '../results/schema.js';
import { isSuccessful, rescoreRecord } from '../scoring/record.js';
import { computeRunSummary, type Summary } from '../scoring/summary.js';
import { writeFileAtomic, writeProblem } from '../util/atomic.js';
import { describeFsError, UserError } from '../util/errors.js';
import { publicUrl } from '../util/redact.js';
import type { BatchEvent, BatchPhaseResult } from './batch.js';
import { FIRST_REQUESTS_OUT_MS, runSamples, sampleRequest, type Sample } from './engine.js';
import { Journal, journalPathFor } from './journal.js';
import { buildMetadata, recordsCostUsd, type RunState } from './metadata.js';
import { checkPriorRun, checkPriorSelection, mergeRecords, recordKey, sampleKey, type PriorRun } from './resume.js';
import { checkImages, selectQuestions } from './select.js';
import { SettingError, type RunSpec } from './spec.js';

/**
 * `runBenchmark`: run a spec. Select the questions, take over what a resumed
 * run already has, ask every missing sample (question × epoch) through
 * `withCache(withRetry(withRateLimit(provider)))` (the cache only with
 * `schedule.cache`), journal every answer, and write the result file atomically. Everything a user can get wrong is checked before
 * the first request or file write.
 */

/** What the caller watches and controls while the run goes (the CLI's progress display, Ctrl-C). */
export interface RunHooks {
  /** First Ctrl-C: no new requests; those in flight finish. */
  readonly stopSignal?: AbortSignal;
  /** Second Ctrl-C: requests in flight are aborted. */
  readonly abortSignal?: AbortSignal;
  /** Once the plan is known: once the first requests are on the wire (before a batch is submitted), before any record. */
  readonly onStart?: (plan: RunPlan) => void;
  /** Every finished sample. */
  readonly onRecord?: (record: ResultRecord) => void;
  /** Before each retry wait. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** What the batches do (`--batch`, or a resumed run's open batches). */
  readonly onBatch?: (event: BatchEvent) => void;
  /**
   * The result file is complete and on its way to the disk: what the caller
   * does with it afterwards (a report's statistics) can be worked out while the
   * disk syncs it. What it throws is ignored; the run goes on either way.
   */
  readonly onResultFile?: (file: ResultFile) => void;
}

export interface RunOptions {
  /** An earlier run to continue (see `loadPriorRun`). */
  readonly prior?: PriorRun | null;
  /** The API key (never part of the spec, never written anywhere). */
  readonly apiKey?: string | null;
  /** Use this provider instead of making one from the registry (library users, tests). */
  readonly provider?: Provider;
  /** How the user passes the key, for the message when it is refused (default: the registry's). */
  readonly keyHint?: string;
  /** Backoff tuning (tests). */
  readonly retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'unreachableAfterMs'>;
  /** A fixed wait between batch polls, ms (tests; default: growing from 5 s to a minute). */
  readonly batchPollMs?: number;
  /**
   * The response cache when `schedule.cache` is on: a store of one's own, or
   * the file to open (default: `responseCachePath()`, i.e. $JMLE_RESPONSE_CACHE or
   * responses.sqlite in the cache folder). Offline providers are never cached.
   */
  readonly cache?: ResponseStore | { readonly path: string };
  readonly hooks?: RunHooks;
}

export interface RunPlan {
  /** Every question of the run (selection). */
  readonly selected: readonly Question[];
  readonly epochs: number;
  /** Samples that will be asked now. */
  readonly toAsk: readonly Sample[];
  /** Samples taken over from the resumed run. */
  readonly kept: number;
  readonly skippedImage: number;
  readonly out: string;
  readonly journal: string;
}

/** Why a run ended before every sample was answered (it can be resumed). */
export interface RunStop {
  /** `user`: Ctrl-C; `server`: the server asked to wait too long (a spent quota); `journal`: answers could no longer be saved. */
  readonly cause: 'user' | 'server' | 'journal';
  /** What happened, for the user (null for Ctrl-C). */
  readonly reason: string | null;
}

export interface BenchmarkResult {
  readonly path: string;
  readonly file: ResultFile;
  /** The file's summary: the first epoch's (the reference's fields), with the epochs block of a repeated run. */
  readonly summary: Summary;
  /** Set when the run ended early; null when every sample was answered. */
  readonly stopped: RunStop | null;
  readonly plan: RunPlan;
  /** Records produced by this invocation. */
  readonly newRecords: number;
  /** Highest number of requests in flight. */
  readonly peakInFlight: number;
  /** Batches still running at the provider (the run stopped while polling): the journal is kept for `--resume`. */
  readonly openBatches: number;
  /** Requests the server rejected as over its limit (429, 503, 529). */
  readonly rejectedRequests: number;
  /** Samples answered from the response cache (0 without `--cache`). */
  readonly cacheHits: number;
  /** Why answers could not be stored in the cache, if some could not (the run went on). */
  readonly cacheProblem: string | null;
  readonly wallMs: number;
}

/** A server that answered before and has accepted no connection for this long has gone away: the run stops, resumably. */
export const UNREACHABLE_AFTER_MS = 30_000;

/** The run could not work at all: the key, the model or the URL is wrong (the first request said so). */
export class RunFailedError extends UserError {}

function failureMessage(err: ProviderError, spec: RunSpec, entry: ProviderEntry, baseUrl: string | null, keyHint: string): string {
  const url = baseUrl ?? 'the API';
  switch (err.kind) {
    case 'auth':
      return `authentication failed (${err.status ?? 401}): check ${keyHint}`;
    case 'not-found':
      return `model not found (${err.status ?? 404}): check --model "${spec.model.model}" (and --base-url)`;
    case 'connection':
      return `cannot reach ${url} (${err.message}); check --base-url and that the server is running`;
    default:
      return `${url} ${entry.hints?.badResponse ?? 'does not answer as the API should'} (${err.message}); check --base-url and --model`;
  }
}

/** The base URL as files and messages show it: credentials removed; null for offline providers. */
export function shownBaseUrl(spec: RunSpec, entry: ProviderEntry = providerEntry(spec.model.provider)): string | null {
  if (entry.offline) return null;
  const url = spec.model.baseUrl ?? entry.defaultBaseUrl;
  return url === null ? null : publicUrl(new URL(url));
}

/** Epoch-major: every question once, then again…, so an interrupted run has whole epochs first. */
function samplesOf(questions: readonly Question[], epochs: number): Sample[] {
  const out: Sample[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) for (const question of questions) out.push({ question, epoch });
  return out;
}

/** Check everything and decide what to ask. Throws UserError; writes nothing. */
export function planRun(spec: RunSpec, prior: PriorRun | null = null): RunPlan & { previous: ResultRecord[] } {
  const { task, output } = spec;
  const sel = selectQuestions(task.exam, { blocks: task.blocks, questionIds: task.questionIds, imageMode: task.imageMode });
  if (sel.questions.length === 0)
    throw new SettingError(['task.blocks', 'task.questionIds', 'task.imageMode'], 'select no question', (names) => `no questions selected; check ${names}`);
  checkImages(task.exam, sel.questions, task.imageMode);

  const out = output.out;
  const journal = journalPathFor(out);
  const resumingHere = prior !== null && resolve(output.cwd, prior.outPath) === resolve(output.cwd, out);
  if (!resumingHere && !output.overwrite) {
    if (existsSync(resolve(output.cwd, out)))
      throw new UserError(`${out} already exists; use --resume ${out} to continue it, --overwrite to replace it, or another --out`);
    if (existsSync(resolve(output.cwd, journal)))
      throw new UserError(`${journal} (an interrupted run) exists; use --resume ${journal} to continue it, or --overwrite`);
  }
  let previous: ResultRecord[] = [];
  if (prior) {
    checkPriorRun(prior, spec);
    checkPriorSelection(prior, new Set(sel.questions.map((q) => q.id)));
    previous = prior.records;
  }
  const done = new Set(previous.filter(isSuccessful).map(recordKey));
  const toAsk = samplesOf(sel.questions, task.epochs).filter((s) => !done.has(sampleKey(s.question.id, s.epoch)));
  return { selected: sel.questions, epochs: task.epochs, toAsk, kept: done.size, skippedImage: sel.skippedImage, out, journal, previous };
}

export async function runBenchmark(spec: RunSpec, opts: RunOptions = {}): Promise<BenchmarkResult> {
  // The cache file is opened here (better-sqlite3 loads only then) and closed whatever happens.
  const wanted = spec.schedule.cache && !providerEntry(spec.model.provider).offline;
  const given = opts.cache;
  const owned = wanted && !isStore(given) ? await SqliteResponseStore.open(given?.path ?? responseCachePath(), { create: true }) : null;
  try {
    return await runOnce(spec, owned ? { ...opts, cache: owned } : opts);
  } finally {
    owned?.close();
  }
}

function isStore(x: RunOptions['cache']): x is ResponseStore {
  return x !== undefined && typeof (x as ResponseStore).get === 'function';
}

async function runOnce(spec: RunSpec, opts: RunOptions): Promise<BenchmarkResult> {
  const t0 = performance.now();
  const startedAt = new Date();
  const prior = opts.prior ?? null;
  const hooks = opts.hooks ?? {};
  const entry = providerEntry(spec.model.provider);
  const baseUrl = shownBaseUrl(spec, entry);
  const keyHint = opts.keyHint ?? ['--api-key', ...entry.keyEnv(null)].join(' / ');
  const plan = planRun(spec, prior);
  const { previous, ...publicPlan } = plan;
  const { task, schedule, output } = spec;
  const exam = task.exam;
  const cwd = output.cwd;
  // Before the first request: answers that cannot be saved must not be asked for.
  const writable = new Set<string>(); // the journal is beside the result file: its folder is probed once
  for (const path of [output.out, plan.journal]) {
    const problem = writeProblem(resolve(cwd, path), writable);
    if (problem) throw new UserError(`cannot write ${path} (${problem}); choose another --out or make its folder writable`);
  }

  const providerOptions = {
    model: spec.model.model,
    baseUrl: spec.model.baseUrl,
    apiKey: opts.apiKey ?? null,
    timeoutS: schedule.timeoutS,
    settings: spec.model.settings,
  };
  const bare = opts.provider ?? (await entry.create(providerOptions));
  // --parallel auto and the batch phase load their modules only when used (start-up is time to the first request).
  const concurrency =
    schedule.parallel === 'auto' ? new (await import('../providers/adaptive.js')).AdaptiveConcurrency({ max: schedule.maxParallel }) : schedule.parallel;
  const limited = withRateLimit(bare, { concurrency, rpm: schedule.rpm });
  // The caller's start (a header to print, work to prepare) waits until the first requests are out (see below).
  // An object, because the start runs from timers and hooks; what it threw is thrown where the run next looks.
  const startState: { started: boolean; failed: boolean; error: unknown } = { started: false, failed: false, error: null };
  const start = () => {
    if (startState.started) return;
    startState.started = true;
    try {
      hooks.onStart?.(publicPlan);
    } catch (e) {
      Object.assign(startState, { failed: true, error: e });
    }
  };
  const throwIfStartFailed = () => {
    if (startState.failed) throw startState.error;
  };
  const retried = withRetry(limited, {
    maxRetries: schedule.maxRetries,
    failFastUntilAnswered: true,
    unreachableAfterMs: UNREACHABLE_AFTER_MS,
    ...opts.retry,
    // Like a record, a retry never comes before the start (it can, on a server that fails at once).
    onRetry: (info) => {
      start();
      hooks.onRetry?.(info);
    },
  });
  // Outermost, so an answer the cache holds costs no retry and no slot.
  const store = schedule.cache && !entry.offline && isStore(opts.cache) ? opts.cache : undefined;
  const cached: CachedProvider | null = store
    ? withCache(retried, store, { provider: spec.model.provider, baseUrl, model: spec.model.model, settings: spec.model.settings })
    : null;
  const provider = cached ?? retried;

  const recordedStart = typeof prior?.metadata['started_at'] === 'string' ? new Date(prior.metadata['started_at']) : startedAt;
  const state = (status: RunState['status'], attempted: number, finishedAt: Date | null, cost: number | null): RunState => ({
    shownBaseUrl: baseUrl,
    startedAt: recordedStart,
    finishedAt,
    attempted,
    skippedImage: plan.skippedImage,
    planned: plan.selected.length,
    costUsd: cost,
    status,
  });

  // The journal's seed: answers already received, so the journal alone can resume.
  const kept = previous.filter(isSuccessful);
  const openBatches = prior?.openBatches ?? [];
  const journal = new Journal(resolve(cwd, plan.journal), () => buildMetadata(spec, state('running', plan.selected.length, null, null)), kept, openBatches);

  // A journal that cannot be written (disk full) stops the run: answers would no longer survive a crash.
  const journalStop = new AbortController();
  const stopSignal = hooks.stopSignal ? AbortSignal.any([hooks.stopSignal, journalStop.signal]) : journalStop.signal;
  // Each record is encoded for the result file as it comes in: writing the file after the last answer then costs its head.
  const encoder = new ResultFileEncoder();
  const onRecord = (r: ResultRecord) => {
    start(); // a record never comes before the start, however soon it finished
    journal.append(r);
    encoder.prepare(r);
    if (journal.failed) journalStop.abort();
    hooks.onRecord?.(r);
  };

  // Batches first (--batch, or the open batches of a resumed run); what they leave is asked one by one.
  // With the cache, what it holds is answered from it (one by one, without a request) and never batched;
  // every answer a batch returns is kept in it.
  const isHeld = (s: Sample): boolean => {
    try {
      return cached !== null && cached.holds(sampleRequest(buildPrompt(exam, s.question, task.imageMode), s));
    } catch {
      return false; // a prompt that cannot be built fails on the normal path, with its message
    }
  };
  const held = cached ? plan.toAsk.filter(isHeld) : [];
  const heldKeys = new Set(held.map((s) => sampleKey(s.question.id, s.epoch)));
  const toBatch = held.length > 0 ? plan.toAsk.filter((s) => !heldKeys.has(sampleKey(s.question.id, s.epoch))) : plan.toAsk;
  let batched: BatchPhaseResult | null = null;
  if ((schedule.batch || openBatches.length > 0) && entry.batch && toBatch.length + openBatches.length > 0) {
    start();
    throwIfStartFailed();
    const { runBatchPhase } = await import('./batch.js');
    batched = await runBatchPhase({
      exam,
      imageMode: task.imageMode,
      extraction: task.extraction,
      provider: spec.model.provider,
      api: await entry.batch.create(providerOptions),
      samples: toBatch,
      open: openBatches,
      submit: schedule.batch,
      sink: { batchSubmitted: (b) => journal.batchSubmitted(b), batchClosed: (id) => journal.batchClosed(id), record: onRecord },
      onEvent: hooks.onBatch,
      ...(cached ? { onAnswer: (request: CompletionRequest, c: Completion) => cached.keep(request, c) } : {}),
      maxRetries: schedule.maxRetries,
      retryBaseMs: opts.retry?.baseDelayMs,
      maxRetryAfterMs: opts.retry?.maxRetryAfterMs,
      pollDelayMs: opts.batchPollMs === undefined ? undefined : (n) => (n === 0 ? 0 : (opts.batchPollMs as number)),
      stopSignal,
      abortSignal: hooks.abortSignal,
    });
    if (batched.failure) {
      await journal.close();
      const f = batched.failure;
      // A 404 or 400 to a batch says more about the batch (a server without the batch API, a model it does not batch) than the model.
      const message =
        f.kind === 'auth' || f.kind === 'connection'
          ? failureMessage(f, spec, entry, baseUrl, keyHint)
          : `the batch was refused (${f.message}); check --model and --base-url (the server must offer the batch API), or run without --batch`;
      throw new RunFailedError(message);
    }
  }
  const running = runSamples({
    exam,
    samples: batched ? (batched.stop ? [] : [...held, ...batched.rest]) : plan.toAsk,
    provider,
    imageMode: task.imageMode,
    extraction: task.extraction,
    parallel: schedule.parallel === 'auto' ? schedule.maxParallel : schedule.parallel,
    stopSignal,
    abortSignal: hooks.abortSignal,
    onRecord,
  });
  // The workers' first requests are created by now, or are on their way (a slot, an RPM start); the
  // start waits until they are on the wire (FIRST_REQUESTS_OUT_MS), or for the first record if sooner.
  const starting = setTimeout(start, FIRST_REQUESTS_OUT_MS);
  let engine: Awaited<typeof running>;
  try {
    engine = await running;
  } finally {
    // Whatever ended the engine this soon (nothing to ask, a prompt that cannot be built), the start comes first.
    clearTimeout(starting);
    start();
  }
  throwIfStartFailed();
  const answered = [...(batched?.records ?? []), ...engine.records];
  // Whatever happened to the journal, the answers in memory still go to the result file. Its last
  // records are written while the result file is put together, which keeps them (Journal.seal).
  journal.seal();
  const journalFlushed = journal.flush().then(
    () => null,
    () => journal.failed,
  );

  if (engine.failure) {
    await journal.close();
    throw new RunFailedError(failureMessage(engine.failure, spec, entry, baseUrl, keyHint));
  }

  // Previous records (rescored against the current key, as the reference does), then this run's. Without
  // either previous records or a batch, this run's are already one per sample (each is asked once).
  const merged =
    previous.length === 0 && batched === null
      ? answered
      : mergeRecords(
          previous.map((r) => {
            const q = exam.byId.get(r.question_id);
            return q ? rescoreRecord(r, q, task.extraction) : r;
          }),
          answered,
        );
  const { results, extra } = splitEpochs(merged);
  const halted: RunStop | null =
    batched?.stop ?? (!engine.stopped ? null : engine.stopReason ? { cause: 'server', reason: engine.stopReason.message } : { cause: 'user', reason: null });
  // A journal that failed is why the run halted (it stopped the engine or the batch polling).
  const journalFailure = halted ? await journalFlushed : null;
  const stopped: RunStop | null = halted && journalFailure ? { cause: 'journal', reason: journalFailure } : halted;

  const summary = computeRunSummary([results, ...extra.map((e) => e.results)], exam, task.extraction);
  const cost = recordsCostUsd(merged, spec.model.priceIn, spec.model.priceOut);
  const file: ResultFile = {
    metadata: buildMetadata(spec, {
      ...state(stopped ? 'interrupted' : 'complete', results.length, new Date(), cost),
      traffic: { peak: limited.peak, rejected: limited.rejected },
    }),
    summary,
    results,
    ...(extra.length > 0 ? { extra_epochs: extra } : {}),
  };
  const result: BenchmarkResult = {
    path: output.out,
    file,
    summary,
    stopped,
    plan: publicPlan,
    newRecords: answered.length,
    peakInFlight: limited.peak,
    openBatches: batched?.open.length ?? 0,
    rejectedRequests: limited.rejected,
    cacheHits: cached?.hits ?? 0,
    cacheProblem: cached?.storeProblem ?? null,
    wallMs: performance.now() - t0,
  };
  if (merged.length === 0) {
    // Stopped before anything finished: nothing to save (an open batch is in the journal).
    await journal.close();
    return result;
  }
  const outAbs = resolve(cwd, output.out);
  try {
    mkdirSync(dirname(outAbs), { recursive: true });
    // Not writeResultFile: its message would advise another path, where the fix here is to resume from the journal.
    await writeFileAtomic(outAbs, () => encoder.encode(file), { whileSyncing: () => hooks.onResultFile?.(file) });
  } catch (e) {
    await journal.close(); // synced as it closes (Journal.seal): `failed` covers that sync too
    const rescue = journal.failed ? '' : `; the answers are in ${plan.journal}: --resume ${plan.journal} once it can be written`;
    throw new UserError(`cannot write ${output.out}: ${describeFsError(e)}${rescue}`, 1);
  }
  // A batch still running at the provider is known only to the journal: keep it for --resume.
  if (result.openBatches > 0) await journal.close();
  else await journal.remove();
  return result;
}
