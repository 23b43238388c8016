import type { Exam } from '../exam/types.js';
import type { ResultRecord } from '../results/schema.js';
import { roundedRatio, roundHalfEven } from '../util/round.js';

/**
 * The examinees as a baseline. IgakuQA publishes, per question, the share of
 * examinees who answered correctly (`Question.humanAccuracy`). Compared over the
 * same scored questions: the model's accuracy against the examinees' average,
 * the questions the model missed that most examinees got right, and the reverse.
 */

export interface ExamineeQuestion {
  readonly question_id: string;
  /** Share of examinees correct, 0–1. */
  readonly human_accuracy: number;
  readonly predicted: string[];
  readonly gold: string[];
}

export interface ExamineeComparison {
  /** False when the exam publishes no examinee data (then every number is null / empty). */
  readonly available: boolean;
  /** Scored records whose question has examinee data. */
  readonly questions: number;
  /** The model's accuracy over those questions (4 decimals). */
  readonly model_accuracy: number | null;
  /** Mean share of examinees correct over the same questions (4 decimals). */
  readonly examinee_accuracy: number | null;
  /** model − examinees, in accuracy points (4 decimals). */
  readonly difference: number | null;
  readonly threshold: number;
  /** Missed by the model, answered correctly by ≥ threshold of examinees; easiest first. */
  readonly missed_but_examinees_right: ExamineeQuestion[];
  /** Answered correctly by the model, by < threshold of examinees; hardest first. */
  readonly right_but_examinees_missed: ExamineeQuestion[];
}

export interface ExamineeOptions {
  /** Share of examinees that counts as "most" (default 0.5). */
  readonly threshold?: number;
}

/** Compare one run's records with the examinees. Pure; records must be scored against `exam`. */
export function compareWithExaminees(records: readonly ResultRecord[], exam: Exam, opts: ExamineeOptions = {}): ExamineeComparison {
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be between 0 and 1, got ${threshold}`);
  let n = 0;
  let correct = 0;
  let humanSum = 0;
  const missed: ExamineeQuestion[] = [];
  const beat: ExamineeQuestion[] = [];
  for (const r of records) {
    const q = exam.byId.get(r.question_id);
    if (!q || q.points === 0 || q.humanAccuracy === undefined) continue;
    n++;
    humanSum += q.humanAccuracy;
    if (r.correct) correct++;
    const item: ExamineeQuestion = { question_id: q.id, human_accuracy: q.humanAccuracy, predicted: [...r.predicted], gold: [...q.answer] };
    if (!r.correct && q.humanAccuracy >= threshold) missed.push(item);
    if (r.correct && q.humanAccuracy < threshold) beat.push(item);
  }
  const byId = (a: ExamineeQuestion, b: ExamineeQuestion) => (a.question_id < b.question_id ? -1 : a.question_id > b.question_id ? 1 : 0);
  missed.sort((a, b) => b.human_accuracy - a.human_accuracy || byId(a, b));
  beat.sort((a, b) => a.human_accuracy - b.human_accuracy || byId(a, b));
  if (n === 0) {
    return {
      available: false,
      questions: 0,
      model_accuracy: null,
      examinee_accuracy: null,
      difference: null,
      threshold,
      missed_but_examinees_right: [],
      right_but_examinees_missed: [],
    };
  }
  const model = roundedRatio(correct, n);
  const human = roundHalfEven(humanSum / n, 4);
  return {
    available: true,
    questions: n,
    model_accuracy: model,
    examinee_accuracy: human,
    difference: roundHalfEven(model - human, 4),
    threshold,
    missed_but_examinees_right: missed,
    right_but_examinees_missed: beat,
  };
}
