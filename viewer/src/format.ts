import { formatPercent, roundedRatio } from '../../src/util/round.js';
import { VERDICT_LABELS, type Verdict } from '../../src/scoring/verdict.js';
import type { IntervalView } from '../../src/viewer/types.js';

/** Formatting shared by the views (rounding is the CLI's: Python's, ties to even). */

export const pct = (ratio: number): string => formatPercent(ratio);
export const ratioPct = (num: number, den: number): string => formatPercent(roundedRatio(num, den));
export const answer = (a: readonly string[]): string => (a.length ? a.join(', ') : '—');
export const typeLabel = (t: string): string => (t === 'calculation' ? 'calculation' : 'choice');
/** ✓ yes, ✗ no, – not known (a part of the verdict: required, general, 禁忌肢). */
export function checkMark(v: boolean | null): string {
  return v === true ? '✓' : v === false ? '✗' : '–';
}
/** A probability estimated by resampling, as a whole percent; never "100%" or "0%", which resampling cannot show. */
export function probability(p: number): string {
  return p >= 0.995 ? '>99%' : p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`;
}
/** First characters of a question text, on one line. */
export function preview(text: string, n = 48): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}
/** `[97.5%, 99.6%]` (the interval's ends are 4-decimal fractions from the server). */
export const interval = (i: IntervalView): string => `[${formatPercent(i.low)}, ${formatPercent(i.high)}]`;
/** A large count in short: 639,600 → 640K. */
export const compact = (n: number): string => new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
/** Token counts with thousands separators; — when unknown. */
export const tokens = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en'));
/** 850 ms, 12.3 s */
export const latency = (ms: number | null): string => (ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The verdict as a mark: ✓ pass, ✓? pass unless 禁忌肢 (undisclosed), ✗ fail, – incomplete. */
export const VERDICT_MARKS: Readonly<Record<Verdict, string>> = { pass: '✓', 'pass-unless-kinki': '✓?', fail: '✗', incomplete: '–' };
export const verdictLabel = (v: Verdict): string => VERDICT_LABELS[v];
/** CSS class of a verdict. */
export const verdictClass = (v: Verdict): string => (v === 'pass' ? 'ok' : v === 'pass-unless-kinki' ? 'ok unsure' : v === 'fail' ? 'bad' : 'muted');
