import { basename } from 'node:path';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { examEntry, loadExam } from '../exam/registry.js';
import { rightCounts } from '../results/epochs.js';
import type { Exam } from '../exam/types.js';
import { runCoverage } from '../reports/leaderboard.js';
import { loadResultDir, type LoadedRun } from '../runs/collection.js';
import type { ResultRecord } from '../results/schema.js';
import { compareWithExaminees } from '../scoring/examinees.js';
import { kinkiSelected } from '../scoring/summary.js';
import { verdictOf } from '../scoring/verdict.js';
import { UserError } from '../util/errors.js';
import { rankedBoard, type Charts } from './board.js';
import type { ExamineeFigures, RecordView, RunBehaviour, RunEntry, RunPayload, SkippedFile } from './types.js';

/**
 * The viewer's runs: every result file of a folder, loaded and rescored by
 * `loadResultDir` (stored summaries are never trusted), each against its own
 * exam (`metadata.exam`, else the 120th), grouped by exam and ranked by the one
 * ranking (reports/ranking.ts). Files that fail, and runs of exams left out by
 * `--exam`/`--exams`, are listed as skipped with the reason (never quoting the
 * file's content).
 */

/** One run as the viewer serves it: its leaderboard entry and the loaded, rescored run. */
export interface RunSource {
  readonly entry: RunEntry;
  readonly loaded: LoadedRun;
}

export interface ExamRuns {
  readonly exam: Exam;
  /** Ranked, best first. */
  readonly runs: RunSource[];
  /** The score charts: the CLI's two leaderboard tables, with intervals. */
  readonly charts: Charts;
}

export interface LoadedCollection {
  /** Exams shown, oldest first: every exam with runs, plus `--exam` even without runs. */
  readonly exams: ExamRuns[];
  /** The exam the app opens on: `--exam`, else the newest exam shown. */
  readonly defaultExam: string;
  readonly skipped: SkippedFile[];
  /** The loaded runs of the exams shown, as `buildSeries` takes them. */
  readonly loaded: LoadedRun[];
  /** Local path → run id (to keep local paths out of what is published). */
  readonly idByPath: ReadonlyMap<string, string>;
}

