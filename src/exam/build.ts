import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetIssue, Exam, Question } from './types.js';

/**
 * Assemble an Exam from its parts, adding the id index. `version` may be a
 * function: it is then computed when first read and kept, and the function
 * let go (hashing the data need not hold up a run's first request: the run
 * reads it once they are out).
 */
export function buildExam(parts: Omit<Exam, 'byId' | 'version'> & { readonly version: string | (() => string) }): Exam {
  const { version, ...rest } = parts;
  const byId = new Map(parts.questions.map((q) => [q.id, q] as const));
  if (typeof version === 'string') return { ...rest, version, byId };
  let known: string | undefined;
  // Dropped once used: what it hashes (the dataset's text, ~0.5 MB) is then free.
  let compute: (() => string) | null = version;
  const exam: Omit<Exam, 'version'> = { ...rest, byId };
  Object.defineProperty(exam, 'version', {
    enumerable: true,
    get: () => {
      if (compute) {
        known = compute();
        compute = null;
      }
      return known as string;
    },
  });
  return exam as Exam;
}

/**
 * A `missing-image` issue for each image a question names that is not in
 * `imageDir`. The folder is listed once instead of looked up per image; a name
 * not listed is still looked up (a file system that ignores case).
 */
export function missingImageIssues(questions: readonly Question[], imageDir: string): DatasetIssue[] {
  let listed: ReadonlySet<string>;
  try {
    listed = new Set(readdirSync(imageDir));
  } catch {
    listed = new Set();
  }
  const issues: DatasetIssue[] = [];
  for (const q of questions) {
    for (const img of q.images) {
      if (!listed.has(img) && !existsSync(join(imageDir, img)))
        issues.push({ questionId: q.id, kind: 'missing-image', message: `${q.id}: image ${img} is missing from ${imageDir}` });
    }
  }
  return issues;
}
