import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { allRecords } from '../results/epochs.js';
import { readResultFileSync } from '../results/io.js';
import { UserError } from '../util/errors.js';
import { journalPathFor } from './journal.js';
import { readJournal } from './journal-read.js';
import { mergeRecords, type PriorRun } from './resume.js';

/**
 * `--resume`: read what an earlier run left behind (its result file and its
 * journal, validated). Apart from resume.ts, so that a fresh run does not load
 * the schema library.
 */

/** `given` may be relative to `cwd`; messages use it as given. */
export function loadPriorRun(given: string, cwd = process.cwd()): PriorRun {
  const outPath = given.endsWith('.jsonl') ? given.slice(0, -'.jsonl'.length) : given;
  const journalPath = journalPathFor(outPath);
  const hasFile = existsSync(resolve(cwd, outPath));
  const hasJournal = existsSync(resolve(cwd, journalPath));
  if (!hasFile && !hasJournal) throw new UserError(`--resume: ${given} not found (neither ${outPath} nor ${journalPath} exists)`);
  const file = hasFile ? readResultFileSync(resolve(cwd, outPath)) : null;
  const journal = hasJournal ? readJournal(resolve(cwd, journalPath)) : null;
  const metadata = file?.metadata ?? journal?.metadata ?? null;
  if (!metadata) throw new UserError(`--resume: ${journalPath} has no readable header; cannot tell which model and dataset it belongs to`);
  return {
    given,
    outPath,
    metadata,
    records: mergeRecords(file ? allRecords(file) : [], journal?.records ?? []),
    openBatches: journal?.openBatches ?? [],
    journalDamage: { tornLastLine: journal?.tornLastLine ?? false, damagedLines: journal?.damagedLines ?? 0 },
  };
}
