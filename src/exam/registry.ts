import { join } from 'node:path';
import { DEFAULT_EXAM, EDITIONS } from './editions.js';
import { JMLE2026_SOURCE, loadJmle2026 } from './sources/jmle2026.js';
import { IGAKUQA_EXAMS, IGAKUQA_SOURCE, loadIgakuqa } from './sources/igakuqa.js';
import { IGAKUQA119_SOURCE, loadIgakuqa119 } from './sources/igakuqa119.js';
import { resolveDataRoot, type DataRoot } from './data-root.js';
import { UserError } from '../util/errors.js';
import { cacheRoot } from '../util/cache-root.js';
import { BUILD } from '../version.js';
import type { PreparedStore } from './prepared.js';
import type { Exam } from './types.js';

/** Which source folder holds each edition, and how to load it. */
export interface ExamEntry {
  readonly id: string;
  /** Folder name in a data root. */
  readonly source: string;
  /** `prepared`: where the CLI keeps prepared questions (exam/prepared.ts), for a loader that uses them. */
  readonly load: (sourceDir: string, prepared: PreparedStore | null) => Exam;
}

const ENTRIES: readonly ExamEntry[] = [
  ...IGAKUQA_EXAMS.map((id) => ({ id, source: IGAKUQA_SOURCE, load: (dir: string) => loadIgakuqa(dir, id) })),
  { id: '119', source: IGAKUQA119_SOURCE, load: loadIgakuqa119 },
  { id: '120', source: JMLE2026_SOURCE, load: loadJmle2026 },
];

export function examEntries(): readonly ExamEntry[] {
  return ENTRIES;
}

export function examEntry(id: string): ExamEntry {
  const e = ENTRIES.find((x) => x.id === id);
  if (!e || !EDITIONS[id]) {
    throw new UserError(`unknown exam "${id}"; available: ${ENTRIES.map((x) => x.id).join(', ')} (see \`jmle-bench exams\`)`);
  }
  return e;
}

export interface ExamLoadOptions {
  readonly exam?: string;
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoadedExam {
  readonly exam: Exam;
  readonly dataRoot: DataRoot;
}

const cache = new Map<string, Exam>();

/** Find the data (flag, env, cache) and load one edition. Cached per folder. */
export function loadExam(opts: ExamLoadOptions = {}): LoadedExam {
  const entry = examEntry(opts.exam ?? DEFAULT_EXAM);
  const dataRoot = resolveDataRoot(entry.source, opts.dataDir, opts.env, entry.id);
  const dir = join(dataRoot.root, entry.source);
  const key = `${entry.id}\0${dir}`;
  let exam = cache.get(key);
  if (!exam) {
    // Only a build that knows its sources keeps prepared questions (the CLI bundle): none can then be stale.
    const prepared = BUILD ? { dir: join(cacheRoot(opts.env), 'prepared'), build: BUILD.sources } : null;
    exam = entry.load(dir, prepared);
    cache.set(key, exam);
  }
  return { exam, dataRoot };
}

/** Forget loaded exams (tests, or after `dataset pull`). */
export function clearExamCache(): void {
  cache.clear();
}
