import type { Exam } from './types.js';

/**
 * Assemble an Exam from its parts, adding the id index. `version` may be a
 * function: it is then computed when first read and kept (hashing the data
 * need not hold up a run's first request: the run reads it once they are out).
 */
export function buildExam(parts: Omit<Exam, 'byId' | 'version'> & { readonly version: string | (() => string) }): Exam {
  const { version, ...rest } = parts;
  const byId = new Map(parts.questions.map((q) => [q.id, q] as const));
  if (typeof version === 'string') return { ...rest, version, byId };
  let known: string | undefined;
  const exam: Omit<Exam, 'version'> = { ...rest, byId };
  Object.defineProperty(exam, 'version', { enumerable: true, get: () => (known ??= version()) });
  return exam as Exam;
}
