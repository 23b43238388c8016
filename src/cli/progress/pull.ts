import type { PullEvent } from '../../dataset/pull.js';

/**
 * The terminal display of `dataset pull`, built from the `PullEvent`s that
 * src/dataset emits (the library itself never writes to a terminal).
 */
export type PullProgressMode = 'tty' | 'plain' | 'quiet';

interface Stream {
  write(s: string): unknown;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Shows a pull's progress: on a TTY one live line (files done/total, bytes),
 * otherwise a plain line every `every` files; nothing but failures when quiet.
 * A source's header line waits for its first file, so a pull that stops before
 * any (the host cannot be reached) prints only the caller's one-line reason.
 * Retries and failures are always worth a line (failures even when quiet).
 */
export class PullProgress {
  private header = '';
  private source = '';
  private files = 0;
  private done = 0;
  private failed = 0;
  private bytes = 0;
  private totalBytes = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: Stream,
    private readonly mode: PullProgressMode,
    private readonly every = 25,
    private readonly now: () => number = Date.now,
  ) {}

  private line(): string {
    const failed = this.failed ? ` (${this.failed} failed)` : '';
    return `${this.source}: ${this.done}/${this.files} files${failed}, ${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)}`;
  }

  private draw(force = false): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.out.write(`\r\x1b[K${this.line()}`);
    this.drawn = true;
  }

  /** Clear the live line so that other output starts at column 0. */
  clear(): void {
    if (this.mode === 'tty' && this.drawn) {
      this.out.write('\r\x1b[K');
      this.drawn = false;
    }
  }

  /** Print a message above the live line (failures also when quiet). */
  private note(msg: string, always = false): void {
    if (this.mode === 'quiet' && !always) return;
    this.clear();
    this.out.write(`${msg}\n`);
    if (this.mode === 'tty' && this.done < this.files) this.draw(true);
  }

  /** The source's header, once, before its first other line. */
  private announce(): void {
    if (!this.header) return;
    const h = this.header;
    this.header = '';
    this.note(h);
  }

  handle = (e: PullEvent): void => {
    if (e.type === 'start') {
      this.source = e.source;
      this.files = e.files;
      this.totalBytes = e.bytes;
      this.done = 0;
      this.failed = 0;
      this.bytes = 0;
      const what = e.pinned ? ' (pinned, verified by checksum)' : ' (not the pinned commit: checksums recorded as a new version)';
      this.header = `${e.source}: ${e.files} files (${formatBytes(e.bytes)}) from ${e.ref.slice(0, 12)}${what} into ${e.dir}`;
      return;
    }
    if (this.mode !== 'quiet') this.announce();
    switch (e.type) {
      case 'bytes':
        this.bytes += e.n;
        if (this.mode === 'tty') this.draw();
        break;
      case 'file':
      case 'failed':
        this.done++;
        if (e.type === 'failed') {
          this.failed++;
          this.note(`jmle-bench: ${e.message}`, true);
        } else if (e.skipped) this.bytes += e.size;
        if (this.mode === 'tty') this.draw(this.done === this.files);
        else if (this.mode === 'plain' && (this.done % this.every === 0 || this.done === this.files)) this.out.write(`${this.line()}\n`);
        break;
      case 'retry':
        this.note(`  retry ${e.attempt}: ${e.source}/${e.path}: ${e.error} (again in ${e.delayMs} ms)`);
        break;
    }
  };
}
