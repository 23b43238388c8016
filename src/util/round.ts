/**
 * Rounding that matches Python's `round(x, n)` and `format(x, '.nf')`: the
 * exact binary value is rounded to the nearest, ties to even. Result files and
 * tables must agree with the reference harness to the last digit.
 */
export function roundHalfEven(x: number, digits: number): number {
  return Number(toFixedHalfEven(x, digits));
}

export function toFixedHalfEven(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  // toFixed(100) is the exact decimal expansion of the double for |x| < 1e21 (enough digits for our ranges).
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  const isTie = rest[0] === '5' && /^50*$/.test(rest);
  if (!isTie) return x.toFixed(digits) === '-0' ? '0' : x.toFixed(digits);
  // Tie: keep the truncated value if its last digit is even, else round away from zero.
  const truncated = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(truncated[truncated.length - 1]);
  const sign = x < 0 ? '-' : '';
  if (lastDigit % 2 === 0) return sign + truncated;
  return x.toFixed(digits);
}

/** Python's `f"{x:.1%}"`. */
export function formatPercent(x: number, digits = 1): string {
  return `${toFixedHalfEven(x * 100, digits)}%`;
}

/**
 * A probability estimated by resampling, to two decimals: 0.973 → "0.97";
 * never "1.00" or "0.00", which finitely many resamples cannot show (">0.99",
 * "<0.01"); null → "–" (not estimable).
 */
export function formatProbability(p: number | null): string {
  return p === null ? '–' : p >= 0.995 ? '>0.99' : p < 0.005 ? '<0.01' : p.toFixed(2);
}

/** Python's `round(x, 4)`: the 4-decimal fractions of summaries and reports. */
export function round4(x: number): number {
  return roundHalfEven(x, 4);
}

/** Python's `round(num / den, 4) if den else 0`. */
export function roundedRatio(num: number, den: number): number {
  return den ? roundHalfEven(num / den, 4) : 0;
}

/** A difference of fractions as signed percentage points: 0.01 → "+1.0", -0.046 → "-4.6", 0 → "0.0". */
export function formatPointDiff(x: number): string {
  const s = toFixedHalfEven(x * 100, 1);
  if (Number(s) === 0) return '0.0';
  return Number(s) > 0 ? `+${s}` : s;
}

/** A p-value as reports print it: 4 decimals, or scientific below 0.001. */
export function formatPValue(p: number): string {
  return p >= 0.001 ? toFixedHalfEven(p, 4) : p.toExponential(2);
}
