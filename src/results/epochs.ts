import type { ResultFile, ResultRecord } from './schema.js';

/**
 * A result file's records by epoch: the first epoch is `results` (the
 * reference's place), the others are in `extra_epochs`. Records of later
 * epochs carry their `epoch`; the first epoch's do not (as the reference
 * writes them).
 */

/** The records of each epoch, in epoch order: [epoch 1, epoch 2, …]. */
export function epochLists(file: Pick<ResultFile, 'results' | 'extra_epochs'>): ResultRecord[][] {
  const extra = [...(file.extra_epochs ?? [])].sort((a, b) => a.epoch - b.epoch);
  return [file.results, ...extra.map((e) => e.results.map((r) => (r.epoch === e.epoch ? r : { ...r, epoch: e.epoch })))];
}

/** Every record of every epoch, later epochs' carrying their epoch. */
export function allRecords(file: Pick<ResultFile, 'results' | 'extra_epochs'>): ResultRecord[] {
  return epochLists(file).flat();
}

/**
 * Per question, how many epochs answered it right and how many answered it at
 * all (k of K), for a repeated run; null for a run of one epoch.
 */
export function rightCounts(file: Pick<ResultFile, 'results' | 'extra_epochs'>): Map<string, { k: number; K: number }> | null {
  const lists = epochLists(file);
  if (lists.length < 2) return null;
  const out = new Map<string, { k: number; K: number }>();
  for (const list of lists) {
    for (const r of list) {
      const c = out.get(r.question_id) ?? { k: 0, K: 0 };
      c.K++;
      if (r.correct) c.k++;
      out.set(r.question_id, c);
    }
  }
  return out;
}
