import type { Exam, ImageMode } from '../exam/types.js';
import type { LoadedRun } from '../runs/collection.js';
import type { Summary } from '../results/summary.js';
import { DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, type Interval, type StatsOptions } from '../stats/index.js';
import { tableUncertainty, type TableScope } from './uncertainty.js';
import { referenceBold, verdictOf, type Verdict } from '../scoring/verdict.js';
import { compareRank } from './ranking.js';

/**
 * The reference's two leaderboard tables, built from rescored runs: "All"
 * (every question; skip-mode runs excluded) and "Text-only" (the text-only
 * part of every run), ranked, with each run's uncertainty when asked for.
 * Rendering (Markdown, CSV, JSON) is leaderboard-render.ts's.
 */

export interface LeaderboardRow {
  readonly name: string;
  readonly path: string;
  readonly model: string;
  readonly imageMode: ImageMode;
  readonly score: number;
  readonly scoreMax: number;
  /** 4-decimal fraction, as the summary's `score_pct`. */
  readonly scorePct: number;
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number;
  /** The reference README's bold (required and general passed; 禁忌肢 not considered): only its All table uses it. */
  readonly referenceBold: boolean;
  /** The official verdict (scoring/verdict.ts). */
  readonly verdict: Verdict;
  readonly requiredPass: boolean | null;
  readonly generalPass: boolean | null;
  /** 禁忌肢 selected; null = unknown (not disclosed by the exam). */
  readonly kinkiSelected: number | null;
  readonly passed: boolean | null;
  /** Scored questions answered of the table's (partial runs appear only with `includePartial`, after the complete ones). */
  readonly coverage: { readonly answered: number; readonly total: number; readonly complete: boolean };
  /** 95% intervals of score % and accuracy (fractions) on exams like this one, when computed (null: partial run). */
  readonly ci?: { readonly score: Interval; readonly accuracy: Interval } | null;
  /** Repeated runs, P(pass) and rank ranges, when computed (see `RowUncertainty`). */
  readonly uncertainty?: RowUncertainty;
}

/**
 * A row's statistics (README, "Uncertainty"); null where not estimable: a
 * standard deviation or P(pass) on a rerun needs two epochs or more, anything
 * needs a run that answered all of the table's questions.
 */
export interface RowUncertainty {
  /** Epochs counted (those that answered every question of the table). */
  readonly epochs: number;
  /** Points over epochs, on the table's questions. */
  readonly scoreMean: number | null;
  readonly scoreSd: number | null;
  /** P(pass) on a rerun of this exam (sampling), and on an exam like this one (questions resampled). */
  readonly pPassRerun: number | null;
  readonly pPassExam: number | null;
  /** Whether 禁忌肢 is part of P(pass) (false: not disclosed, required and general only). */
  readonly kinkiIncluded: boolean;
  /** 95% interval of the rank, from joint resampling of the same questions for every row. */
  readonly rankLow: number | null;
  readonly rankHigh: number | null;
  /** Not the leader, and its rank range overlaps the leader's: the data cannot tell them apart. */
  readonly tiedWithLeader: boolean;
}

export interface Leaderboard {
  readonly exam: string;
  readonly examTitle: string;
  readonly datasetVersion: string;
  /** Scored question counts of the exam (all / text-only), for headings and chart legends. */
  readonly questions: { readonly all: number; readonly text: number };
  readonly all: LeaderboardRow[];
  readonly text: LeaderboardRow[];
  /** Human-readable notes, e.g. duplicate names collapsed to the best run. */
  readonly notes: string[];
  /** The resampling behind the rows' `ci` and `uncertainty`, when computed. */
  readonly uncertainty: { readonly resamples: number; readonly seed: number; readonly level: number } | null;
}

export interface BuildOptions {
  /** Compute intervals, P(pass) and rank ranges (false = skip). */
  readonly uncertainty?: boolean | StatsOptions;
  /** Keep runs that did not answer every scored question (default: left out with a note). */
  readonly includePartial?: boolean;
}

/** The summary fields a run's figures on a table come from. */
export type TableSummary = Pick<
  Summary,
  'score' | 'score_max' | 'score_pct' | 'correct' | 'incorrect' | 'accuracy' | 'text_only_score' | 'text_only_score_max' | 'text_only_score_pct' | 'by_image'
>;

/**
 * A run's score and accuracy on a table: the whole run on the All table, its
 * text-only part on the Text-only one (for a skip-mode run, the whole run:
 * it answered only those). The leaderboard's rows and the README row a run
 * adds (readme.ts) both take them from here.
 */
export function tableFigures(s: TableSummary, imageMode: ImageMode, table: TableScope) {
  if (table === 'all' || imageMode === 'skip') {
    return { score: s.score, scoreMax: s.score_max, scorePct: s.score_pct, correct: s.correct, total: s.correct + s.incorrect, accuracy: s.accuracy };
  }
  const t = s.by_image['text_only'] ?? { correct: 0, total: 0, accuracy: 0 };
  return {
    score: s.text_only_score,
    scoreMax: s.text_only_score_max,
    scorePct: s.text_only_score_pct,
    correct: t.correct,
    total: t.total,
    accuracy: t.accuracy,
  };
}

/** A run's row on a table; the verdict and its parts are the whole run's on both (the official verdict is the whole run's). */
function tableRow(run: LoadedRun, table: TableScope): LeaderboardRow {
  const s = run.summary;
  return {
    name: run.name,
    path: run.path,
    model: run.file.metadata.model,
    imageMode: run.imageMode,
    ...tableFigures(s, run.imageMode, table),
    // The reference README's bold is its All table's only.
    referenceBold: table === 'all' && referenceBold(s),
    verdict: verdictOf(s),
    coverage: runCoverage(run),
    requiredPass: s.required_pass,
    generalPass: s.general_pass,
    kinkiSelected: s.kinki.selected,
    passed: s.passed,
  };
}

