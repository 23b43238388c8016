import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { examEntry, loadExam } from '../exam/registry.js';
import type { Exam, ImageMode } from '../exam/types.js';
import type { ExtractionRule } from '../extract/extract.js';
import type { Summary } from '../scoring/summary.js';
import { UserError } from '../util/errors.js';
import { readResultFileSync } from '../results/io.js';
import { rescoreFile, type Change } from './rescore.js';
import { displayName, type ResultFile } from '../results/schema.js';

/**
 * Loading many result files at once: every file is rescored against the
 * current dataset and rules (stored summaries are never trusted). Used by the
 * leaderboard, compare and the viewer.
 */

export interface RunLoadOptions {
  readonly dataDir?: string;
  /** Exam edition every file must belong to; default: each file's own (`metadata.exam`), else 120. */
  readonly exam?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The extraction rule to score with (default jmle-bench's; 'reference' reproduces the reference harness). */
  readonly extraction?: ExtractionRule;
}

export interface LoadedRun {
  readonly path: string;
  /** The rescored file (records re-extracted and re-scored, summary recomputed). */
  readonly file: ResultFile;
  readonly summary: Summary;
  /** Records whose outcome changed on rescoring. */
  readonly changes: Change[];
  readonly warnings: string[];
  readonly exam: Exam;
  /** `metadata.display_name`, else `metadata.model`. */
  readonly name: string;
  /** As the reference: a file without `image_mode` counts as blind. */
  readonly imageMode: ImageMode;
  /** The dataset version the file said it was scored against (before rescoring), if any. */
  readonly storedDatasetVersion: string | null;
}

export interface UnreadableFile {
  readonly path: string;
  readonly reason: string;
}

/** A file that says it is a run of another exam than the one asked for (`opts.exam`): left out, not broken. */
export interface OtherExamFile {
  readonly path: string;
  readonly exam: string;
}

export interface ResultCollection {
  readonly runs: LoadedRun[];
  readonly skipped: UnreadableFile[];
  /** With `opts.exam`: files whose `metadata.exam` names another exam (left out). */
  readonly otherExams: OtherExamFile[];
}

/** Reasons are shown one per line: a multi-line message (e.g. JSON.parse quoting the text) becomes one line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function toRun(path: string, original: ResultFile, exam: Exam, rule: ExtractionRule): LoadedRun {
  const r = rescoreFile(original, exam, path, rule);
  return {
    path,
    file: r.file,
    summary: r.summary,
    changes: r.changes,
    warnings: r.warnings,
    exam,
    name: displayName(original.metadata),
    imageMode: original.metadata.image_mode ?? 'blind',
    storedDatasetVersion: original.metadata.dataset_version ?? null,
  };
}

function examIdOf(file: ResultFile, opts: RunLoadOptions): string {
  return opts.exam ?? file.metadata.exam ?? DEFAULT_EXAM;
}

/** Read, validate and rescore one result file. Throws `UserError` naming the file on any problem. */
export function loadResultFile(path: string, opts: RunLoadOptions = {}): LoadedRun {
  const original = readResultFileSync(path);
  const { exam } = loadExam({ exam: examIdOf(original, opts), dataDir: opts.dataDir, env: opts.env });
  return toRun(path, original, exam, opts.extraction ?? 'jmle-bench');
}

/** The `*.json` files directly in `dir`, sorted by name. */
export function resultFilePaths(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is not a directory; pass --results DIR with the result files`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`cannot read results directory ${dir} (${code}); pass --results DIR with the result files`);
  }
  return names
    .filter((n) => n.toLowerCase().endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
}

/**
 * Load every result file of `dir`, rescoring each. A file that cannot be read,
 * parsed or scored is listed in `skipped` with the reason; the rest still load.
 * With `opts.exam`, files that name another exam in `metadata.exam` are left
 * out and listed in `otherExams`; so are files without it (the reference's)
 * that hold no question of `opts.exam` (taken as runs of the default exam).
 * A missing directory, an unknown `opts.exam` or missing exam data is an
 * error for the whole folder (`UserError`), not a skip per file.
 */
export function loadResultDir(dir: string, opts: RunLoadOptions = {}): ResultCollection {
  if (opts.exam) examEntry(opts.exam);
  const runs: LoadedRun[] = [];
  const skipped: UnreadableFile[] = [];
  const otherExams: OtherExamFile[] = [];
  const skip = (path: string, e: unknown) =>
    skipped.push({ path, reason: oneLine(e instanceof UserError ? (e as Error).message : `unexpected error: ${(e as Error).message}`) });
  for (const path of resultFilePaths(dir)) {
    let original: ResultFile;
    try {
      original = readResultFileSync(path);
      examEntry(examIdOf(original, opts)); // an unknown exam id in a file is that file's problem
    } catch (e) {
      skip(path, e);
      continue;
    }
    const own = original.metadata.exam;
    if (opts.exam !== undefined && own !== undefined && own !== opts.exam) {
      otherExams.push({ path, exam: own });
      continue;
    }
    // Missing or broken data is not a file's problem: one error for the whole folder.
    const { exam } = loadExam({ exam: examIdOf(original, opts), dataDir: opts.dataDir, env: opts.env });
    if (opts.exam !== undefined && own === undefined && original.results.length > 0 && !original.results.some((r) => exam.byId.has(r.question_id))) {
      // No exam in its metadata (the reference's files) and not one question of this exam: a run of the default exam.
      otherExams.push({ path, exam: DEFAULT_EXAM });
      continue;
    }
    try {
      runs.push(toRun(path, original, exam, opts.extraction ?? 'jmle-bench'));
    } catch (e) {
      skip(path, e);
    }
  }
  return { runs, skipped, otherExams };
}
