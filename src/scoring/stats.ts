import { mulberry32 } from '../util/prng.js';
import type { Exam, Question } from '../exam/types.js';
import type { ResultRecord } from '../results/schema.js';

/**
 * Statistics over questions: bootstrap confidence intervals for a run's score %
 * and accuracy, a paired bootstrap for the difference between two runs, and
 * McNemar's exact test. Pure functions; every random draw comes from a seeded
 * PRNG, so the same input always gives the same interval.
 *
 * Score % and accuracy are fractions (0–1) throughout, like the summary's
 * `score_pct` and `accuracy`.
 */

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_SEED = 20260207; // the first day of the 120th exam
export const DEFAULT_LEVEL = 0.95;

export interface Interval {
  readonly low: number;
  readonly high: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

export interface BootstrapOptions {
  /** Number of bootstrap resamples (default 10,000). */
  readonly resamples?: number;
  readonly seed?: number;
  readonly level?: number;
}

/** Per-question vectors of one run: the only input the bootstrap needs. */
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

/** Linear-interpolation quantile (numpy's default) of an ascending array. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

function percentileInterval(samples: Float64Array, level: number): Interval {
  samples.sort();
  const alpha = Math.round(((1 - level) / 2) * 1e12) / 1e12; // 0.025, not 0.025000000000000022
  return { low: quantile(samples, alpha), high: quantile(samples, 1 - alpha), level };
}

function options(opts: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, got ${level}`);
  return { resamples, seed: opts.seed ?? DEFAULT_SEED, level };
}

const ratio = (num: number, den: number) => (den > 0 ? num / den : 0);

export interface RunIntervals {
  /** Interval for score % (points earned / points available). */
  readonly score: Interval;
  /** Interval for accuracy (questions correct / questions). */
  readonly accuracy: Interval;
  readonly resamples: number;
  readonly seed: number;
}

/**
 * The resampling plan for n questions: how often each position is drawn in
 * each resample, column-major (`counts[j * resamples + b]`). It depends only
 * on (n, resamples, seed), so every run with n questions shares it: a run's
 * statistics then only need the positions where it was wrong (or where two
 * runs differ), which makes 10,000 resamples cheap for strong models.
 * Results equal drawing indices directly (all sums are exact integers).
 */
interface Plan {
  readonly n: number;
  readonly resamples: number;
  readonly counts: Uint16Array | Uint32Array;
  /** Points drawn per resample, by points vector (usually one or two distinct vectors). */
  readonly totals: Map<string, Float64Array>;
}

const PLAN_CACHE_SIZE = 4;
const plans = new Map<string, Plan>();

function plan(n: number, resamples: number, seed: number): Plan {
  const key = `${n}:${resamples}:${seed}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const counts = n <= 0xffff ? new Uint16Array(n * resamples) : new Uint32Array(n * resamples);
  const rand = mulberry32(seed);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = (rand() * n) | 0;
      const k = j * resamples + b;
      counts[k] = (counts[k] as number) + 1;
    }
  }
  const p: Plan = { n, resamples, counts, totals: new Map() };
  if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value as string);
  plans.set(key, p);
  return p;
}

/** Total points drawn in each resample for this points vector (cached per vector). */
function pointTotals(p: Plan, points: Float64Array): Float64Array {
  const key = points.join(',');
  const hit = p.totals.get(key);
  if (hit) return hit;
  const B = p.resamples;
  const totals = new Float64Array(B);
  for (let j = 0; j < p.n; j++) {
    const pts = points[j] as number;
    if (pts === 0) continue;
    const base = j * B;
    for (let b = 0; b < B; b++) totals[b] = (totals[b] as number) + pts * (p.counts[base + b] as number);
  }
  if (p.totals.size >= 8) p.totals.clear();
  p.totals.set(key, totals);
  return totals;
}

/**
 * Percentile bootstrap over questions: draw n questions with replacement (each
 * with its points and outcome) and recompute score % and accuracy.
 */
export function bootstrapRun(v: QuestionVectors, opts: BootstrapOptions = {}): RunIntervals {
  const { resamples, seed, level } = options(opts);
  const n = v.points.length;
  const scores = new Float64Array(resamples);
  const accs = new Float64Array(resamples);
  if (n > 0) {
    const p = plan(n, resamples, seed);
    const totals = pointTotals(p, v.points);
    // Points and questions lost, per resample: only the wrong positions contribute.
    const lost = new Float64Array(resamples);
    const wrong = new Float64Array(resamples);
    for (let j = 0; j < n; j++) {
      if (v.correct[j] === 1) continue;
      const pts = v.points[j] as number;
      const base = j * resamples;
      for (let b = 0; b < resamples; b++) {
        const c = p.counts[base + b] as number;
        lost[b] = (lost[b] as number) + pts * c;
        wrong[b] = (wrong[b] as number) + c;
      }
    }
    for (let b = 0; b < resamples; b++) {
      const max = totals[b] as number;
      scores[b] = ratio(max - (lost[b] as number), max);
      accs[b] = (n - (wrong[b] as number)) / n;
    }
  }
  return { score: percentileInterval(scores, level), accuracy: percentileInterval(accs, level), resamples, seed };
}

export interface PairedIntervals extends RunIntervals {
  /** Observed difference A − B of score %. */
  readonly scoreDiff: number;
  /** Observed difference A − B of accuracy. */
  readonly accuracyDiff: number;
}

/**
 * Paired bootstrap for A − B on the same questions: each resample draws
 * questions with replacement and takes both runs' outcomes on them, so the
 * interval reflects only the questions where the runs disagree.
 */
export function pairedBootstrap(points: Float64Array, correctA: Uint8Array, correctB: Uint8Array, opts: BootstrapOptions = {}): PairedIntervals {
  const n = points.length;
  if (correctA.length !== n || correctB.length !== n) throw new RangeError('paired vectors must have the same length');
  const { resamples, seed, level } = options(opts);
  let max = 0;
  let ea = 0;
  let eb = 0;
  let ca = 0;
  let cb = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i] as number;
    max += p;
    ea += p * (correctA[i] as number);
    eb += p * (correctB[i] as number);
    ca += correctA[i] as number;
    cb += correctB[i] as number;
  }
  const scoreDiff = ratio(ea, max) - ratio(eb, max);
  const accuracyDiff = n > 0 ? (ca - cb) / n : 0;

  const scores = new Float64Array(resamples);
  const accs = new Float64Array(resamples);
  if (n > 0) {
    const p = plan(n, resamples, seed);
    const totals = pointTotals(p, points);
    // Only the discordant positions contribute: d = a − b ∈ {−1, 1}.
    const ds = new Float64Array(resamples);
    const dc = new Float64Array(resamples);
    for (let j = 0; j < n; j++) {
      const d = (correctA[j] as number) - (correctB[j] as number);
      if (d === 0) continue;
      const w = (points[j] as number) * d;
      const base = j * resamples;
      for (let b = 0; b < resamples; b++) {
        const c = p.counts[base + b] as number;
        ds[b] = (ds[b] as number) + w * c;
        dc[b] = (dc[b] as number) + d * c;
      }
    }
    for (let b = 0; b < resamples; b++) {
      scores[b] = ratio(ds[b] as number, totals[b] as number);
      accs[b] = (dc[b] as number) / n;
    }
  }
  return {
    score: percentileInterval(scores, level),
    accuracy: percentileInterval(accs, level),
    resamples,
    seed,
    scoreDiff,
    accuracyDiff,
  };
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
