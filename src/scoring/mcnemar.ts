import type { Exam, Question } from '../exam/types.js';
import type { ResultRecord } from '../results/schema.js';

/**
 * McNemar's exact test for two runs of one epoch on the same questions, and
 * the vectors it counts: which questions each run got right. (Repeated runs
 * are compared by `pairedDifference`, whose exact sign-flip test is this one
 * when each run has one epoch and no two discordant questions share a case.)
 */

/** Per-question vectors of one run: points and outcomes, in record order. */
export interface QuestionVectors {
  readonly ids: readonly string[];
  /** Points each question is worth. */
  readonly points: Float64Array;
  /** 1 when the run answered the question correctly, else 0. */
  readonly correct: Uint8Array;
}

/** Build the vectors of a run's (scored) records, optionally restricted to some questions; 0-point questions are left out. */
export function questionVectors(
  records: readonly Pick<ResultRecord, 'question_id' | 'correct'>[],
  exam: Pick<Exam, 'byId'>,
  include: (q: Question) => boolean = () => true,
): QuestionVectors {
  const ids: string[] = [];
  const pts: number[] = [];
  const ok: number[] = [];
  for (const r of records) {
    const q = exam.byId.get(r.question_id);
    if (!q) throw new Error(`record ${r.question_id} is not a question of this exam`);
    // Excluded from scoring (0 points): not in the summary's score or accuracy, so not here either.
    if (q.points === 0 || !include(q)) continue;
    ids.push(q.id);
    pts.push(q.points);
    ok.push(r.correct ? 1 : 0);
  }
  return { ids, points: Float64Array.from(pts), correct: Uint8Array.from(ok) };
}

/**
 * McNemar's exact test: two-sided binomial test (p = 1/2) on the discordant
 * pairs, b = only A right, c = only B right.
 * p = min(1, 2 · Σ_{k ≤ min(b,c)} C(b+c, k) / 2^(b+c)); p = 1 when b + c = 0.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`discordant counts must be non-negative integers, got ${b}, ${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let tail: number;
  if (n <= 1000) {
    // 2^-n is exact down to 2^-1074; the terms C(n, i)·2^-n are built by the recurrence.
    let term = 2 ** -n;
    tail = term;
    for (let i = 0; i < k; i++) {
      term = (term * (n - i)) / (i + 1);
      tail += term;
    }
  } else {
    // Log space for very large n, where 2^-n underflows.
    let logTerm = -n * Math.LN2;
    tail = Math.exp(logTerm);
    for (let i = 0; i < k; i++) {
      logTerm += Math.log(n - i) - Math.log(i + 1);
      tail += Math.exp(logTerm);
    }
  }
  return Math.min(1, 2 * tail);
}

export interface Discordance {
  /** Questions only A got right. */
  readonly onlyA: number;
  /** Questions only B got right. */
  readonly onlyB: number;
  readonly both: number;
  readonly neither: number;
}

export function discordance(correctA: Uint8Array, correctB: Uint8Array): Discordance {
  let onlyA = 0;
  let onlyB = 0;
  let both = 0;
  let neither = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = correctA[i] === 1;
    const b = correctB[i] === 1;
    if (a && b) both++;
    else if (a) onlyA++;
    else if (b) onlyB++;
    else neither++;
  }
  return { onlyA, onlyB, both, neither };
}