const allRow = (run: LoadedRun) => tableRow(run, 'all');
const textRow = (run: LoadedRun) => tableRow(run, 'text');

/** Best first: the one ranking (reports/ranking.ts): complete runs before partial ones, then score %, accuracy, file order. */
function better(a: LeaderboardRow, b: LeaderboardRow): number {
  const key = (r: LeaderboardRow) => ({ complete: r.coverage.complete, scorePct: r.scorePct, accuracy: r.accuracy, path: r.path });
  return compareRank(key(a), key(b));
}

function dedupe(rows: LeaderboardRow[], table: string, notes: string[]): LeaderboardRow[] {
  const byName = new Map<string, LeaderboardRow[]>();
  for (const r of rows) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  const kept: LeaderboardRow[] = [];
  for (const [name, list] of byName) {
    list.sort(better);
    const best = list[0] as LeaderboardRow;
    kept.push(best);
    if (list.length > 1) {
      const others = list
        .slice(1)
        .map((r) => r.path)
        .join(', ');
      notes.push(`${table} table: "${name}" appears in ${list.length} runs; kept the best (${best.path}), left out ${others}`);
    }
  }
  return kept.sort(better);
}

/**
 * How much of the exam a run answered: scored questions with a record, against
 * the exam's scored questions (its text-only ones for a skip-mode run).
 */
export function runCoverage(run: Pick<LoadedRun, 'summary' | 'exam' | 'imageMode'>): { answered: number; total: number; complete: boolean } {
  const counts = scoredQuestionCounts(run.exam);
  const total = run.imageMode === 'skip' ? counts.text : counts.all;
  const answered = run.summary.correct + run.summary.incorrect;
  return { answered, total, complete: answered >= total };
}

/** Scored questions of an exam, all and text-only (0-point ones are excluded from scoring, as in the summary). */
export function scoredQuestionCounts(exam: Pick<Exam, 'questions'>): { all: number; text: number } {
  const scored = exam.questions.filter((q) => q.points > 0);
  return { all: scored.length, text: scored.filter((q) => !q.requiresImage).length };
}

/**
 * Build both tables. All runs must be of the same exam (see `loadResultDir`).
 * Every number comes from the rescored summary; nothing stored is trusted.
 */
export function buildLeaderboard(runs: readonly LoadedRun[], opts: BuildOptions = {}): Leaderboard {
  const first = runs[0];
  if (!first) throw new Error('buildLeaderboard needs at least one run');
  const exam = first.exam;
  for (const r of runs) {
    if (r.exam.id !== exam.id) throw new Error(`runs of different exams (${exam.id}, ${r.exam.id}) cannot share a leaderboard`);
  }
  const stats: StatsOptions | null = opts.uncertainty ? (opts.uncertainty === true ? {} : opts.uncertainty) : null;
  const notes: string[] = [];
  // A run that did not answer every question (interrupted, --blocks, --questions) is not comparable on a
  // table of the whole exam: a high percentage over a few questions would outrank complete runs.
  const comparable = opts.includePartial
    ? runs
    : runs.filter((r) => {
        const c = runCoverage(r);
        if (!c.complete) notes.push(`${r.path}: "${r.name}" answered ${c.answered} of ${c.total} scored questions; left out (--include-partial shows it)`);
        return c.complete;
      });
  const byPath = new Map(runs.map((r) => [r.path, r]));
  const all = withUncertainty(dedupe(comparable.filter((r) => r.imageMode !== 'skip').map(allRow), 'All', notes), 'all', byPath, stats);
  const text = withUncertainty(dedupe(comparable.map(textRow), 'Text-only', notes), 'text', byPath, stats);
  return {
    exam: exam.id,
    examTitle: exam.rules.title,
    datasetVersion: exam.version,
    questions: scoredQuestionCounts(exam),
    all,
    text,
    notes,
    uncertainty: stats ? { resamples: stats.resamples ?? DEFAULT_RESAMPLES, seed: stats.seed ?? DEFAULT_SEED, level: stats.level ?? DEFAULT_LEVEL } : null,
  };
}

/**
 * The rows' statistics, for the rows shown (after duplicates are collapsed):
 * every row resampled on the same questions, so rank ranges are paired. A
 * skip-mode run in the text table is over the text-only questions like the rest.
 */
function withUncertainty(rows: LeaderboardRow[], scope: TableScope, byPath: ReadonlyMap<string, LoadedRun>, stats: StatsOptions | null): LeaderboardRow[] {
  if (!stats || rows.length === 0) return rows;
  const runs = rows.map((r) => byPath.get(r.path) as LoadedRun);
  const t = tableUncertainty(runs, scope, stats);
  return rows.map((row, i) => {
    const u = t.runs[i] ?? null;
    const rank = t.ranks.get(i);
    const sd = u?.epochStats.score.sd ?? null;
    return {
      ...row,
      ci: u ? { score: u.score.interval, accuracy: u.accuracy.interval } : null,
      uncertainty: {
        epochs: u?.epochs ?? 0,
        scoreMean: u ? u.epochStats.score.mean : null,
        scoreSd: sd,
        pPassRerun: u?.passRerun.p ?? null,
        pPassExam: u?.passExam.p ?? null,
        kinkiIncluded: u?.passExam.kinkiIncluded ?? false,
        rankLow: rank?.low ?? null,
        rankHigh: rank?.high ?? null,
        tiedWithLeader: rank?.tiedWithLeader ?? false,
      },
    };
  });
}
