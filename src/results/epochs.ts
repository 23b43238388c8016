import type { EpochResults, ResultFile, ResultRecord } from './schema.js';

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

const byQuestionId = (a: ResultRecord, b: ResultRecord) => (a.question_id < b.question_id ? -1 : a.question_id > b.question_id ? 1 : 0);

/** The other way: records of any epochs → `results` (the first epoch) and `extra_epochs`, each sorted by question id. */
export function splitEpochs(records: readonly ResultRecord[]): { results: ResultRecord[]; extra: EpochResults[] } {
  const by = new Map<number, ResultRecord[]>();
  for (const r of records) {
    const e = r.epoch ?? 1;
    const list = by.get(e);
    if (list) list.push(r);
    else by.set(e, [r]);
  }
  const results = (by.get(1) ?? []).sort(byQuestionId);
  const extra = [...by.entries()]
    .filter(([e]) => e > 1)
    .sort(([a], [b]) => a - b)
    .map(([epoch, list]) => ({ epoch, results: list.sort(byQuestionId) }));
  return { results, extra };
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
