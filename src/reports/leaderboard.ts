import type { Exam, ImageMode } from '../exam/types.js';
import type { LoadedRun } from '../results/collection.js';
import { bootstrapRun, questionVectors, DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, type BootstrapOptions, type Interval } from '../scoring/stats.js';
import { formatPercent, roundHalfEven } from '../util/round.js';
import { referenceBold, verdictOf, type Verdict } from '../scoring/verdict.js';
import { compareRank } from './ranking.js';

/**
 * The reference's two leaderboard tables, built from rescored runs:
 * "All" (every question; skip-mode runs excluded) and "Text-only" (the
 * text-only part of every run). Rendering to Markdown, CSV and JSON.
 */

export type TableId = 'all' | 'text';

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
  /** Bootstrap intervals (fractions), when computed. */
  readonly ci?: { readonly score: Interval; readonly accuracy: Interval };
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
  readonly ci: { readonly resamples: number; readonly seed: number; readonly level: number } | null;
}

export interface BuildOptions {
  /** Compute bootstrap intervals (false = skip; they take ~10 ms per run and table). */
  readonly ci?: boolean | BootstrapOptions;
  /** Keep runs that did not answer every scored question (default: left out with a note). */
  readonly includePartial?: boolean;
}

function allRow(run: LoadedRun, ci: BootstrapOptions | null): LeaderboardRow {
  const s = run.summary;
  return {
    name: run.name,
    path: run.path,
    model: run.file.metadata.model,
    imageMode: run.imageMode,
    score: s.score,
    scoreMax: s.score_max,
    scorePct: s.score_pct,
    correct: s.correct,
    total: s.correct + s.incorrect,
    accuracy: s.accuracy,
    referenceBold: referenceBold(s),
    verdict: verdictOf(s),
    requiredPass: s.required_pass,
    generalPass: s.general_pass,
    kinkiSelected: s.kinki.selected,
    passed: s.passed,
    ...(ci ? { ci: bootstrapRun(questionVectors(run.file.results, run.exam), ci) } : {}),
  };
}

function textRow(run: LoadedRun, ci: BootstrapOptions | null): LeaderboardRow {
  const s = run.summary;
  const whole = run.imageMode === 'skip';
  const t = s.by_image['text_only'] ?? { correct: 0, total: 0, accuracy: 0 };
  const include = whole ? () => true : (q: { requiresImage: boolean }) => !q.requiresImage;
  return {
    name: run.name,
    path: run.path,
    model: run.file.metadata.model,
    imageMode: run.imageMode,
    score: whole ? s.score : s.text_only_score,
    scoreMax: whole ? s.score_max : s.text_only_score_max,
    scorePct: whole ? s.score_pct : s.text_only_score_pct,
    correct: whole ? s.correct : t.correct,
    total: whole ? s.correct + s.incorrect : t.total,
    accuracy: whole ? s.accuracy : t.accuracy,
    referenceBold: false,
    verdict: verdictOf(s),
    requiredPass: s.required_pass,
    generalPass: s.general_pass,
    kinkiSelected: s.kinki.selected,
    passed: s.passed,
    ...(ci ? { ci: bootstrapRun(questionVectors(run.file.results, run.exam, include), ci) } : {}),
  };
}

/** Best first: the one ranking (reports/ranking.ts): score %, then accuracy, then file order. */
function better(a: LeaderboardRow, b: LeaderboardRow): number {
  return compareRank(a, b);
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
  const ci: BootstrapOptions | null = opts.ci ? (opts.ci === true ? {} : opts.ci) : null;
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
  const all = dedupe(
    comparable.filter((r) => r.imageMode !== 'skip').map((r) => allRow(r, ci)),
    'All',
    notes,
  );
  const text = dedupe(
    comparable.map((r) => textRow(r, ci)),
    'Text-only',
    notes,
  );
  return {
    exam: exam.id,
    examTitle: exam.rules.title,
    datasetVersion: exam.version,
    questions: scoredQuestionCounts(exam),
    all,
    text,
    notes,
    ci: ci ? { resamples: ci.resamples ?? DEFAULT_RESAMPLES, seed: ci.seed ?? DEFAULT_SEED, level: ci.level ?? DEFAULT_LEVEL } : null,
  };
}

// ---------------------------------------------------------------- rendering

export const ALL_HEADERS = ['Model', 'Vision', 'Score', 'Accuracy'] as const;
export const TEXT_HEADERS = ['Model', 'Score', 'Accuracy'] as const;

/** `493/500 (98.6%)`: the percent is Python's `f"{pct:.1%}"` of the 4-decimal fraction. */
export function fmtRatio(num: number, den: number, pct: number): string {
  return `${num}/${den} (${formatPercent(pct)})`;
}

/** `[97.6%, 99.4%]` */
export function fmtInterval(i: Interval): string {
  return `[${formatPercent(roundHalfEven(i.low, 4))}, ${formatPercent(roundHalfEven(i.high, 4))}]`;
}

/** The reference's `_format_table`; ends with a newline. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const sep = headers.map((h) => '-'.repeat(Math.max(h.length, 4))).join('|');
  const lines = [`| ${headers.join(' | ')} |`, `|${sep}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** A name in a Markdown table cell: pipes and line breaks would break the row. */
