import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResultRecord } from '../../src/results/schema.js';

// Every data sync the journal asks for, counted (and made, by the real call).
const syncs = vi.hoisted(() => ({ count: 0, fail: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
      syncs.count++;
      if (syncs.fail) return cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      fs.fdatasync(fd, cb);
    },
  };
});
const { Journal } = await import('../../src/runner/journal.js');

const rec = (id: string): ResultRecord => ({
  question_id: id,
  predicted: ['a'],
  gold: ['a'],
  correct: true,
  raw_response: '【回答】a',
  parse_success: true,
  error: null,
});
const linesOf = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1);

/** A journal with one record synced, then sealed, then `more` records written. */
async function sealedJournal(more: readonly string[]) {
  const path = join(mkdtempSync(join(tmpdir(), 'jmle-seal-')), 'o.json.jsonl');
  const journal = new Journal(path, { model: 'm' });
  journal.append(rec('TA-1')); // the first write: a synced temp file renamed into place
  await journal.flush();
  journal.seal();
  for (const id of more) journal.append(rec(id));
  await journal.flush();
  return { path, journal };
}

describe('a sealed journal (every answer in, the result file written next)', () => {
  beforeEach(() => {
    syncs.count = 0;
    syncs.fail = false;
  });
  it('syncs each batch of lines before it is sealed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jmle-seal-')), 'o.json.jsonl');
    const journal = new Journal(path, { model: 'm' });
    journal.append(rec('TA-1')); // the first write: a synced temp file renamed into place
    await journal.flush();
    journal.append(rec('TA-2'));
    await journal.flush();
    expect(syncs.count).toBe(1);
    await journal.close();
    expect(syncs.count).toBe(1);
  });
  it('writes the lines queued after it at once, without a sync of their own; removing it leaves nothing to sync', async () => {
    const { path, journal } = await sealedJournal(['TA-2', 'TA-3']);
    expect(linesOf(path).map((l) => (JSON.parse(l) as ResultRecord).question_id)).toEqual(['TA-1', 'TA-2', 'TA-3']);
    expect(syncs.count).toBe(0);
    await journal.remove();
    await journal.flush();
    expect(syncs.count).toBe(0);
  });
  it('kept instead (the result file could not be written), it is synced as it closes', async () => {
    const { path, journal } = await sealedJournal(['TA-2']);
    expect(syncs.count).toBe(0);
    await journal.close();
    expect(syncs.count).toBe(1);
    expect(linesOf(path)).toHaveLength(2);
  });
  it('a sync that fails as it closes is reported, as any failed write is', async () => {
    const { journal } = await sealedJournal(['TA-2']);
    expect(journal.failed).toBeNull();
    syncs.fail = true;
    await journal.close();
    expect(journal.failed).toMatch(/^cannot write the journal .*o\.json\.jsonl: EIO$/);
  });
});
