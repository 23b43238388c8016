import { close, fdatasync, mkdirSync, openSync, unlinkSync, write } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import type { Metadata, ResultRecord } from '../results/schema.js';

/**
 * The journal `<out>.jsonl`: every finished question, appended and flushed to
 * disk at once, so a `kill -9` or a power cut loses at most the requests in
 * flight (once every answer is in, the result file's sync keeps the last
 * ones: see `seal`). Line 1 is a header (`{"jmle_bench_journal":1,"metadata":{…}}`),
 * then one result record per line. The file is created on the first record
 * (so a run that fails at once leaves nothing behind) and removed once the
 * result file is written, unless a batch is still open.
 *
 * Batch runs (`--batch`) add lines of their own, written and synced before the
 * batch is first polled: `{"jmle_bench_batch":{"submitted":{"id",…,"items":[…]}}}`
 * when a batch is accepted, `{"jmle_bench_batch":{"closed":"<id>"}}` once its
 * results are journaled. A batch submitted and not closed is open: `--resume`
 * attaches to it instead of submitting its items again. (Older readers skip
 * these lines as unreadable.)
 */

export const JOURNAL_FORMAT = 1;

export function journalPathFor(out: string): string {
  return `${out}.jsonl`;
}

/** A batch a run submitted: which sample each of its custom ids asks. */
export interface JournaledBatch {
  readonly id: string;
  readonly provider: string;
  /** ISO time the API accepted it. */
  readonly submittedAt: string;
  /** Its items in the order submitted. */
  readonly items: readonly { readonly customId: string; readonly questionId: string; readonly epoch: number }[];
}

function batchLine(b: JournaledBatch): string {
  const items = b.items.map((i) => ({ custom_id: i.customId, question_id: i.questionId, epoch: i.epoch }));
  return JSON.stringify({ jmle_bench_batch: { submitted: { id: b.id, provider: b.provider, submitted_at: b.submittedAt, items } } });
}

export class Journal {
  readonly path: string;
  private readonly metadata: Metadata | (() => Metadata);
  private readonly seed: readonly string[];
  private fd: number | null = null;
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** `seal()` was called: lines written from then on are not synced on their own. */
  private sealed = false;
  /** Lines written since the last sync (after `seal()`). */
  private unsynced = false;

  /**
   * `metadata` goes into the header; as a function, it is called when the
   * header is written (with the first record), not before.
   * `seed`: records carried over from a resumed run, and its open batches,
   * written first so the journal alone is enough to resume.
   */
  constructor(path: string, metadata: Metadata | (() => Metadata), seed: readonly ResultRecord[] = [], openBatches: readonly JournaledBatch[] = []) {
    this.path = path;
    this.metadata = metadata;
    this.seed = [...seed.map((r) => JSON.stringify(r)), ...openBatches.map(batchLine)];
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
        const metadata = typeof this.metadata === 'function' ? this.metadata() : this.metadata;
        const header = JSON.stringify({ jmle_bench_journal: JOURNAL_FORMAT, metadata });
        const first = [header, ...this.seed, ...lines].join('\n') + '\n';
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
            if (this.sealed) {
              this.unsynced = true;
              return resolve();
            }
            fdatasync(fd, (e) => (e ? reject(e) : resolve()));
          });
        writeFrom(0);
      });
    } catch (e) {
      this.failure = e;
    }
  }

  /** A batch the API accepted: on disk (synced) when this resolves, before the batch is first polled. Throws if it cannot be written. */
  async batchSubmitted(batch: JournaledBatch): Promise<void> {
    this.pending.push(batchLine(batch));
    this.chain = this.chain.then(() => this.drain());
    await this.flush();
  }

  /** A batch whose results are all journaled: a resume no longer attaches to it. */
  async batchClosed(id: string): Promise<void> {
    this.pending.push(JSON.stringify({ jmle_bench_batch: { closed: id } }));
    this.chain = this.chain.then(() => this.drain());
    await this.flush();
  }

  /** Wait until every queued record is on disk (after `seal()`: written, synced as the journal closes). Throws if a write failed. */
  async flush(): Promise<void> {
    await this.chain;
    const failed = this.failed;
    if (failed) throw new UserError(failed, 1);
  }

  /**
   * Every answer is in, and the result file is written next: the lines still
   * queued are written in turn (a killed process loses none of them: they
   * are in the system's cache) but not synced on their own. The result file,
   * synced, is what keeps them, and the journal is removed once it is in
   * place; a sync of the journal meanwhile would only compete with it for
   * the disk and hold up the exit (a process ends once the syncs it started
   * have). A journal kept instead (`close()`: the result file could not be
   * written, or a batch is still open) is synced as it closes.
   */
  seal(): void {
    this.sealed = true;
  }

  /** Close the file, synced first if lines were written unsynced after `seal()`. */
  async close(): Promise<void> {
    await this.closeFile(true);
  }

  private async closeFile(sync: boolean): Promise<void> {
    await this.chain;
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    if (sync && this.unsynced) {
      await new Promise<void>((resolve) =>
        fdatasync(fd, (e) => {
          if (e) this.failure ??= e;
          else this.unsynced = false;
          resolve();
        }),
      );
    }
    await new Promise<void>((resolve) => close(fd, () => resolve()));
  }

  /**
   * After the result file is safely written the journal is redundant: it is
   * removed at once, without waiting for its last records to finish writing
   * (the result file holds them); that write completes, and the file closes,
   * in the background, unsynced. Where an open file cannot be removed, it is
   * removed once closed; so is a journal whose first write is still under way.
   */
  async remove(): Promise<void> {
    // Open means created: later writes only append. A journal still being created is removed once it is.
    const created = this.fd !== null;
    const closed = this.closeFile(false);
    if (created && unlinkNow(this.path)) return;
    await closed;
    unlinkNow(this.path);
  }
}

/** Remove a file; true when it is gone (removed, or never there). */
function unlinkNow(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
