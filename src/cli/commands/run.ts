import { loadExam } from '../../exam/registry.js';
import { responseCachePath } from '../../providers/cache-sqlite.js';
import { providerEntry, resolveApiKey } from '../../providers/registry.js';
import { runBenchmark, shownBaseUrl, type BenchmarkResult } from '../../runner/benchmark.js';
import { defaultOutPath } from '../../runner/metadata.js';
import { recordedSettings } from '../../runner/resume.js';
import { resolveRunSpec, type RunSpec } from '../../runner/spec.js';
import { registerSecret } from '../../util/redact.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command, type Io, type Parsed } from '../command.js';
import { Progress } from '../progress/run.js';
import { batchNote, startLines } from '../progress/run-notes.js';
import { asFlagError, modelAndProvider, RUN_HELP, RUN_OPTIONS, specInputFromFlags } from '../run-flags.js';
import type { ReportFigures } from '../run-report.js';

/**
 * What a run prints when it ends (the summary with its statistics, the README
 * row, how to resume). Its modules load while the first requests are out, not
 * before them: start-up is time to the first request.
 */
type Report = typeof import('../run-report.js');
let report: Promise<Report> | undefined;
let loaded: Report | undefined;
const loadReport = () => (report ??= import('../run-report.js').then((r) => (loaded = r)));

/** A retry wait from which on the user is told (a quiet minute looks like a hang). */
const LONG_WAIT_MS = 10_000;

/** Ctrl-C (and SIGTERM): the first stops sending, the second aborts requests in flight, the third exits. */
function interruptHandling(say: (line: string) => void): { stop: AbortController; abort: AbortController; release: () => void } {
  const stop = new AbortController();
  const abort = new AbortController();
  let count = 0;
  const onSignal = () => {
    count++;
    if (count === 1) {
      stop.abort();
      say('  stopping: no new requests; waiting for those in flight (Ctrl-C again to abort them)');
    } else if (count === 2) {
      abort.abort();
      say('  aborting requests in flight');
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stop, abort, release: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

async function executeRun(args: Parsed, io: Io): Promise<number> {
  // 1. Flags, and what a resumed run recorded: all checked before anything is sent or written.
  const resumeArg = str(args, 'resume');
  // Loaded only to resume: reading a run back validates it (the schema library), which a fresh run does not need.
  const prior = resumeArg ? (await import('../../runner/prior-run.js')).loadPriorRun(resumeArg, io.cwd) : null;
  const recorded = prior ? recordedSettings(prior) : null;
  const examFlag = str(args, 'exam');
  const dataDir = str(args, 'data-dir');
  const { model } = modelAndProvider(args, recorded);
  const { exam } = loadExam({ exam: examFlag ?? recorded?.examId, dataDir, env: io.env });
  const out = str(args, 'out') ?? (prior ? prior.outPath : defaultOutPath(io.cwd, model, new Date()));
  let spec: RunSpec;
  try {
    spec = resolveRunSpec(specInputFromFlags(args, exam, recorded, out, io.cwd));
  } catch (e) {
    throw asFlagError(e);
  }
  const entry = providerEntry(spec.model.provider);
  const flagKey = str(args, 'api-key');
  registerSecret(flagKey);
  const { key, hint } = resolveApiKey(
    entry,
    flagKey,
    spec.model.baseUrl ? new URL(spec.model.baseUrl) : entry.defaultBaseUrl ? new URL(entry.defaultBaseUrl) : null,
    io.env,
  );
  registerSecret(key);
  const baseUrl = shownBaseUrl(spec, entry);

  // 2. Run, with progress on stderr and Ctrl-C handling.
  let progress: Progress | null = null;
  const say = (line: string) => (progress ? progress.note(line) : writeLine(io.stderr, line));
  const signals = interruptHandling(say);
  const progressMode = flag(args, 'no-progress') ? 'off' : io.stderr.isTTY ? 'bar' : 'lines';
  // Test hooks: shorter backoff and a shorter wait before a vanished server stops the run.
  const retryBase = Number(io.env['JMLE_RETRY_BASE_MS']);
  const unreachable = Number(io.env['JMLE_UNREACHABLE_AFTER_MS']);
  const pollMs = Number(io.env['JMLE_BATCH_POLL_MS']);
  const cachePath = responseCachePath(io.env);
  let figures: ReportFigures | null = null;
  let result: BenchmarkResult;
  try {
    result = await runBenchmark(spec, {
      prior,
      apiKey: key,
      keyHint: hint,
      retry: {
        ...(Number.isFinite(retryBase) && retryBase >= 0 && io.env['JMLE_RETRY_BASE_MS'] ? { baseDelayMs: retryBase } : {}),
        ...(Number.isFinite(unreachable) && unreachable > 0 ? { unreachableAfterMs: unreachable } : {}),
      },
      ...(Number.isFinite(pollMs) && pollMs >= 0 && io.env['JMLE_BATCH_POLL_MS'] ? { batchPollMs: pollMs } : {}),
      cache: { path: cachePath },
      hooks: {
        stopSignal: signals.stop.signal,
        abortSignal: signals.abort.signal,
        onStart: (plan) => {
          // The report loads, and draws its statistics' plans, while the first requests are out (awaited at the end).
          const ids = plan.selected.map((q) => q.id);
          loadReport()
            .then((r) => setImmediate(() => r.prepareReport(exam, ids, plan.epochs)))
            .catch(() => undefined);
          for (const line of startLines(spec, baseUrl, plan, prior, cachePath)) writeLine(io.stderr, line);
          progress = new Progress(plan.toAsk.length, io.stderr, progressMode);
        },
        onRecord: (r) => {
          progress?.record(r);
          if (r.error) say(`  ! ${r.question_id}${r.epoch ? ` (epoch ${r.epoch})` : ''}: ${r.error} (after ${r.attempts ?? 1} attempt(s))`);
        },
        onRetry: ({ request, attempt, delayMs, error }) => {
          progress?.retry();
          // Long waits are worth a line: otherwise the run looks stuck.
          if (delayMs >= LONG_WAIT_MS)
            say(`  … ${request.label}: ${error.message}; retry ${attempt} of ${spec.schedule.maxRetries} in ${Math.round(delayMs / 1000)} s`);
        },
        // The summary's statistics are worked out while the result file is synced to disk (once the report is loaded).
        onResultFile: (file) => {
          if (loaded) figures = loaded.reportFigures(file, exam);
        },
        onBatch: (e) => {
          progress?.batch(e);
          const note = batchNote(e);
          if (note) say(note);
          if (e.kind === 'retry' && e.delayMs >= LONG_WAIT_MS)
            say(`  … ${e.what}: ${e.error.message}; retry ${e.attempt} of ${spec.schedule.maxRetries} in ${Math.round(e.delayMs / 1000)} s`);
        },
      },
    });
  } catch (e) {
    throw asFlagError(e); // a setting the run refused (e.g. the image mode), worded as its flag
  } finally {
    (progress as Progress | null)?.finish();
    signals.release();
  }

  // 3. The summary, the README row, and how to resume.
  return (await loadReport()).reportRun({ io, args, spec, result, baseUrl, entry, examFlag, dataDir, figures });
}

export const runCommand: Command = {
  name: 'run',
  help: RUN_HELP,
  options: { ...DATA_OPTIONS, ...RUN_OPTIONS },
  run: executeRun,
};
