import { close, existsSync, fdatasync, mkdirSync, openSync, readFileSync, write } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { ResultRecordSchema, MetadataSchema, type Metadata, type ResultRecord } from '../results/schema.js';

/**
 * The journal `<out>.jsonl`: every finished question, appended and flushed to
 * disk at once, so a `kill -9` or a power cut loses at most the requests in
 * flight. Line 1 is a header (`{"jmle_bench_journal":1,"metadata":{…}}`),
 * then one result record per line. The file is created on the first record
 * (so a run that fails at once leaves nothing behind) and removed once the
 * result file is written.
 */

export const JOURNAL_FORMAT = 1;

export function journalPathFor(out: string): string {
  return `${out}.jsonl`;
}

export interface JournalContents {
  readonly metadata: Metadata | null;
  readonly records: ResultRecord[];
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
    if (i === 0) throw new UserError(`${path} is not a jmle-bench journal (no header line)`);
    const r = ResultRecordSchema.safeParse(data);
    if (r.success) records.push(r.data);
    else bad(i);
  });
  return { metadata, records, badLines, tornLastLine, damagedLines: badLines - (tornLastLine ? 1 : 0) };
}

export class Journal {
  readonly path: string;
  private readonly header: string;
  private readonly seed: readonly ResultRecord[];
  private fd: number | null = null;
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  /** `seed`: records carried over from a resumed run, written first so the journal alone is enough to resume. */
  constructor(path: string, metadata: Metadata, seed: readonly ResultRecord[] = []) {
    this.path = path;
    this.header = JSON.stringify({ jmle_bench_journal: JOURNAL_FORMAT, metadata });
    this.seed = seed;
  }

  /** Why writing failed (then nothing more is written), or null. */
  get failed(): string | null {
    return this.failure ? `cannot write the journal ${this.path}: ${(this.failure as NodeJS.ErrnoException).code ?? (this.failure as Error).message}` : null;
  }

  /** Queue a record; writes are batched and each batch is fsynced. */
  append(record: ResultRecord): void {
    this.pending.push(JSON.stringify(record));
    this.chain = this.chain.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    if (this.pending.length === 0 || this.failure) return;
    const lines = this.pending;
    this.pending = [];
    try {
      if (this.fd === null) {
        mkdirSync(dirname(this.path), { recursive: true });
        const first = [this.header, ...this.seed.map((r) => JSON.stringify(r)), ...lines].join('\n') + '\n';
        // Atomic: a stale journal (resumed or overwritten) is replaced whole, never half.
        await writeFileAtomic(this.path, first);
        this.fd = openSync(this.path, 'a');
        return;
      }
      // Plain fd calls: the promise FileHandle API costs several times more CPU per record.
      const fd = this.fd;
      const buf = Buffer.from(lines.join('\n') + '\n', 'utf8');
      await new Promise<void>((resolve, reject) => {
        const writeFrom = (offset: number): void =>
          write(fd, buf, offset, buf.length - offset, null, (err, n) => {
            if (err) return reject(err);
            if (offset + n < buf.length) return writeFrom(offset + n);
            fdatasync(fd, (e) => (e ? reject(e) : resolve()));
          });
        writeFrom(0);
      });
    } catch (e) {
      this.failure = e;
    }
  }

  /** Wait until every queued record is on disk. Throws if a write failed. */
  async flush(): Promise<void> {
    await this.chain;
    const failed = this.failed;
    if (failed) throw new UserError(failed, 1);
  }

  async close(): Promise<void> {
    await this.chain;
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }

  /** After the result file is safely written the journal is redundant. */
  async remove(): Promise<void> {
    await this.close();
    if (existsSync(this.path)) await unlink(this.path).catch(() => undefined);
  }
}
