/** Shared vocabulary of the statistics: intervals and the knobs every resampling function takes. */

export interface Interval {
  readonly low: number;
  readonly high: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

export interface StatsOptions {
  /** Bootstrap resamples (default 2,000: P(pass) to within ±0.011 (1 s.e.), rank ranges stable to a rank). */
  readonly resamples?: number;
  /** PRNG seed (default 20260207, the first day of the 120th exam). */
  readonly seed?: number;
  /** Confidence level of intervals (default 0.95). */
  readonly level?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20260207;
export const DEFAULT_LEVEL = 0.95;

export interface ResolvedOptions {
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
}

export function resolveOptions(opts: StatsOptions = {}): ResolvedOptions {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? DEFAULT_LEVEL;
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, got ${level}`);
  return { resamples, seed: (opts.seed ?? DEFAULT_SEED) >>> 0, level };
}

/**
 * Seeds of the independent plans one call needs, derived from the user's seed
 * (a fixed odd offset each, so they never coincide).
 */
export function subSeed(seed: number, stream: number): number {
  return (seed + Math.imul(stream, 0x9e3779b9)) >>> 0;
}

/** The clusters-only plan (rank ranges, the level part of P(pass) on a similar exam): one per seed, shared. */
export const CLUSTER_STREAM = 1;
/** The two-level plan (clusters, then an epoch per drawn case). */
export const TWO_LEVEL_STREAM = 2;

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

/** Percentile interval of bootstrap replicates (sorts a copy). */
export function percentileInterval(replicates: Float64Array, level: number): Interval {
  const s = Float64Array.from(replicates).sort();
  const alpha = Math.round(((1 - level) / 2) * 1e12) / 1e12;
  return { low: quantile(s, alpha), high: quantile(s, 1 - alpha), level };
}
