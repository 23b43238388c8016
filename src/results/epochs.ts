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
