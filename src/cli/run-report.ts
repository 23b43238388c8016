import { resolve } from 'node:path';
import { DEFAULT_EXAM } from '../exam/editions.js';
import type { Exam } from '../exam/types.js';
import type { ProviderEntry } from '../providers/registry.js';
import { upsertReadmeRun } from '../reports/readme.js';
import { formatSummaryBlock } from '../reports/terminal.js';
import { prepareRunUncertainty, rehearsalRecords, runUncertaintyOf } from '../reports/uncertainty.js';
import { epochLists } from '../results/epochs.js';
import type { ResultFile } from '../results/schema.js';
import type { BenchmarkResult } from '../runner/benchmark.js';
import type { RunSpec } from '../runner/spec.js';
import type { RunUncertainty } from '../stats/index.js';
import { compareWithExaminees, type ExamineeComparison } from '../scoring/examinees.js';
import { computeRunSummary } from '../scoring/summary.js';
import { UserError } from '../util/errors.js';
import { flag, writeLine, type Io, type Parsed } from './command.js';
import { trafficLines } from './progress/run-notes.js';
import { resumeCommand } from './run-flags.js';

/**
 * The end of `run`: the traffic lines, the summary block (with its
 * statistics), the README row, and how to resume a run that stopped. Loaded by
 * cli/commands/run.ts while the first requests are out.
 */

/** Exit code of a run the server stopped (e.g. a quota): EX_TEMPFAIL, try again later. */
const EXIT_PAUSED = 75;

export interface RunReportInput {
  readonly io: Io;
  readonly args: Parsed;
  readonly spec: RunSpec;
  readonly result: BenchmarkResult;
  /** The base URL as shown (credentials removed). */
  readonly baseUrl: string | null;
  readonly entry: ProviderEntry;
  readonly examFlag: string | undefined;
  readonly dataDir: string | undefined;
  /** This run's figures, if worked out already (`reportFigures`, while the result file was synced to disk). */
  readonly figures?: ReportFigures | null;
}

/** What the summary shows that comes from the result file alone: its statistics, and the examinees beside it. */
export interface ReportFigures {
  readonly file: ResultFile;
  readonly uncertainty: RunUncertainty | null;
  readonly examinees: ExamineeComparison;
}

/** The figures of a result file (statistics only when it has answers). */
export function reportFigures(file: ResultFile, exam: Exam): ReportFigures {
  return {
    file,
    uncertainty: file.results.length > 0 ? runUncertaintyOf(epochLists(file), exam) : null,
    examinees: compareWithExaminees(file.results, exam),
  };
}

/**
 * Work the report can do before the answers are in (the statistics' resampling
 * plans, which depend on the questions alone), done while the requests are out
 * so that the summary follows the last answer at once.
 */
export function prepareReport(exam: Exam, questionIds: readonly string[], epochs: number): void {
  try {
    prepareRunUncertainty(exam, questionIds, epochs);
    // The summary and its block, once, on made-up answers, thrown away: the code that runs after the last
    // answer is then compiled, not compiled on its first call there.
    const [records = []] = rehearsalRecords(exam, questionIds, 1);
    const summary = computeRunSummary([records], exam);
    formatSummaryBlock({
      model: '',
      summary,
      rules: exam.rules,
      path: null,
      costUsd: null,
      stopped: false,
      examinees: compareWithExaminees(records, exam),
      uncertainty: null,
    });
  } catch {
    // Only a head start: the report computes whatever it needs at the end, and says what is wrong then.
  }
}

/** Print the end of a run; the exit code (0, 130 after Ctrl-C, 75 when the server stopped it). */
export function reportRun({ io, args, spec, result, baseUrl, entry, examFlag, dataDir, figures }: RunReportInput): number {
  const { exam } = spec.task;
  const { out } = spec.output;
  const json = flag(args, 'json');
  const human = json ? io.stderr : io.stdout;
  for (const line of trafficLines(spec, result)) writeLine(io.stderr, line);
  const wrote = result.file.results.length > 0;
  const cost = typeof result.file.metadata['cost_usd'] === 'number' ? result.file.metadata['cost_usd'] : null;
  const { examinees, uncertainty } = figures?.file === result.file ? figures : reportFigures(result.file, exam);
  const stopped = result.stopped;
  writeLine(
    human,
    formatSummaryBlock({
      model: spec.model.model,
      summary: result.summary,
      rules: exam.rules,
      path: wrote ? out : null,
      costUsd: cost,
      stopped: stopped !== null,
      examinees,
      uncertainty,
    }),
  );
  // The README tables are the 120th's, as in the reference; other exams have `leaderboard --exam ID --readme`.
  if (wrote && !stopped && !flag(args, 'no-readme') && exam.id === DEFAULT_EXAM) addReadmeRow(io, spec, result);
  // A batch still running is in the journal alone: resumable even when no answer is in yet.
  const resumable = wrote || result.openBatches > 0;
  const resume = stopped && resumable ? resumeCommand(spec, baseUrl, entry.defaultBaseUrl, examFlag, dataDir) : null;
  if (stopped) {
    writeLine(io.stderr, '');
    const why = stopped.reason ? `Stopped: ${stopped.reason}` : 'Interrupted';
    const left = result.plan.toAsk.length - result.newRecords;
    writeLine(io.stderr, `  ${why}: ${result.newRecords} answered this time, ${left} still to ask.${resume ? ' To resume:' : ''}`);
    if (result.openBatches > 0)
      writeLine(io.stderr, `  ${result.openBatches} batch(es) keep running at the provider; resuming collects their answers (nothing is sent twice).`);
    if (resume) writeLine(io.stderr, `    ${resume}`);
  }
  if (json) {
    const report = { path: wrote ? out : null, interrupted: stopped !== null, resume_command: resume, metadata: result.file.metadata, summary: result.summary };
    writeLine(io.stdout, JSON.stringify(report, null, 2));
  }
  return stopped === null ? 0 : stopped.cause === 'user' ? 130 : EXIT_PAUSED;
}

/** As the reference does: add or replace this run's row in ./README.md's tables. A README that cannot be written is a warning: the run is saved. */
function addReadmeRow(io: Io, spec: RunSpec, result: BenchmarkResult): void {
  try {
    const name = spec.model.displayName ?? spec.model.model;
    if (upsertReadmeRun(resolve(io.cwd, 'README.md'), { name, imageMode: spec.task.imageMode, summary: result.summary })) {
      writeLine(io.stderr, '  Leaderboard updated in README.md');
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    writeLine(io.stderr, `  warning: leaderboard in README.md not updated: ${e.message}`);
  }
}
