import type { Exam } from './types.js';

/** Assemble an Exam from its parts, adding the id index. */
export function buildExam(parts: Omit<Exam, 'byId'>): Exam {
  const byId = new Map(parts.questions.map((q) => [q.id, q] as const));
  return { ...parts, byId };
}
