import type { Question } from '../exam/types.js';
import { normaliseNumber } from '../extract/extract.js';

/** Two calculation answers are equal when they are the same number (0.4 = 0.40; 28.1 ≠ 28). */
export function numericEqual(a: string, b: string): boolean {
  const x = normaliseNumber(a);
  const y = normaliseNumber(b);
  if (x === null || y === null) return false;
  return Number(x) === Number(y);
}

function sameLetters(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

/** Is a predicted answer right for this question, by the official key (with its accepted alternatives)? */
export function isCorrect(predicted: readonly string[], q: Question): boolean {
  if (q.allCorrect) return true;
  if (q.type === 'calculation') {
    if (predicted.length !== 1) return false;
    return q.accepted.some((acc) => acc.length === 1 && numericEqual(predicted[0] as string, acc[0] as string));
  }
  return q.accepted.some((acc) => sameLetters(predicted, acc));
}