function cell(name: string): string {
  return name.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export interface MarkdownOptions {
  /** Add 95% CI columns (needs a leaderboard built with `ci`). */
  readonly ci?: boolean;
}

function ciCell(row: LeaderboardRow, which: 'score' | 'accuracy'): string {
  return row.ci ? fmtInterval(row.ci[which]) : '-';
}

export function allTableMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  const pct = Math.round((lb.ci?.level ?? 0.95) * 100);
  const headers = opts.ci ? ['Model', 'Vision', 'Score', `Score ${pct}% CI`, 'Accuracy', `Accuracy ${pct}% CI`] : [...ALL_HEADERS];
  const rows = lb.all.map((r) => {
    const name = r.referenceBold ? `**${cell(r.name)}**` : cell(r.name);
    const vision = r.imageMode === 'vision' ? '✓' : '-';
    const score = fmtRatio(r.score, r.scoreMax, r.scorePct);
    const acc = fmtRatio(r.correct, r.total, r.accuracy);
    return opts.ci ? [name, vision, score, ciCell(r, 'score'), acc, ciCell(r, 'accuracy')] : [name, vision, score, acc];
  });
  return formatTable(headers, rows);
}

export function textTableMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  const pct = Math.round((lb.ci?.level ?? 0.95) * 100);
  const headers = opts.ci ? ['Model', 'Score', `Score ${pct}% CI`, 'Accuracy', `Accuracy ${pct}% CI`] : [...TEXT_HEADERS];
  const rows = lb.text.map((r) => {
    const score = fmtRatio(r.score, r.scoreMax, r.scorePct);
    const acc = fmtRatio(r.correct, r.total, r.accuracy);
    return opts.ci ? [cell(r.name), score, ciCell(r, 'score'), acc, ciCell(r, 'accuracy')] : [cell(r.name), score, acc];
  });
  return formatTable(headers, rows);
}

/** Both tables with the reference README's headings, for the terminal. */
export function leaderboardMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  return [
    `### All (${lb.questions.all} Questions)`,
    '',
    allTableMarkdown(lb, opts),
    `### Text-only (${lb.questions.text} Questions)`,
    '',
    textTableMarkdown(lb, opts),
  ].join('\n');
}

const r4 = (x: number) => roundHalfEven(x, 4);

function rowJson(r: LeaderboardRow, rank: number) {
  return {
    rank,
    name: r.name,
    model: r.model,
    path: r.path,
    image_mode: r.imageMode,
    score: r.score,
    score_max: r.scoreMax,
    score_pct: r.scorePct,
    score_ci: r.ci ? { low: r4(r.ci.score.low), high: r4(r.ci.score.high) } : null,
    correct: r.correct,
    total: r.total,
    accuracy: r.accuracy,
    accuracy_ci: r.ci ? { low: r4(r.ci.accuracy.low), high: r4(r.ci.accuracy.high) } : null,
    required_pass: r.requiredPass,
    general_pass: r.generalPass,
    /** null = unknown: the exam does not disclose its prohibited choices. */
    kinki_selected: r.kinkiSelected,
    passed: r.passed,
  };
}

/** Plain data for `--format json`. */
export function leaderboardJson(lb: Leaderboard, extra: { skipped?: readonly { path: string; reason: string }[] } = {}) {
  return {
    exam: lb.exam,
    exam_title: lb.examTitle,
    dataset_version: lb.datasetVersion,
    questions: lb.questions,
    ci: lb.ci,
    all: lb.all.map((r, i) => rowJson(r, i + 1)),
    text_only: lb.text.map((r, i) => rowJson(r, i + 1)),
    notes: lb.notes,
    skipped: extra.skipped ?? [],
  };
}

function csvField(v: string | number | boolean | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'table',
  'rank',
  'name',
  'model',
  'path',
  'image_mode',
  'score',
  'score_max',
  'score_pct',
  'score_ci_low',
  'score_ci_high',
  'correct',
  'total',
  'accuracy',
  'accuracy_ci_low',
  'accuracy_ci_high',
  'required_pass',
  'general_pass',
  'kinki_selected',
  'passed',
] as const;

/** One CSV with both tables (`table` = all | text_only); empty cell = unknown / not computed. */
export function leaderboardCsv(lb: Leaderboard): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const [table, rows] of [
    ['all', lb.all],
    ['text_only', lb.text],
  ] as const) {
    rows.forEach((r, i) => {
      const j = rowJson(r, i + 1);
      const values = [
        table,
        j.rank,
        j.name,
        j.model,
        j.path,
        j.image_mode,
        j.score,
        j.score_max,
        j.score_pct,
        j.score_ci?.low,
        j.score_ci?.high,
        j.correct,
        j.total,
        j.accuracy,
        j.accuracy_ci?.low,
        j.accuracy_ci?.high,
        j.required_pass,
        j.general_pass,
        j.kinki_selected,
        j.passed,
      ];
      lines.push(values.map(csvField).join(','));
    });
  }
  return lines.join('\n') + '\n';
}
