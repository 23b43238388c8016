import type { ExamDesign } from './design.js';
import { CLUSTER_STREAM, resolveOptions, subSeed, type StatsOptions } from './options.js';
import { checkOutcomes, correctCounts, type RunOutcomes } from './outcomes.js';
import { resamplingPlan } from './plan.js';
import { meanParts, totalFraction } from './resample.js';

/**
 * Rank ranges: for M runs on the same questions, each run's rank by score %
 * (mean over epochs) in every resample of one shared cluster plan — the same
 * drawn questions for every run, so the ranking is paired — and the central
 * interval of those ranks. Ranks are competition ranks (1 + runs strictly
 * ahead), so identical runs share a rank.
 */
export interface RankRange {
  /** Rank by the observed score % (1 = best; ties share the better rank). */
  readonly rank: number;
  /** Central interval of the resampled ranks at the level. */
  readonly low: number;
  readonly high: number;
  /** "1–3", or "2" when low = high. */
  readonly label: string;
  /** The leader: the best observed score % (on a tie, the first such run in input order). */
  readonly leader: boolean;
  /** Not the leader, and its range overlaps the leader's: the data cannot tell them apart. */
  readonly tiedWithLeader: boolean;
}

export interface RankRanges {
  readonly ranges: RankRange[];
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
}

/**
 * Competition ranks (descending values, ties share the best rank) of `values`
 * into `out`: rank = 1 + how many values are strictly larger, by binary search
 * in a sorted copy (`sorted`, scratch).
 */
function competitionRanks(values: Float64Array, sorted: Float64Array, out: Int32Array): void {
  const M = values.length;
  sorted.set(values);
  sorted.sort();
  for (let i = 0; i < M; i++) {
    const v = values[i] as number;
    // First index with sorted[idx] > v.
    let lo = 0;
    let hi = M;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) > v) hi = mid;
      else lo = mid + 1;
    }
    out[i] = 1 + (M - lo);
  }
}

export function rankRanges(design: ExamDesign, runs: readonly RunOutcomes[], opts: StatsOptions = {}): RankRanges {
  const { resamples: B, seed, level } = resolveOptions(opts);
  const M = runs.length;
  for (const r of runs) checkOutcomes(design, r);
  const plan = resamplingPlan(design, B, subSeed(seed, CLUSTER_STREAM), 1);
  const max = design.requiredMax + design.generalMax;
  const observed = new Float64Array(M);
  const scores: Float64Array[] = runs.map((r, m) => {
    // Whole units (points × epochs right), one division: equal scores compare equal.
    const k = correctCounts(design, r);
    let units = 0;
    for (let i = 0; i < k.length; i++) units += (design.points[i] as number) * (k[i] as number);
    observed[m] = units / (r.epochs * max);
    return totalFraction(design, meanParts(design, plan, r));
  });
  // Histogram of ranks per run.
  const hist = new Int32Array(M * (M + 1));
  const values = new Float64Array(M);
  const order = new Float64Array(M);
  const ranks = new Int32Array(M);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) values[m] = (scores[m] as Float64Array)[b] as number;
    competitionRanks(values, order, ranks);
    for (let m = 0; m < M; m++) {
      const k = m * (M + 1) + (ranks[m] as number);
      hist[k] = (hist[k] as number) + 1;
    }
  }
  const observedRanks = new Int32Array(M);
  competitionRanks(observed, order, observedRanks);
  const alpha = (1 - level) / 2;
  const bounds = Array.from({ length: M }, (_, m) => {
    let cum = 0;
    let low = 0;
    let high = 0;
    for (let r = 1; r <= M; r++) {
      cum += hist[m * (M + 1) + r] as number;
      if (!low && cum > alpha * B) low = r;
      if (!high && cum >= (1 - alpha) * B - 1e-9) high = r;
    }
    return { low, high };
  });
  const leader = M > 0 ? observedRanks.indexOf(1) : -1;
  const lead = bounds[leader];
  const ranges = bounds.map(({ low, high }, m) => ({
    rank: observedRanks[m] as number,
    low,
    high,
    label: low === high ? String(low) : `${low}–${high}`,
    leader: m === leader,
    tiedWithLeader: m !== leader && lead !== undefined && low <= lead.high && lead.low <= high,
  }));
  return { ranges, resamples: B, seed, level };
}
