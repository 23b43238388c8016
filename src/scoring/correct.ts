import type { Question } from '../exam/types.js';
import { sameNumber, type ExtractionRule } from '../extract/extract.js';

/** Two calculation answers are equal when they are the same number (0.4 = 0.40; 28.1 ≠ 28). */
export function numericEqual(a: string, b: string): boolean {
  return sameNumber(a, b);
}

/** The same strings in any order: the reference's `sorted(predicted) == sorted(gold)`. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

/**
 * Is a predicted answer right for this question, by the official key (with its
 * accepted alternatives, and questions counted correct for everyone)? Under the
 * 'reference' rule calculation answers are compared as the reference compares
 * them, as strings ("0.4" ≠ "0.40"); under ours, as numbers.
 */
export function isCorrect(predicted: readonly string[], q: Question, rule: ExtractionRule = 'jmle-bench'): boolean {
  if (q.allCorrect) return true;
  if (q.type === 'calculation' && rule === 'jmle-bench') {
    if (predicted.length !== 1) return false;
    return q.accepted.some((acc) => acc.length === 1 && numericEqual(predicted[0] as string, acc[0] as string));
  }
  return q.accepted.some((acc) => sameStrings(predicted, acc));
}
