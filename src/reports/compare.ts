import type { ImageMode } from '../exam/types.js';
import type { LoadedRun } from '../runs/collection.js';
import { computeSummary, type Summary } from '../scoring/summary.js';
import { discordance, mcnemarExact, questionVectors, type Discordance } from '../scoring/mcnemar.js';
import { epochLists } from '../results/epochs.js';
import { completeEpochs } from '../scoring/epochs.js';
import { examDesign, outcomesFromRecords, pairedDifference, type Interval, type StatsOptions } from '../stats/index.js';
import { compareWithExaminees, type ExamineeComparison } from '../scoring/examinees.js';
import { examineeLines } from './examinees.js';
import { VERDICT_LABELS, verdictOf } from '../scoring/verdict.js';
import { displayWidth, padDisplay } from '../util/width.js';
import { formatPercent, formatPointDiff, formatPValue, roundHalfEven, round4 } from '../util/round.js';

/**
 * The paired view of two runs on the same questions: each run's score and
 * pass/fail, the difference of their mean correctness over epochs with an
 * interval clustered by case and an exact sign-flip test (McNemar's exact
 * test when each run has one epoch), and the questions where they differ,
 * with k/K right for each.
 */

export interface Side {
  readonly name: string;
  readonly path: string;
  readonly model: string;
  readonly imageMode: ImageMode;
  /** Summary over the compared (shared) questions only. */
  readonly summary: Summary;
}

export interface DiscordantQuestion {
  readonly id: string;
  readonly block: string;
  readonly number: number;
  readonly points: number;
  readonly answerA: readonly string[];
  readonly answerB: readonly string[];
  readonly gold: readonly string[];
  /** Which run is right (more often, over epochs). */
  readonly right: 'A' | 'B';
  /** Epochs right of the epochs counted, for each run (1/1 or 0/1 with one epoch). */
  readonly rightA: number;
  readonly rightB: number;
  /** Share of examinees who got it right (0–1), where published. */
  readonly humanAccuracy?: number;
}

export interface Comparison {
  readonly exam: string;
  readonly examTitle: string;
  readonly datasetVersion: string;
  /** Number of shared scored questions the comparison is made on. */
  readonly questions: number;
  /** Shared questions excluded from scoring (0 points). */
  readonly excluded: number;
  readonly onlyInA: string[];
  readonly onlyInB: string[];
  readonly warnings: string[];
  readonly a: Side;
  readonly b: Side;
  /** Epochs counted for each run (those that answered every shared question). */
  readonly epochs: { readonly a: number; readonly b: number };
  readonly diff: {
    /** A − B of the mean over epochs, fractions. */
    readonly scorePct: number;
    readonly accuracy: number;
    /** Intervals from the case-clustered, block-stratified standard error. */
    readonly scoreCi: Interval;
    readonly accuracyCi: Interval;
    /** Exact sign-flip test over cases of "A and B score the same" (equals McNemar's exact test with one epoch and no cases). */
    readonly scoreP: number;
    readonly accuracyP: number;
  };
  /** McNemar's exact test on the first epoch (one epoch each); null with repeated runs (see `diff`). */
  readonly mcnemar: (Discordance & { readonly p: number }) | null;
  readonly discordant: DiscordantQuestion[];
  /** Each run against the examinees (where the exam publishes their per-question accuracy), else null. */
  readonly examinees: { readonly a: ExamineeComparison; readonly b: ExamineeComparison } | null;
}

const short = (v: string | null) => (v ? v.slice(0, 12) : 'unknown');

