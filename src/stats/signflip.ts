import { normalUpperTail } from './special.js';

/**
 * Exact paired randomisation test on cluster differences (Fisher's sign-flip
 * test): under "A and B are exchangeable on every serial case", each case's
 * difference D_c is as likely to be +|D_c| as −|D_c|, independently. The
 * two-sided p-value is P(|Σ ±|D_c|| ≥ |Σ D_c|), computed exactly by dynamic
 * programming over subset sums (differences must be integers: callers scale
 * points × epochs to whole units). With one epoch, single questions and equal
 * weights this is exactly McNemar's exact test.
 *
 * Where the exact count would be too large (more than `maxWork` cells: very
 * many discordant cases, where the normal limit is excellent) the p-value is
 * the normal approximation with a continuity correction.
 */
export function signFlipTest(differences: ArrayLike<number>, maxWork = 20_000_000): number {
  const a: number[] = [];
  let t = 0;
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i] as number;
    if (!Number.isInteger(d)) throw new RangeError(`sign-flip test needs integer differences, got ${d}`);
    if (d === 0) continue;
    a.push(Math.abs(d));
    t += d;
  }
  if (t === 0 || a.length === 0) return 1;
  // Work in units of the common divisor: halves the table for 3-point-only differences, etc.
  let g = 0;
  for (const x of a) g = gcd(g, x);
  let S = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = (a[i] as number) / g;
    S += a[i] as number;
  }
  const T = Math.abs(t) / g;
  // T* = 2U − S with U the sum of the cases flipped to +: |T*| ≥ T ⟺ U ≤ (S − T)/2 or U ≥ (S + T)/2 (symmetric).
  const limit = Math.floor((S - T) / 2);
  if (a.length * (limit + 1) > maxWork) {
    let v = 0;
    for (const x of a) v += x * x;
    return Math.min(1, 2 * normalUpperTail((T - 1) / Math.sqrt(v)));
  }
  // dist[u] = P(U = u) for u ≤ limit (larger sums never come back down).
  const dist = new Float64Array(limit + 1);
  dist[0] = 1;
  for (const x of a) {
    for (let u = limit; u >= x; u--) dist[u] = 0.5 * ((dist[u] as number) + (dist[u - x] as number));
    for (let u = Math.min(limit, x - 1); u >= 0; u--) dist[u] = 0.5 * (dist[u] as number);
  }
  let tail = 0;
  for (let u = 0; u <= limit; u++) tail += dist[u] as number;
  return Math.min(1, 2 * tail);
}

function gcd(x: number, y: number): number {
  while (y) [x, y] = [y, x % y];
  return x;
}
