import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MetadataSchema, ResultRecordSchema, type Metadata, type ResultRecord } from '../results/schema.js';
import { UserError } from '../util/errors.js';
import type { JournaledBatch } from './journal.js';

/**
 * Reading a journal back (`--resume`, after a crash): every line validated.
 * Apart from writing (journal.ts), so a fresh run does not load the schema library.
 */

const BatchItemSchema = z.object({ custom_id: z.string(), question_id: z.string(), epoch: z.number().int().min(1) });
const BatchLineSchema = z.object({
  jmle_bench_batch: z.union([
    z.object({
      submitted: z.object({ id: z.string(), provider: z.string(), submitted_at: z.string(), items: z.array(BatchItemSchema) }),
    }),
    z.object({ closed: z.string() }),
  ]),
});

export interface JournalContents {
  readonly metadata: Metadata | null;
  readonly records: ResultRecord[];
  /** Batches submitted and not closed, in the order submitted. */
  readonly openBatches: JournaledBatch[];
  /** Lines that could not be read, in all. */
  readonly badLines: number;
  /** The last line was cut short: normal after a crash (a kill mid-write). */
  readonly tornLastLine: boolean;
  /** Unreadable lines before the last: a crash never does that; something else changed the file. */
  readonly damagedLines: number;
}

export function readJournal(path: string): JournalContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let metadata: Metadata | null = null;
  const records: ResultRecord[] = [];
  const batches = new Map<string, JournaledBatch>();
  let badLines = 0;
  let tornLastLine = false;
  const bad = (i: number) => {
    badLines++;
    if (i === lines.length - 1) tornLastLine = true;
  };
  lines.forEach((line, i) => {
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      bad(i);
      return;
    }
    if (data && typeof data === 'object' && 'jmle_bench_journal' in data) {
      const m = MetadataSchema.safeParse((data as { metadata?: unknown }).metadata);
      if (m.success) metadata = m.data;
      return;
    }
    if (data && typeof data === 'object' && 'jmle_bench_batch' in data) {
      const b = BatchLineSchema.safeParse(data);
      if (!b.success) bad(i);
      else if ('closed' in b.data.jmle_bench_batch) batches.delete(b.data.jmle_bench_batch.closed);
      else {
        const x = b.data.jmle_bench_batch.submitted;
        const items = x.items.map((i) => ({ customId: i.custom_id, questionId: i.question_id, epoch: i.epoch }));
        batches.set(x.id, { id: x.id, provider: x.provider, submittedAt: x.submitted_at, items });
      }
      return;
    }
    if (i === 0) throw new UserError(`${path} is not a jmle-bench journal (no header line)`);
    const r = ResultRecordSchema.safeParse(data);
    if (r.success) records.push(r.data);
    else bad(i);
  });
  return { metadata, records, openBatches: [...batches.values()], badLines, tornLastLine, damagedLines: badLines - (tornLastLine ? 1 : 0) };
}