/** Compare two rescored runs of the same exam on the questions both answered. */
export function compareRuns(a: LoadedRun, b: LoadedRun, opts: Pick<StatsOptions, 'level'> = {}): Comparison {
  if (a.exam.id !== b.exam.id) throw new Error(`cannot compare runs of different exams (${a.exam.id}, ${b.exam.id})`);
  const exam = a.exam;
  const warnings: string[] = [];
  const idsA = new Set(a.file.results.map((r) => r.question_id));
  const idsB = new Set(b.file.results.map((r) => r.question_id));
  const shared = new Set([...idsA].filter((id) => idsB.has(id)));
  const order = new Map(exam.questions.map((q, i) => [q.id, i]));
  const byOrder = (x: string, y: string) => (order.get(x) ?? 0) - (order.get(y) ?? 0);
  const onlyInA = [...idsA].filter((id) => !idsB.has(id)).sort(byOrder);
  const onlyInB = [...idsB].filter((id) => !idsA.has(id)).sort(byOrder);

  if (a.storedDatasetVersion !== b.storedDatasetVersion) {
    warnings.push(
      `the runs were scored against different dataset versions (A: ${short(a.storedDatasetVersion)}, B: ${short(b.storedDatasetVersion)}); both are rescored against ${short(exam.version)}`,
    );
  }
  if (onlyInA.length > 0 || onlyInB.length > 0) {
    warnings.push(
      `the runs answered different questions (A: ${idsA.size}, B: ${idsB.size}); comparing on the ${shared.size} they share` +
        (onlyInA.length ? `; only in A: ${onlyInA.length}` : '') +
        (onlyInB.length ? `; only in B: ${onlyInB.length}` : ''),
    );
  }
  if (a.imageMode !== b.imageMode) warnings.push(`the runs used different image modes (A: ${a.imageMode}, B: ${b.imageMode})`);

  const recA = a.file.results.filter((r) => shared.has(r.question_id)).sort((x, y) => byOrder(x.question_id, y.question_id));
  const recB = b.file.results.filter((r) => shared.has(r.question_id)).sort((x, y) => byOrder(x.question_id, y.question_id));
  const va = questionVectors(recA, exam);
  const vb = questionVectors(recB, exam);
  // Every epoch that answered all shared questions counts: the comparison is of mean correctness per question.
  const design = examDesign(exam, va.ids);
  const epochsA = completeEpochs(epochLists(a.file), design.ids);
  const epochsB = completeEpochs(epochLists(b.file), design.ids);
  const single = epochsA.length <= 1 && epochsB.length <= 1;
  const paired =
    design.ids.length > 0 ? pairedDifference(design, outcomesFromRecords(design, exam, epochsA), outcomesFromRecords(design, exam, epochsB), opts) : null;
  const d = discordance(va.correct, vb.correct);

  const byIdA = new Map(recA.map((r) => [r.question_id, r]));
  const byIdB = new Map(recB.map((r) => [r.question_id, r]));
  const discordant: DiscordantQuestion[] = (paired?.discordant ?? []).map((x) => {
    const q = exam.byId.get(x.id);
    const ra = byIdA.get(x.id);
    const rb = byIdB.get(x.id);
    if (!q || !ra || !rb) throw new Error(`unreachable: ${x.id} is a shared question`);
    return {
      id: q.id,
      block: q.block,
      number: q.number,
      points: q.points,
      answerA: ra.predicted,
      answerB: rb.predicted,
      gold: ra.gold,
      right: x.rightA / epochsA.length > x.rightB / epochsB.length ? 'A' : 'B',
      rightA: x.rightA,
      rightB: x.rightB,
      ...(q.humanAccuracy !== undefined ? { humanAccuracy: q.humanAccuracy } : {}),
    };
  });
  const level = opts.level ?? 0.95;
  const zero: Interval = { low: 0, high: 0, level };

  const side = (run: LoadedRun, records: typeof recA): Side => ({
    name: run.name,
    path: run.path,
    model: run.file.metadata.model,
    imageMode: run.imageMode,
    summary: computeSummary(records, exam, run.summary.extraction),
  });

  const ea = compareWithExaminees(recA, exam);
  const eb = compareWithExaminees(recB, exam);
  return {
    exam: exam.id,
    examTitle: exam.rules.title,
    datasetVersion: exam.version,
    questions: va.ids.length,
    excluded: shared.size - va.ids.length,
    onlyInA,
    onlyInB,
    warnings,
    a: side(a, recA),
    b: side(b, recB),
    epochs: { a: epochsA.length, b: epochsB.length },
    diff: {
      scorePct: paired?.score.diff ?? 0,
      accuracy: paired?.accuracy.diff ?? 0,
      scoreCi: paired?.score.interval ?? zero,
      accuracyCi: paired?.accuracy.interval ?? zero,
      scoreP: paired?.score.p ?? 1,
      accuracyP: paired?.accuracy.p ?? 1,
    },
    mcnemar: single ? { ...d, p: mcnemarExact(d.onlyA, d.onlyB) } : null,
    discordant,
    examinees: ea.available && eb.available ? { a: ea, b: eb } : null,
  };
}

