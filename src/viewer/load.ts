import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Exam } from '../exam/types.js';
import { parseResultText } from '../results/io.js';
import { rescoreFile } from '../results/rescore.js';
import { displayName, type ResultRecord } from '../results/schema.js';
import { UserError } from '../util/errors.js';
import type { RecordView, RunEntry, SkippedFile } from './types.js';

/**
 * A minimal result-folder loader for the viewer: every `*.json` in a folder,
 * parsed with the one schema and rescored against the exam (stored summaries
 * are never trusted). Files that fail are listed as skipped with the reason.
 * (To be unified with `src/results/collection.ts` once that exists.)
 */

export interface RunSource extends RunEntry {
  /** Absolute path, for loading the records later. */
  readonly path: string;
}

export interface LoadedRuns {
  readonly runs: RunSource[];
  readonly skipped: SkippedFile[];
}

/** A URL-safe id from a file name: `openai_gpt-5.2.json` → `openai_gpt-5.2`. */
export function runIdFromFile(file: string, taken: ReadonlySet<string>): string {
  const base = file.replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'run';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return e instanceof UserError ? msg : `could not be read: ${msg}`;
}

function readAndRescore(path: string, file: string, exam: Exam) {
  const text = readFileSync(path, 'utf8');
  return rescoreFile(parseResultText(text, file), exam, file);
}

export function loadRuns(dir: string, exam: Exam): LoadedRuns {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  } catch (e) {
    throw new UserError(`cannot read the results folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass --results DIR`);
  }
  const runs: RunSource[] = [];
  const skipped: SkippedFile[] = [];
  const taken = new Set<string>();
  for (const file of names) {
    const path = join(dir, file);
    try {
      if (!statSync(path).isFile()) continue;
      const r = readAndRescore(path, file, exam);
      const meta = r.file.metadata;
      const id = runIdFromFile(file, taken);
      taken.add(id);
      runs.push({
        id,
        file,
        path,
        model: meta.model,
        displayName: displayName(meta),
        imageMode: meta.image_mode ?? null,
        timestamp: meta.timestamp ?? null,
        summary: r.summary,
        changed: r.changes.length,
        warnings: r.warnings,
      });
    } catch (e) {
      skipped.push({ file, reason: reasonOf(e) });
    }
  }
  return { runs, skipped };
}

export function recordView(r: ResultRecord): RecordView {
  return {
    question_id: r.question_id,
    predicted: r.predicted,
    gold: r.gold,
    correct: r.correct,
    points: r.points ?? 0,
    earned: r.earned ?? 0,
    parse_success: r.parse_success,
    parse_source: r.parse_source ?? null,
    parse_notes: r.parse_notes ?? [],
    error: r.error ?? null,
    raw_response: r.raw_response ?? '',
    reasoning: r.reasoning ?? null,
    finish_reason: r.finish_reason ?? null,
    latency_ms: r.latency_ms ?? null,
  };
}

/** A run's rescored per-question records (read again from disk: loaded only when opened). */
export function loadRunRecords(run: RunSource, exam: Exam): RecordView[] {
  return readAndRescore(run.path, run.file, exam).file.results.map(recordView);
}
