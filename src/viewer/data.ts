import type { Exam, Question } from '../exam/types.js';
import type { ExamInfo, LeaderboardPayload, QuestionView, QuestionsPayload, SkippedFile } from './types.js';
import type { RunSource } from './load.js';

/** Build the viewer's JSON payloads from the exam and the loaded runs. */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The points rule in words, from the edition's rules (data), e.g. "B/E Q26–50 are 3 points each; every other question 1 point (max 500)". */
export function scoreRuleText(exam: Exam): string {
  const rules = exam.rules;
  const max = exam.questions.reduce((s, q) => s + q.points, 0);
  const parts = rules.pointRules.map((r) => `${r.blocks.join('/')} Q${r.from}–${r.to} are ${plural(r.points, 'point')} each`);
  const excluded = exam.questions.filter((q) => q.points === 0).length;
  const other = parts.length ? `every other question ${plural(rules.defaultPoints, 'point')}` : `every question ${plural(rules.defaultPoints, 'point')}`;
  return [...parts, other].join('; ') + ` (max ${max})` + (excluded ? `; ${plural(excluded, 'question')} excluded from scoring` : '');
}

export function examInfo(exam: Exam): ExamInfo {
  const r = exam.rules;
  return {
    id: exam.id,
    title: r.title,
    blocks: r.blocks,
    requiredBlocks: r.requiredBlocks,
    questionCount: exam.questions.length,
    textOnlyCount: exam.questions.filter((q) => !q.requiresImage).length,
    scoreMax: exam.questions.reduce((s, q) => s + q.points, 0),
    requiredMax: r.requiredMax,
    generalMax: r.generalMax,
    requiredPass: r.requiredPass,
    generalPass: r.generalPass,
    kinkiDisclosed: r.kinkiDisclosed,
    kinkiMax: r.kinkiMax,
    scoreRule: scoreRuleText(exam),
    datasetVersion: exam.version,
  };
}

/** Summaries only: what the leaderboard needs, small and fast. */
export function leaderboardPayload(exam: Exam, runs: readonly RunSource[], skipped: readonly SkippedFile[]): LeaderboardPayload {
  return {
    exam: examInfo(exam),
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    runs: runs.map(({ records: _records, ...entry }) => entry),
    skipped,
  };
}

export function questionView(q: Question): QuestionView {
  return {
    id: q.id,
    block: q.block,
    number: q.number,
    type: q.type,
    text: q.text,
    choices: q.choices,
    images: q.images,
    requiresImage: q.requiresImage,
    selectCount: q.selectCount,
    answer: q.answer,
    allCorrect: q.allCorrect,
    points: q.points,
    required: q.required,
    serial: q.serial ? { groupId: q.serial.groupId, questions: q.serial.questions, context: q.serial.context } : null,
  };
}

export function questionsPayload(exam: Exam): QuestionsPayload {
  return { exam: exam.id, questions: exam.questions.map(questionView) };
}

/** Every image name the exam refers to (the only names `/images/` serves). */
export function examImageNames(exam: Exam): Set<string> {
  const names = new Set<string>();
  for (const q of exam.questions) for (const img of q.images) names.add(img);
  return names;
}