// ---------------------------------------------------------------- rendering

/** Percentage points with a sign: `+1.0`. */
export const fmtPoints = formatPointDiff;

/** Pass/fail lines per the exam's rules; 禁忌肢 is "unknown" where the exam does not disclose it. */
export function passLines(s: Summary): { required: string; general: string; kinki: string; overall: string } {
  const verdict = (v: boolean | null) => (v === null ? 'n/a (partial run)' : v ? 'pass' : 'fail');
  const required = `${s.required_score}/${s.required_score_max} ${verdict(s.required_pass)} (≥${s.required_pass_threshold})`;
  const general = `${s.general_score}/${s.general_score_max} ${verdict(s.general_pass)} (≥${s.general_pass_threshold})`;
  const kinki =
    s.kinki.selected === null ? 'unknown (not disclosed for this exam)' : `${s.kinki.selected} selected ${s.kinki.pass ? 'pass' : 'fail'} (≤${s.kinki.max})`;
  const overall = VERDICT_LABELS[verdictOf(s)];
  return { required, general, kinki, overall };
}

const answer = (a: readonly string[]) => (a.length ? a.join(',') : '∅');

export function comparisonText(c: Comparison): string {
  const lines: string[] = [];
  const pa = passLines(c.a.summary);
  const pb = passLines(c.b.summary);
  const sa = c.a.summary;
  const sb = c.b.summary;
  const ratio = (n: number, d: number, p: number) => `${n}/${d} (${formatPercent(p)})`;
  const rows: [string, string, string][] = [
    ['', `A: ${c.a.name}`, `B: ${c.b.name}`],
    ['file', c.a.path, c.b.path],
    ['image mode', c.a.imageMode, c.b.imageMode],
    ['score', ratio(sa.score, sa.score_max, sa.score_pct), ratio(sb.score, sb.score_max, sb.score_pct)],
    ['accuracy', ratio(sa.correct, sa.correct + sa.incorrect, sa.accuracy), ratio(sb.correct, sb.correct + sb.incorrect, sb.accuracy)],
    ['required (必修)', pa.required, pb.required],
    ['general', pa.general, pb.general],
    ['禁忌肢', pa.kinki, pb.kinki],
    ['pass/fail', pa.overall, pb.overall],
  ];
  const w0 = Math.max(...rows.map((r) => displayWidth(r[0])));
  const w1 = Math.max(...rows.map((r) => displayWidth(r[1])));
  const excluded = c.excluded ? ` (+${c.excluded} excluded from scoring)` : '';
  lines.push(`Comparing on ${c.questions} questions${excluded} of ${c.examTitle} (dataset ${c.datasetVersion.slice(0, 12)})`, '');
  for (const r of rows) lines.push(`  ${padDisplay(r[0], w0)}  ${padDisplay(r[1], w1)}  ${r[2]}`.trimEnd());
  const level = Math.round(c.diff.scoreCi.level * 100);
  const ci = (i: Interval) => `[${fmtPoints(i.low)}, ${fmtPoints(i.high)}]`;
  const repeated = c.epochs.a > 1 || c.epochs.b > 1;
  const over = repeated ? `, mean over epochs (A: ${c.epochs.a}, B: ${c.epochs.b})` : '';
  lines.push(
    '',
    `Difference A − B (percentage points${over}; ${level}% interval clustered by case; p: exact sign-flip test)`,
    `  score %    ${fmtPoints(c.diff.scorePct)}  ${ci(c.diff.scoreCi)}  p = ${formatPValue(c.diff.scoreP)}`,
    `  accuracy   ${fmtPoints(c.diff.accuracy)}  ${ci(c.diff.accuracyCi)}  p = ${formatPValue(c.diff.accuracyP)}`,
    '',
  );
  if (c.mcnemar) {
    lines.push(
      `McNemar exact test on the discordant questions: only A right ${c.mcnemar.onlyA}, only B right ${c.mcnemar.onlyB} → p = ${formatPValue(c.mcnemar.p)}`,
      `  (both right ${c.mcnemar.both}, both wrong ${c.mcnemar.neither})`,
      '',
    );
  }
  if (c.discordant.length === 0) lines.push(repeated ? 'No question where the runs were right equally often.' : 'No question where exactly one run is right.');
  else {
    lines.push(
      repeated ? `Questions where they differ, k/K right (${c.discordant.length}):` : `Questions where exactly one is right (${c.discordant.length}):`,
    );
    const human = c.examinees !== null;
    const table: string[][] = [['id', 'block', 'pts', 'A', 'B', 'gold', 'right', ...(repeated ? ['A k/K', 'B k/K'] : []), ...(human ? ['examinees'] : [])]];
    for (const q of c.discordant) {
      const h = human ? [q.humanAccuracy === undefined ? '-' : formatPercent(roundHalfEven(q.humanAccuracy, 4), 0)] : [];
      const k = repeated ? [`${q.rightA}/${c.epochs.a}`, `${q.rightB}/${c.epochs.b}`] : [];
      table.push([q.id, q.block, String(q.points), answer(q.answerA), answer(q.answerB), answer(q.gold), q.right, ...k, ...h]);
    }
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => displayWidth(r[i] ?? ''))));
    for (const r of table)
      lines.push(
        '  ' +
          r
            .map((v, i) => padDisplay(v, widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
      );
  }
  if (c.examinees) lines.push('', ...examineeLines(c.examinees.a, `A: ${c.a.name}`), ...examineeLines(c.examinees.b, `B: ${c.b.name}`));
  return lines.join('\n') + '\n';
}

