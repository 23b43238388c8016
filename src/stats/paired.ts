import type { ExamDesign } from './design.js';
import { holmAdjust } from './holm.js';
import { DEFAULT_LEVEL, type Interval, type StatsOptions } from './options.js';
import { checkOutcomes, correctCounts, type RunOutcomes } from './outcomes.js';
import { signFlipTest } from './signflip.js';
import { zFor } from './special.js';
import { designVariance } from './variance.js';

/**
 * Two runs on the same questions, paired per question on their mean
 * correctness over epochs (k/K; the runs may have different K):
 * - the difference A − B of score % and of accuracy, with a clustered,
 *   stratified standard error and the interval diff ± z·se (Miller 2024 §4:
 *   pairing removes the between-question variance both runs share);
 * - a p-value from the exact sign-flip test on serial-case differences (with
 *   one epoch and equal weights: McNemar's exact test);
 * - the questions where their k/K differ.
 */
export interface DifferenceEstimate {
  /** A − B, a fraction (−1…1). */
  readonly diff: number;
  readonly se: number;
  readonly interval: Interval;
  /** Two-sided p-value of the exact sign-flip test. */
  readonly p: number;
}

export interface DiscordantQuestion {
  /** Position in the design. */
  readonly position: number;
  readonly id: string;
  /** Epochs right, of `PairedDifference.epochs.a` / `.b`. */
  readonly rightA: number;
  readonly rightB: number;
}

export interface PairedDifference {
  readonly questions: number;
  readonly epochs: { readonly a: number; readonly b: number };
  /** Score % (points). */
  readonly score: DifferenceEstimate;
  /** Accuracy (questions). */
  readonly accuracy: DifferenceEstimate;
  /** Questions where k_A/K_A ≠ k_B/K_B, in exam order. */
  readonly discordant: readonly DiscordantQuestion[];
}

function gcd(x: number, y: number): number {
  while (y) [x, y] = [y, x % y];
  return x;
}

/** Per-question differences of mean correctness, and the same in whole units (× lcm of the epochs) for the exact test. */
function differences(design: ExamDesign, a: RunOutcomes, b: RunOutcomes) {
  const ka = correctCounts(design, a);
  const kb = correctCounts(design, b);
  const L = (a.epochs * b.epochs) / gcd(a.epochs, b.epochs);
  const n = design.ids.length;
  const d = new Float64Array(n);
  const units = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    units[i] = ((ka[i] as number) * L) / a.epochs - ((kb[i] as number) * L) / b.epochs;
    d[i] = (units[i] as number) / L;
  }
  return { ka, kb, d, units };
}

/** Sum integer per-question units within each serial case (the unit the sign flips act on). */
function caseSums(design: ExamDesign, units: Int32Array, weight: 'points' | 'questions'): Float64Array {
  const out = new Float64Array(design.clusterCount);
  for (let i = 0; i < units.length; i++) {
    const c = design.cluster[i] as number;
    out[c] = (out[c] as number) + (weight === 'points' ? (design.points[i] as number) : 1) * (units[i] as number);
  }
  return out;
}

function estimate(design: ExamDesign, d: Float64Array, units: Int32Array, weight: 'points' | 'questions', level: number): DifferenceEstimate {
  let num = 0;
  let den = 0;
  for (let i = 0; i < d.length; i++) {
    const w = weight === 'points' ? (design.points[i] as number) : 1;
    num += w * (d[i] as number);
    den += w;
  }
  const diff = den > 0 ? num / den : 0;
  const se = Math.sqrt(designVariance(design, d, weight));
  const z = zFor(level);
  return {
    diff,
    se,
    interval: { low: Math.max(-1, diff - z * se), high: Math.min(1, diff + z * se), level },
    p: signFlipTest(caseSums(design, units, weight)),
  };
}

/** Compare run A with run B on the design (same questions; any numbers of epochs). */
export function pairedDifference(design: ExamDesign, a: RunOutcomes, b: RunOutcomes, opts: Pick<StatsOptions, 'level'> = {}): PairedDifference {
  const level = opts.level ?? DEFAULT_LEVEL;
  checkOutcomes(design, a);
  checkOutcomes(design, b);
  const { ka, kb, d, units } = differences(design, a, b);
  const discordant: DiscordantQuestion[] = [];
  for (let i = 0; i < d.length; i++) {
    if (units[i] !== 0) discordant.push({ position: i, id: design.ids[i] as string, rightA: ka[i] as number, rightB: kb[i] as number });
  }
  return {
    questions: design.ids.length,
    epochs: { a: a.epochs, b: b.epochs },
    score: estimate(design, d, units, 'points', level),
    accuracy: estimate(design, d, units, 'questions', level),
    discordant,
  };
}

export interface PairTest {
  /** Indices into the runs given. */
  readonly a: number;
  readonly b: number;
  /** Score % A − B (fraction). */
  readonly diff: number;
  /** Exact sign-flip p-value on score differences. */
  readonly p: number;
  /** Holm-adjusted over the pairs tested together. */
  readonly pHolm: number;
}

/**
 * Paired tests of score % for several pairs of runs on one design, with
 * Holm's correction over those pairs (default: every pair, i < j). Reject
 * "same score" for a pair at α where `pHolm` ≤ α: the chance of any false
 * rejection among them stays ≤ α.
 */
export function pairwiseTests(design: ExamDesign, runs: readonly RunOutcomes[], pairs?: readonly (readonly [number, number])[]): PairTest[] {
  for (const r of runs) checkOutcomes(design, r);
  const list: (readonly [number, number])[] = pairs ? [...pairs] : [];
  if (!pairs) for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) list.push([i, j]);
  const counts = runs.map((r) => correctCounts(design, r));
  const total = design.requiredMax + design.generalMax;
  const raw = list.map(([i, j]) => {
    const A = runs[i];
    const B = runs[j];
    if (!A || !B) throw new RangeError(`pair (${i}, ${j}) is out of range for ${runs.length} runs`);
    const L = (A.epochs * B.epochs) / gcd(A.epochs, B.epochs);
    const ka = counts[i] as Uint16Array;
    const kb = counts[j] as Uint16Array;
    const sums = new Float64Array(design.clusterCount);
    let diff = 0;
    for (let q = 0; q < ka.length; q++) {
      const u = ((ka[q] as number) * L) / A.epochs - ((kb[q] as number) * L) / B.epochs;
      if (u === 0) continue;
      const w = (design.points[q] as number) * u;
      const c = design.cluster[q] as number;
      sums[c] = (sums[c] as number) + w;
      diff += w / L;
    }
    return { a: i, b: j, diff: diff / total, p: signFlipTest(sums) };
  });
  const adjusted = holmAdjust(raw.map((r) => r.p));
  return raw.map((r, k) => ({ ...r, pHolm: adjusted[k] as number }));
}
