import type { Exam } from '../exam/types.js';
import { computeRunSummary, type Summary } from '../scoring/summary.js';
import type { ExtractionRule } from '../extract/extract.js';
import { rescoreRecord } from '../scoring/record.js';
import { UserError } from '../util/errors.js';
import { HARNESS } from '../version.js';
import type { ResultFile, ResultRecord } from '../results/schema.js';

/** One record whose outcome changed on rescoring, and why. */
export interface Change {
  readonly questionId: string;
  /** The epoch of the record, after the first (repeated runs). */
  readonly epoch?: number;
  readonly before: { predicted: string[]; correct: boolean; parse_success: boolean; gold: string[] };
  readonly after: { predicted: string[]; correct: boolean; parse_success: boolean; gold: string[] };
  readonly reasons: string[];
}

export interface Rescored {
  readonly file: ResultFile;
  readonly summary: Summary;
  readonly changes: Change[];
  readonly warnings: string[];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/** Same answer key, in any order (the reference stores the dataset's order; we store it sorted). */
const sameKey = (a: readonly string[], b: readonly string[]) => same([...a].sort(), [...b].sort());

function idList(ids: readonly string[]): string {
  return ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, … (${ids.length} in all)` : '');
}

function explain(before: ResultRecord, after: ResultRecord, rule: ExtractionRule): string[] {
  const reasons: string[] = [];
  if (!sameKey(before.gold, after.gold)) reasons.push(`answer key changed: ${before.gold.join(',') || '-'} → ${after.gold.join(',') || '-'}`);
  const notes = after.parse_notes ?? [];
  if (notes.length > 0) reasons.push(`extraction: ${notes.join(', ')}`);
  if (after.parse_source === 'reasoning' && !before.parse_success) reasons.push('answer found in the reasoning text');
  if (!before.parse_success && after.parse_success && notes.length === 0 && after.parse_source !== 'reasoning') reasons.push('answer now parsed');
  if (before.parse_success && !after.parse_success) reasons.push('no valid answer after the marker');
  if (reasons.length === 0 && before.correct !== after.correct) {
    const p = after.predicted.join(',');
    const g = after.gold.join(',');
    // jmle-bench compares calculation answers as numbers (0.4 = 0.40); the reference rule as strings.
    const how = rule === 'reference' ? 'compared as text (the reference rule)' : 'compared as numbers';
    reasons.push(after.correct ? `${how}: ${p} = ${g}` : `${how}: ${p} ≠ ${g}`);
  }
  if (reasons.length === 0) reasons.push('re-extracted');
  return reasons;
}

/**
 * Re-extract and re-score every record of a result file against `exam`, and
 * recompute the summary. Never trusts the stored summary. Does not write.
 */
export function rescoreFile(file: ResultFile, exam: Exam, path = 'result file', rule: ExtractionRule = 'jmle-bench'): Rescored {
  const warnings: string[] = [];
  const fileExam = file.metadata.exam ?? exam.id;
  if (fileExam !== exam.id) {
    throw new UserError(`${path} is a run of exam ${fileExam}, not ${exam.id}; pass --exam ${fileExam}`);
  }
  const epochs: { epoch: number; results: readonly ResultRecord[] }[] = [{ epoch: 1, results: file.results }, ...(file.extra_epochs ?? [])];
  const unknown = epochs.flatMap((e) => e.results.filter((r) => !exam.byId.has(r.question_id)).map((r) => r.question_id));
  if (unknown.length > 0) {
    throw new UserError(
      `${path}: question ids not in exam ${exam.id} (dataset ${exam.version.slice(0, 12)}): ${idList(unknown)}; pass the run's exam with --exam, or pull the dataset version it was made with`,
    );
  }
  for (const e of epochs) {
    const seen = new Set<string>();
    for (const r of e.results) {
      if (seen.has(r.question_id)) throw new UserError(`${path}: question ${r.question_id} appears more than once${e.epoch > 1 ? ` in epoch ${e.epoch}` : ''}`);
      seen.add(r.question_id);
    }
  }
  const stored = file.metadata.dataset_version;
  if (stored && stored !== exam.version) {
    warnings.push(
      `${path} was scored against dataset ${stored.slice(0, 12)}; rescoring against ${exam.version.slice(0, 12)} (answers may differ where the key changed)`,
    );
  } else if (!stored) {
    // A reference-format file records no version: its stored keys tell whether it was scored against this one.
    const differ = file.results.filter((r) => !sameKey(r.gold, exam.byId.get(r.question_id)?.answer ?? [])).map((r) => r.question_id);
    if (differ.length > 0) {
      warnings.push(
        `${path} records no dataset version and its stored answer key differs from dataset ${exam.version.slice(0, 12)} for ${differ.length} question(s) (${idList(differ)}): it was scored against another version; rescoring against this one`,
      );
    }
  }

  const changes: Change[] = [];
  const rescore = (list: readonly ResultRecord[], epoch: number) =>
    list.map((r) => {
      const q = exam.byId.get(r.question_id);
      if (!q) throw new Error('unreachable: ids checked above');
      const next = rescoreRecord(r, q, rule);
      if (!same(r.predicted, next.predicted) || r.correct !== next.correct || r.parse_success !== next.parse_success || !sameKey(r.gold, next.gold)) {
        changes.push({
          questionId: r.question_id,
          ...(epoch > 1 ? { epoch } : {}),
          before: { predicted: r.predicted, correct: r.correct, parse_success: r.parse_success, gold: r.gold },
          after: { predicted: next.predicted, correct: next.correct, parse_success: next.parse_success, gold: next.gold },
          reasons: explain(r, next, rule),
        });
      }
      return next;
    });
  const results = rescore(file.results, 1);
  const extra = (file.extra_epochs ?? []).map((e) => ({ ...e, results: rescore(e.results, e.epoch) }));
  const summary = computeRunSummary([results, ...extra.map((e) => e.results)], exam, rule);
  const metadata = {
    ...file.metadata,
    exam: exam.id,
    dataset_version: exam.version,
    rescored_by: { ...HARNESS, at: new Date().toISOString() },
  };
  return { file: { ...file, metadata, summary, results, ...(file.extra_epochs ? { extra_epochs: extra } : {}) }, summary, changes, warnings };
}
