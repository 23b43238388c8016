import { missingImageIssues } from '../exam/build.js';
import type { Exam, ImageMode, Question } from '../exam/types.js';
import { SettingError } from './spec.js';

/** Which questions a run asks: block and id filters, then the image mode (skip drops image questions). */
export interface Selection {
  readonly questions: readonly Question[];
  /** Image questions dropped by `--image-mode skip` (the reference's `skipped_image`). */
  readonly skippedImage: number;
}

export function selectQuestions(
  exam: Exam,
  opts: { blocks?: readonly string[] | null; questionIds?: readonly string[] | null; imageMode: ImageMode },
): Selection {
  let qs = exam.questions;
  if (opts.blocks && opts.blocks.length > 0) {
    const set = new Set(opts.blocks);
    qs = qs.filter((q) => set.has(q.block));
  }
  if (opts.questionIds && opts.questionIds.length > 0) {
    const set = new Set(opts.questionIds);
    qs = qs.filter((q) => set.has(q.id));
  }
  let skippedImage = 0;
  if (opts.imageMode === 'skip') {
    const before = qs.length;
    qs = qs.filter((q) => !q.requiresImage);
    skippedImage = before - qs.length;
  }
  return { questions: qs, skippedImage };
}

/** Vision mode needs every image of the selection on disk: fail before any request (a `SettingError` naming the image mode). */
export function checkImages(exam: Exam, questions: readonly Question[], imageMode: ImageMode): void {
  if (imageMode !== 'vision') return;
  const ids = new Set(questions.filter((q) => q.images.length > 0).map((q) => q.id));
  const missing = exam.issues.filter((i) => i.kind === 'missing-image' && i.questionId !== undefined && ids.has(i.questionId));
  // The loader found them all: look again, in case they went since.
  if (missing.length === 0 && exam.imageDir) missing.push(...missingImageIssues(questions, exam.imageDir));
  if (ids.size > 0 && !exam.imageDir) {
    throw new SettingError('task.imageMode', `vision: exam ${exam.id} has no images; use blind or skip`);
  }
  if (missing.length > 0) {
    const first = missing[0] as (typeof missing)[number];
    throw new SettingError(
      'task.imageMode',
      `vision: ${missing.length} image(s) missing (first: ${first.message}); run \`jmle-bench dataset pull\` or use blind`,
    );
  }
}
