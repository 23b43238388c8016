/**
 * Holm's step-down adjustment (Holm 1979) of m p-values: sort ascending,
 * multiply the i-th smallest (i = 0…m−1) by m − i, carry the running maximum
 * so adjusted values never decrease, cap at 1. Rejecting where the adjusted
 * p ≤ α controls the family-wise error rate at α under any dependence, and is
 * uniformly more powerful than Bonferroni. Returned in the input order; ties
 * are ordered by input position.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[idx] as number)));
    adjusted[idx] = running;
  });
  return adjusted;
}
