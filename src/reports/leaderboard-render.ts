import type { Interval } from '../stats/index.js';
import { formatPercent, formatProbability, roundHalfEven, round4 } from '../util/round.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';

/**
 * The leaderboard as Markdown (the reference README's two tables, with
 * optional interval and uncertainty columns), JSON and CSV. Rows arrive built
 * and ranked (leaderboard.ts); nothing here decides an order or a verdict.
 */

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
export function cell(name: string): string {
  return name.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A row's name in a table: partial runs say so ("name (partial: 1 of 400)"). */
function rowName(r: LeaderboardRow): string {
  return r.coverage.complete ? r.name : `${r.name} (partial: ${r.coverage.answered} of ${r.coverage.total})`;
}

export interface MarkdownOptions {
  /** Add 95% interval columns for score and accuracy (needs a leaderboard built with `uncertainty`). */
  readonly ci?: boolean;
  /** Add the uncertainty columns: epochs, mean ± sd, P(pass) on a rerun and on an exam like this, rank range. */
  readonly uncertainty?: boolean;
}

function ciCell(row: LeaderboardRow, which: 'score' | 'accuracy'): string {
  return row.ci ? fmtInterval(row.ci[which]) : '-';
}

/** "1–3", or "2" when the range is one rank; "–" when not estimable (a tie with the leader is the caller's note). */
function fmtRankRange(u: LeaderboardRow['uncertainty']): string {
  if (!u || u.rankLow === null || u.rankHigh === null) return '–';
  return u.rankLow === u.rankHigh ? String(u.rankLow) : `${u.rankLow}–${u.rankHigh}`;
}

const UNCERTAINTY_HEADERS = ['Epochs', 'Mean ± SD', 'P(pass) rerun', 'P(pass) exam', 'Rank 95%'] as const;

function uncertaintyCells(r: LeaderboardRow): string[] {
  const u = r.uncertainty;
  if (!u) return UNCERTAINTY_HEADERS.map(() => '–');
  const mean = u.scoreMean === null ? '–' : u.scoreSd === null ? u.scoreMean.toFixed(1) : `${u.scoreMean.toFixed(1)} ± ${u.scoreSd.toFixed(1)}`;
  const tie = u.tiedWithLeader ? ' (tied for 1st)' : '';
  return [String(u.epochs || '–'), mean, formatProbability(u.pPassRerun), formatProbability(u.pPassExam), `${fmtRankRange(u)}${tie}`];
}

function tableMarkdown(rows: readonly LeaderboardRow[], level: number, withVision: boolean, opts: MarkdownOptions): string {
  const pct = Math.round(level * 100);
  const headers = [
    'Model',
    ...(withVision ? ['Vision'] : []),
    'Score',
    ...(opts.ci ? [`Score ${pct}% CI`] : []),
    'Accuracy',
    ...(opts.ci ? [`Accuracy ${pct}% CI`] : []),
    ...(opts.uncertainty ? UNCERTAINTY_HEADERS : []),
  ];
  const body = rows.map((r) => {
    // Only the All table carries the reference README's bold (its rule: required and general passed).
    const name = withVision && r.referenceBold ? `**${cell(rowName(r))}**` : cell(rowName(r));
    return [
      name,
      ...(withVision ? [r.imageMode === 'vision' ? '✓' : '-'] : []),
      fmtRatio(r.score, r.scoreMax, r.scorePct),
      ...(opts.ci ? [ciCell(r, 'score')] : []),
      fmtRatio(r.correct, r.total, r.accuracy),
      ...(opts.ci ? [ciCell(r, 'accuracy')] : []),
      ...(opts.uncertainty ? uncertaintyCells(r) : []),
    ];
  });
  return formatTable(headers, body);
}

/** The All table; without options exactly the reference README's. */
export function allTableMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  return tableMarkdown(lb.all, lb.uncertainty?.level ?? 0.95, true, opts);
}

/** The Text-only table; without options exactly the reference README's. */
export function textTableMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  return tableMarkdown(lb.text, lb.uncertainty?.level ?? 0.95, false, opts);
}

/** Both tables with the reference README's headings, for the terminal. */
export function leaderboardMarkdown(lb: Leaderboard, opts: MarkdownOptions = {}): string {
  const parts = [
    `### All (${lb.questions.all} Questions)`,
    '',
    allTableMarkdown(lb, opts),
    `### Text-only (${lb.questions.text} Questions)`,
    '',
    textTableMarkdown(lb, opts),
  ];
  if (opts.uncertainty) {
    parts.push(
      'Mean ± SD: points over the epochs counted. P(pass) rerun: on a rerun of this exam (needs 2+ epochs); P(pass) exam: on an exam like this one (questions resampled by case and block). Rank 95%: from resampling the same questions for every model. 禁忌肢 is part of P(pass) only where the exam discloses it. See README, "Uncertainty".',
      '',
    );
  }
  return parts.join('\n');
}

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
    score_ci: r.ci ? { low: round4(r.ci.score.low), high: round4(r.ci.score.high) } : null,
    correct: r.correct,
    total: r.total,
    accuracy: r.accuracy,
    accuracy_ci: r.ci ? { low: round4(r.ci.accuracy.low), high: round4(r.ci.accuracy.high) } : null,
    required_pass: r.requiredPass,
    general_pass: r.generalPass,
    /** null = unknown: the exam does not disclose its prohibited choices. */
    kinki_selected: r.kinkiSelected,
    passed: r.passed,
    verdict: r.verdict,
    partial: !r.coverage.complete,
    epochs: r.uncertainty ? r.uncertainty.epochs || null : null,
    score_mean: round4OrNull(r.uncertainty?.scoreMean),
    score_sd: round4OrNull(r.uncertainty?.scoreSd),
    p_pass_rerun: round4OrNull(r.uncertainty?.pPassRerun),
    p_pass_exam: round4OrNull(r.uncertainty?.pPassExam),
    p_pass_kinki_included: r.uncertainty ? r.uncertainty.kinkiIncluded : null,
    rank_low: r.uncertainty?.rankLow ?? null,
    rank_high: r.uncertainty?.rankHigh ?? null,
    tied_with_leader: r.uncertainty ? r.uncertainty.tiedWithLeader : null,
  };
}

const round4OrNull = (x: number | null | undefined) => (x === null || x === undefined ? null : round4(x));

/** Plain data for `--format json`. */
export function leaderboardJson(lb: Leaderboard, extra: { skipped?: readonly { path: string; reason: string }[] } = {}) {
  return {
    exam: lb.exam,
    exam_title: lb.examTitle,
    dataset_version: lb.datasetVersion,
    questions: lb.questions,
    uncertainty: lb.uncertainty,
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
  'verdict',
  'partial',
  'epochs',
  'score_mean',
  'score_sd',
  'p_pass_rerun',
  'p_pass_exam',
  'rank_low',
  'rank_high',
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
        j.verdict,
        j.partial,
        j.epochs,
        j.score_mean,
        j.score_sd,
        j.p_pass_rerun,
        j.p_pass_exam,
        j.rank_low,
        j.rank_high,
      ];
      lines.push(values.map(csvField).join(','));
    });
  }
  return lines.join('\n') + '\n';
}