function sideJson(s: Side) {
  const m = s.summary;
  return {
    name: s.name,
    path: s.path,
    model: s.model,
    image_mode: s.imageMode,
    score: m.score,
    score_max: m.score_max,
    score_pct: m.score_pct,
    correct: m.correct,
    total: m.correct + m.incorrect,
    accuracy: m.accuracy,
    required_score: m.required_score,
    required_score_max: m.required_score_max,
    required_pass: m.required_pass,
    general_score: m.general_score,
    general_score_max: m.general_score_max,
    general_pass: m.general_pass,
    /** null = unknown (the exam does not disclose its prohibited choices). */
    kinki_selected: m.kinki.selected,
    kinki_pass: m.kinki.pass,
    passed: m.passed,
  };
}

export function comparisonJson(c: Comparison) {
  return {
    exam: c.exam,
    dataset_version: c.datasetVersion,
    questions: c.questions,
    excluded: c.excluded,
    only_in_a: c.onlyInA,
    only_in_b: c.onlyInB,
    warnings: c.warnings,
    a: sideJson(c.a),
    b: sideJson(c.b),
    epochs: c.epochs,
    difference: {
      score_pct: round4(c.diff.scorePct),
      score_pct_ci: { low: round4(c.diff.scoreCi.low), high: round4(c.diff.scoreCi.high), level: c.diff.scoreCi.level },
      score_pct_p: c.diff.scoreP,
      accuracy: round4(c.diff.accuracy),
      accuracy_ci: { low: round4(c.diff.accuracyCi.low), high: round4(c.diff.accuracyCi.high), level: c.diff.accuracyCi.level },
      accuracy_p: c.diff.accuracyP,
      method:
        'mean correctness per question over epochs; interval from the standard error clustered by case and stratified by block; exact sign-flip test over cases',
    },
    mcnemar: c.mcnemar ? { only_a: c.mcnemar.onlyA, only_b: c.mcnemar.onlyB, both: c.mcnemar.both, neither: c.mcnemar.neither, p: c.mcnemar.p } : null,
    discordant: c.discordant.map((q) => ({
      id: q.id,
      block: q.block,
      points: q.points,
      answer_a: q.answerA,
      answer_b: q.answerB,
      gold: q.gold,
      right: q.right,
      right_a: `${q.rightA}/${c.epochs.a}`,
      right_b: `${q.rightB}/${c.epochs.b}`,
      examinee_accuracy: q.humanAccuracy ?? null,
    })),
    examinees: c.examinees,
  };
}
