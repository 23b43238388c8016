import type { ExamineeComparison, ExamineeQuestion } from '../scoring/examinees.js';
import { formatPercent, formatPointDiff, roundHalfEven } from '../util/round.js';

/** Rendering of a run against the examinees, shared by the run summary and \`compare\`. */

const LIST_MAX = 10;

function questionList(items: readonly ExamineeQuestion[]): string {
  const shown = items.slice(0, LIST_MAX).map((q) => `${q.question_id} (${formatPercent(roundHalfEven(q.human_accuracy, 4), 0)})`);
  return shown.join(', ') + (items.length > LIST_MAX ? `, … ${items.length - LIST_MAX} more` : '');
}

/** A run against the examinees: accuracy vs their average, and the surprising questions each way. */
export function examineeLines(e: ExamineeComparison, who: string, indent = ''): string[] {
  if (!e.available || e.model_accuracy === null || e.examinee_accuracy === null || e.difference === null) return [];
  const t = formatPercent(e.threshold, 0);
  const lines = [
    `${indent}${who} vs the examinees, over ${e.questions} questions: ${formatPercent(e.model_accuracy)} vs ${formatPercent(e.examinee_accuracy)} (${formatPointDiff(e.difference)} points)`,
    `${indent}  missed, though ≥${t} of examinees were right (${e.missed_but_examinees_right.length}): ${questionList(e.missed_but_examinees_right) || '-'}`,
    `${indent}  right, though <${t} of examinees were (${e.right_but_examinees_missed.length}): ${questionList(e.right_but_examinees_missed) || '-'}`,
  ];
  return lines;
}
