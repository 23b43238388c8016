import type { Interval } from './options.js';
import { zFor } from './special.js';

/**
 * Wilson score interval for a proportion (Wilson 1927): the set of p whose
 * score test does not reject at the level. Unlike the percentile bootstrap
 * and the Wald interval it stays inside [0, 1] and keeps its coverage near
 * 100% (a run with 7 of 400 wrong, or none).
 *
 * `n` may be an effective sample size (not an integer): see `designWilson`.
 */
export function wilsonFromProportion(p: number, n: number, level = 0.95): Interval {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`proportion must be in [0, 1], got ${p}`);
  if (!(n > 0)) return { low: 0, high: 1, level };
  const z = zFor(level);
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: p === 0 ? 0 : Math.max(0, center - half), high: p === 1 ? 1 : Math.min(1, center + half), level };
}

/** Wilson interval for `successes` of `n` trials. */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (!(Number.isInteger(n) && n >= 0 && successes >= 0 && successes <= n)) throw new RangeError(`need 0 ≤ successes ≤ n, got ${successes} of ${n}`);
  return wilsonFromProportion(n > 0 ? successes / n : 0, n, level);
}
