import { formatPercent, roundedRatio } from '../../src/util/round';

/** Formatting shared by the views (rounding is the CLI's: Python's, ties to even). */

export const pct = (ratio: number): string => formatPercent(ratio);
export const ratioPct = (num: number, den: number): string => formatPercent(roundedRatio(num, den));
export const answer = (a: readonly string[]): string => (a.length ? a.join(', ') : '—');
export const typeLabel = (t: string): string => (t === 'calculation' ? 'calculation' : 'choice');
export function passMark(v: boolean | null): string {
  return v === true ? '✓' : v === false ? '✗' : '–';
}
/** First characters of a question text, on one line. */
export function preview(text: string, n = 48): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}
