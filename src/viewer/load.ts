import { basename } from 'node:path';
import type { Exam } from '../exam/types.js';
import { loadResultDir } from '../results/collection.js';
import type { ResultRecord } from '../results/schema.js';
import type { RecordView, RunEntry, SkippedFile } from './types.js';

/**
 * The viewer's runs: every result file of a folder, loaded and rescored by
 * `loadResultDir` (stored summaries are never trusted) against the viewer's
 * exam; files that fail are listed as skipped with the reason.
 */

export interface RunSource extends RunEntry {
  /** The rescored records (sent to the browser only when the run is opened). */
  readonly records: readonly ResultRecord[];
}

export interface LoadedRuns {
  readonly runs: RunSource[];
  readonly skipped: SkippedFile[];
}

export interface DataOptions {
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A URL-safe id from a file name: `openai_gpt-5.2.json` → `openai_gpt-5.2`. */
export function runIdFromFile(file: string, taken: ReadonlySet<string>): string {
  const base = file.replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'run';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** Reasons name files by their base name only (no local paths in a published site). */
function localPathsOut(reason: string, dir: string): string {
  return reason.split(dir.endsWith('/') ? dir : `${dir}/`).join('');
}

export function loadRuns(dir: string, exam: Exam, data: DataOptions = {}): LoadedRuns {
  const loaded = loadResultDir(dir, { exam: exam.id, dataDir: data.dataDir, env: data.env });
  const taken = new Set<string>();
  const runs = loaded.runs.map((r): RunSource => {
    const file = basename(r.path);
    const id = runIdFromFile(file, taken);
    taken.add(id);
    return {
      id,
      file,
      model: r.file.metadata.model,
      displayName: r.name,
      imageMode: r.file.metadata.image_mode ?? null,
      timestamp: r.file.metadata.timestamp ?? null,
      summary: r.summary,
      changed: r.changes.length,
      warnings: r.warnings.map((w) => localPathsOut(w, dir)),
      records: r.file.results,
    };
  });
  const skipped = loaded.skipped.map((s) => ({ file: basename(s.path), reason: localPathsOut(s.reason, dir) }));
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

/** A run's rescored per-question records, as the app shows them. */
export function runRecords(run: RunSource): RecordView[] {
  return run.records.map(recordView);
}
