import type { ExamDesign } from './design.js';
import { officialScore, type OfficialScore } from './official.js';
import { checkOutcomes, correctCounts, type RunOutcomes } from './outcomes.js';

/**
 * What a run did over its K epochs (issue 11 §2): the official score of each
 * epoch, their spread, the majority-vote score, k/K per question, and the
 * share of epochs that pass. Descriptive only: no resampling here.
 */

/** Mean, standard deviation (n − 1; null with one epoch), min and max of a quantity over epochs. */
export interface Spread {
  readonly mean: number;
  readonly sd: number | null;
  readonly min: number;
  readonly max: number;
}

export interface EpochStats {
  readonly epochs: number;
  /** The official score of each epoch, in epoch order. */
  readonly perEpoch: readonly OfficialScore[];
  /** Points over epochs. */
  readonly score: Spread;
  readonly required: Spread;
  readonly general: Spread;
  /** Questions right over epochs. */
  readonly correct: Spread;
  /** The majority-vote answers' official score (`majorityVote`); null when the outcomes carry no answers. */
  readonly majority: OfficialScore | null;
  /** Per question (design order), epochs right: k of `epochs`. */
  readonly correctCounts: Uint16Array;
  /**
   * Share of epochs that pass every criterion that can be judged (禁忌肢
   * counts only where disclosed: see `kinkiKnown`); null when the design does
   * not cover both parts.
   */
  readonly passShare: number | null;
  /** Whether 禁忌肢 is part of `passShare` (false: unknown, not disclosed). */
  readonly kinkiKnown: boolean;
}

export function spread(values: readonly number[]): Spread {
  const k = values.length;
  if (k === 0) throw new RangeError('spread of no values');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / k;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, sd: k > 1 ? Math.sqrt(ss / (k - 1)) : null, min, max };
}

/**
 * Majority vote over epochs, per question: the most frequent parsed answer.
 * - A tie goes to the tied answer given first (lowest epoch): neutral between
 *   right and wrong, and with two epochs the vote is epoch 1.
 * - No answer (unparsed, failed request) abstains; a question where no epoch
 *   has a parsed answer keeps epoch 1's outcome (wrong, unless the question
 *   counts as right for everyone).
 * Returns, per question, the epoch whose answer was chosen (its correctness
 * and 禁忌肢 are the vote's); null without answers.
 */
export function majorityEpochs(design: ExamDesign, o: RunOutcomes): Int32Array | null {
  if (!o.answers) return null;
  const n = design.ids.length;
  const K = o.epochs;
  const chosen = new Int32Array(n);
  const counts = new Map<string, { count: number; first: number }>();
  for (let i = 0; i < n; i++) {
    counts.clear();
    let best: { count: number; first: number } | null = null;
    for (let e = 0; e < K; e++) {
      const a = o.answers[e * n + i] ?? null;
      if (a === null) continue;
      let c = counts.get(a);
      if (!c) {
        c = { count: 0, first: e };
        counts.set(a, c);
      }
      c.count++;
      if (!best || c.count > best.count || (c.count === best.count && c.first < best.first)) best = c;
    }
    chosen[i] = best ? best.first : 0;
  }
  return chosen;
}

/** The official score of the majority-vote answers; null when the outcomes carry no answers. */
export function majorityVote(design: ExamDesign, o: RunOutcomes): OfficialScore | null {
  const chosen = majorityEpochs(design, o);
  if (!chosen) return null;
  const n = design.ids.length;
  const correct = new Uint8Array(n);
  const kinki = o.kinki ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    const k = (chosen[i] as number) * n + i;
    correct[i] = o.correct[k] as number;
    if (kinki && o.kinki) kinki[i] = o.kinki[k] as number;
  }
  return officialScore(design, correct, kinki);
}

export function epochStats(design: ExamDesign, o: RunOutcomes): EpochStats {
  checkOutcomes(design, o);
  const n = design.ids.length;
  const perEpoch: OfficialScore[] = [];
  for (let e = 0; e < o.epochs; e++) perEpoch.push(officialScore(design, o.correct, o.kinki, e * n));
  const judged = perEpoch.map((s) => s.passesKnown);
  const passShare = judged.includes(null) ? null : judged.filter(Boolean).length / o.epochs;
  return {
    epochs: o.epochs,
    perEpoch,
    score: spread(perEpoch.map((s) => s.score)),
    required: spread(perEpoch.map((s) => s.required)),
    general: spread(perEpoch.map((s) => s.general)),
    correct: spread(perEpoch.map((s) => s.correct)),
    majority: majorityVote(design, o),
    correctCounts: correctCounts(design, o),
    passShare,
    kinkiKnown: design.kinkiKnown,
  };
}