export interface DataOptions {
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface CollectionOptions extends DataOptions {
  /** Show only this exam's runs (the rest are listed as skipped). */
  readonly exam?: string;
  /** Show only these exams' runs (the series' exams). */
  readonly exams?: readonly string[];
}

/** A URL-safe id from a file name: `openai_gpt-5.2.json` → `openai_gpt-5.2`. */
export function runIdFromFile(file: string, taken: ReadonlySet<string>): string {
  const base =
    file
      .replace(/\.json$/i, '')
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_') || 'run';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * Reasons name files by their base name only (no local paths in a published site):
 * the file's own path as the loader wrote it (normalised: `./results` became
 * `results`), then anything else under the folder as given.
 */
export function localPathsOut(reason: string, dir: string, path?: string): string {
  const named = path ? reason.split(path).join(basename(path)) : reason;
  return named.split(dir.endsWith('/') ? dir : `${dir}/`).join('');
}

/**
 * A skipped file's reason without the file's content. JSON.parse quotes the
 * start of the text it could not read (`Unexpected token 'r', "root:x:0:0:"…`),
 * which for a symlink to a system file is that file's first line; the viewer
 * publishes reasons (page, API, exported site), so only the kind of problem and
 * its position are kept.
 */
export function contentFreeReason(reason: string): string {
  const at = reason.indexOf(' is not valid JSON');
  if (at < 0) return reason;
  const detail = reason.slice(at);
  const where = detail.match(/position \d+(?: \(line \d+ column \d+\))?/)?.[0];
  const what = /Unexpected end of JSON input/.test(detail)
    ? 'the text ends too early'
    : /Unexpected (token|non-whitespace)/.test(detail)
      ? `an unexpected character${where ? ` at ${where}` : ''}`
      : where
        ? `error at ${where}`
        : null;
  return `${reason.slice(0, at)} is not valid JSON${what ? ` (${what})` : ''}; check that it is a result file written by jmle-bench or the reference harness`;
}

const byNumber = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

function examineeFigures(records: readonly ResultRecord[], exam: Exam): ExamineeFigures | null {
  const c = compareWithExaminees(records, exam);
  if (!c.available || c.model_accuracy === null || c.examinee_accuracy === null || c.difference === null) return null;
  return { questions: c.questions, model_accuracy: c.model_accuracy, examinee_accuracy: c.examinee_accuracy, difference: c.difference };
}

/** Finish reasons that mean the token limit cut the answer off (OpenAI-style, Anthropic, Gemini). */
const TRUNCATED = new Set(['length', 'max_tokens', 'MAX_TOKENS']);
export const isTruncated = (finishReason: string | null | undefined): boolean => finishReason != null && TRUNCATED.has(finishReason);

function behaviourOf(records: readonly ResultRecord[]): RunBehaviour {
  let truncated = 0;
  let retried = 0;
  let withFinish = 0;
  for (const r of records) {
    if (r.finish_reason != null) withFinish++;
    if (isTruncated(r.finish_reason)) truncated++;
    if ((r.attempts ?? 0) > 1) retried++;
  }
  return { truncated, retried, with_finish_reason: withFinish };
}

function whyLeftOut(examId: string, opts: CollectionOptions): string {
  return opts.exam !== undefined
    ? `a run of the ${examId}th; this viewer shows the ${opts.exam}th (--exam ${opts.exam}); drop --exam to see every exam`
    : `a run of the ${examId}th, which is not in --exams ${(opts.exams ?? []).join(',')}`;
}

export function loadCollection(dir: string, opts: CollectionOptions = {}): LoadedCollection {
  if (opts.exam !== undefined && opts.exams !== undefined) throw new UserError('use either --exam (one exam) or --exams (several), not both');
  for (const id of [...(opts.exam !== undefined ? [opts.exam] : []), ...(opts.exams ?? [])]) examEntry(id);
  const wanted = opts.exam !== undefined ? new Set([opts.exam]) : opts.exams ? new Set(opts.exams) : null;

  // Each file against its own exam; one shared loader for leaderboard, compare and viewer.
  const all = loadResultDir(dir, { dataDir: opts.dataDir, env: opts.env });
  const skipped: SkippedFile[] = all.skipped.map((s) => ({ file: basename(s.path), reason: contentFreeReason(localPathsOut(s.reason, dir, s.path)) }));
  const loaded: LoadedRun[] = [];
  for (const r of all.runs) {
    if (wanted && !wanted.has(r.exam.id)) skipped.push({ file: basename(r.path), reason: whyLeftOut(r.exam.id, opts) });
    else loaded.push(r);
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const taken = new Set<string>();
  const idByPath = new Map<string, string>();
  const groups = new Map<string, { exam: Exam; runs: LoadedRun[] }>();
  for (const r of loaded) {
    const id = runIdFromFile(basename(r.path), taken);
    taken.add(id);
    idByPath.set(r.path, id);
    let g = groups.get(r.exam.id);
    if (!g) groups.set(r.exam.id, (g = { exam: r.exam, runs: [] }));
    g.runs.push(r);
  }
  // An empty collection still has an exam to show (and `--exam` is shown even without runs).
  const must = opts.exam ?? (groups.size === 0 ? DEFAULT_EXAM : undefined);
  if (must !== undefined && !groups.has(must)) {
    groups.set(must, { exam: loadExam({ exam: must, dataDir: opts.dataDir, env: opts.env }).exam, runs: [] });
  }
  const exams = [...groups.keys()].sort(byNumber).map((id): ExamRuns => {
    const g = groups.get(id) as { exam: Exam; runs: LoadedRun[] };
    const board = rankedBoard(g.runs, (r) => idByPath.get(r.path) as string);
    return {
      exam: g.exam,
      charts: board.charts,
      runs: board.runs.map(({ run, rank, stats }) => ({
        loaded: run,
        entry: {
          id: idByPath.get(run.path) as string,
          file: basename(run.path),
          model: run.file.metadata.model,
          displayName: run.name,
          imageMode: run.file.metadata.image_mode ?? null,
          timestamp: run.file.metadata.timestamp ?? null,
          summary: run.summary,
          changed: run.changes.length,
          warnings: run.warnings.map((w) => localPathsOut(w, dir, run.path)),
          exam: run.exam.id,
          examinees: examineeFigures(run.file.results, run.exam),
          coverage: runCoverage(run),
          rank,
          verdict: verdictOf(run.summary),
          stats,
          behaviour: behaviourOf(run.file.results),
        },
      })),
    };
  });
  const defaultExam = opts.exam ?? (exams[exams.length - 1] as ExamRuns).exam.id;
  return { exams, defaultExam, skipped, loaded, idByPath };
}

export function recordView(r: ResultRecord, exam: Exam, counts: ReadonlyMap<string, { k: number; K: number }> | null = null): RecordView {
  const q = exam.byId.get(r.question_id);
  const u = r.usage;
  return {
    question_id: r.question_id,
    predicted: r.predicted,
    gold: r.gold,
    correct: r.correct,
    points: r.points ?? 0,
    earned: r.earned ?? 0,
    parse_success: r.parse_success,
    parse_source: r.parse_source ?? null,
    parse_notes: r.parse_notes ?? [],
    error: r.error ?? null,
    raw_response: r.raw_response ?? '',
    reasoning: r.reasoning ?? null,
    finish_reason: r.finish_reason ?? null,
    truncated: isTruncated(r.finish_reason),
    latency_ms: r.latency_ms ?? null,
    attempts: r.attempts ?? null,
    usage: u ? { prompt_tokens: u.prompt_tokens ?? null, completion_tokens: u.completion_tokens ?? null, reasoning_tokens: u.reasoning_tokens ?? null } : null,
    kinki: q && exam.rules.kinkiDisclosed && q.kinki !== undefined ? kinkiSelected(r, q) : null,
    ...(counts?.has(r.question_id) ? { k: counts.get(r.question_id)?.k, K: counts.get(r.question_id)?.K } : {}),
  };
}

/** A run's rescored per-question records, as the app shows them, with the examinee comparison. */
export function runPayload(run: RunSource): RunPayload {
  const { loaded } = run;
  const counts = rightCounts(loaded.file);
  return {
    id: run.entry.id,
    exam: loaded.exam.id,
    records: loaded.file.results.map((r) => recordView(r, loaded.exam, counts)),
    examinees: compareWithExaminees(loaded.file.results, loaded.exam),
  };
}
