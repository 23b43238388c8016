/**
 * Exact decimal arithmetic for the few operations answer reading needs: an
 * exponent ("1.2e3"), a fraction ("2/5") and equality ("0.4" = "0.40"). A
 * value is an integer and a scale (digits after the point), so nothing is
 * rounded the way binary floating point would.
 */

export interface Decimal {
  readonly digits: bigint;
  /** Digits after the decimal point (0 for an integer). */
  readonly scale: number;
}

const TEN = 10n;

/** "1,200.50", "-0.4", ".5" → a Decimal; null when not a plain decimal. Commas are thousands separators already checked by the caller. */
export function parseDecimal(text: string): Decimal | null {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text.replace(/,/g, ''));
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = m[3] ?? '';
  const magnitude = BigInt(`${m[2] || '0'}${frac}`);
  return { digits: m[1] === '-' ? -magnitude : magnitude, scale: frac.length };
}

/** The plain decimal string, keeping the scale's trailing zeros ("0.40" stays "0.40"). */
export function formatDecimal(d: Decimal): string {
  const negative = d.digits < 0n;
  const s = (negative ? -d.digits : d.digits).toString().padStart(d.scale + 1, '0');
  const body = d.scale === 0 ? s : `${s.slice(0, s.length - d.scale)}.${s.slice(s.length - d.scale)}`;
  return negative ? `-${body}` : body;
}

/** d × 10^exponent, exactly. */
export function shiftDecimal(d: Decimal, exponent: number): Decimal {
  const scale = d.scale - exponent;
  return scale >= 0 ? { digits: d.digits, scale } : { digits: d.digits * TEN ** BigInt(-scale), scale: 0 };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * a / b as a terminating decimal, or null when it does not terminate (1/3,
 * 28/29) or b is 0: such a quotient cannot be written as a mark-sheet answer.
 */
export function divideDecimal(a: Decimal, b: Decimal): Decimal | null {
  if (b.digits === 0n) return null;
  // a/b = (a.digits · 10^b.scale) / (b.digits · 10^a.scale)
  let num = a.digits * TEN ** BigInt(b.scale);
  let den = b.digits * TEN ** BigInt(a.scale);
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  num /= g;
  den /= g;
  let twos = 0;
  let fives = 0;
  let rest = den;
  while (rest % 2n === 0n) [rest, twos] = [rest / 2n, twos + 1];
  while (rest % 5n === 0n) [rest, fives] = [rest / 5n, fives + 1];
  if (rest !== 1n) return null;
  const scale = Math.max(twos, fives);
  return { digits: num * (TEN ** BigInt(scale) / den), scale };
}

/** The same number, however written ("0.4" = "0.40" = "+.4"; "-0" = "0"). */
export function equalDecimal(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return a.digits * TEN ** BigInt(scale - a.scale) === b.digits * TEN ** BigInt(scale - b.scale);
}
