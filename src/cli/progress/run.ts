import type { ResultRecord } from '../../results/schema.js';
import type { BatchEvent } from '../../runner/batch.js';
import { redact } from '../../util/redact.js';
import { BatchBoard } from './batch.js';

/**
 * Progress on stderr. On a terminal: one live bar (done/total, accuracy so
 * far, errors, retries, requests per second, ETA), redrawn at most 10 times a
 * second, cut to the terminal's width (a wrapped line could not be redrawn in
 * place) and cleared at the end, so the summary starts on a clean screen. The
 * bar is ASCII: block characters are double-width in many Japanese terminals.
 * Otherwise (CI, pipes): one plain line per 10 questions and at the end.
 * While batches run (`--batch`) the bar shows their counts instead (their
 * answers arrive when a batch ends), and plain output gets a line whenever
 * those counts change.
 */
export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export class Progress {
  private done = 0;
  private correct = 0;
  private errors = 0;
  private retries = 0;
  private readonly started: number;
  private lastDraw = 0;
  private barShown = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly batches = new BatchBoard();

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly mode: ProgressMode,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    if (mode === 'bar' && total > 0) {
      this.timer = setInterval(() => this.draw(true), 1000);
      this.timer.unref();
      this.draw(true);
    }
  }

  private rates(): { rate: number; eta: string } {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = this.done >= this.total ? '0s' : formatDuration(rate > 0 ? ((this.total - this.done) / rate) * 1000 : NaN);
    return { rate, eta };
  }

  private stats(): string {
    const { rate, eta } = this.rates();
    const acc = this.done > 0 ? `${((this.correct / this.done) * 100).toFixed(1)}%` : '--';
    const retries = this.retries > 0 ? `  retries ${this.retries}` : '';
    return `acc ${acc}  err ${this.errors}${retries}  ${rate.toFixed(1)} req/s  ETA ${eta}`;
  }

  private draw(force = false): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = t;
    const n = String(this.total).length;
    const batch = this.batches.active;
    const elapsed = formatDuration(t - this.started);
    const text = batch ? `${this.batches.text()}  (${elapsed})` : `${String(this.done).padStart(n)}/${this.total}  ${this.stats()}`;
    const { done, total } = batch ? this.batches.fraction() : { done: this.done, total: this.total };
    // On a narrow terminal the bar shrinks (or goes) before the figures are cut.
    const columns = this.stream.columns && this.stream.columns > 1 ? this.stream.columns - 1 : Infinity;
    const width = Math.min(24, columns - text.length - 5);
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = width >= 6 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    this.stream.write(`\r\x1b[2K${`  ${bar}${text}`.slice(0, columns)}`);
    this.barShown = true;
  }

  record(r: ResultRecord): void {
    this.done++;
    if (r.correct) this.correct++;
    if (r.error) this.errors++;
    if (this.mode === 'bar') this.draw();
    else if (this.mode === 'lines' && (this.done % 10 === 0 || this.done === this.total)) {
      const { rate, eta } = this.rates();
      const retries = this.retries > 0 ? `, ${this.retries} retries` : '';
      this.stream.write(
        `  [${this.done}/${this.total}] ${this.correct}/${this.done} correct, ${this.errors} errors${retries}, ${rate.toFixed(1)} req/s, ETA ${eta}\n`,
      );
    }
  }

  /** What a batch did (submitted, polled, ended…). */
  batch(e: BatchEvent): void {
    const changed = this.batches.update(e);
    if (e.kind === 'retry') this.retries++;
    if (this.mode === 'bar') this.draw(true);
    else if (this.mode === 'lines' && changed && e.kind === 'status' && this.batches.active) {
      this.stream.write(`  [${this.batches.text()}] ${formatDuration(this.now() - this.started)}\n`);
    }
  }

  /** A request failed and will be sent again. */
  retry(): void {
    this.retries++;
    if (this.mode === 'bar') this.draw();
  }

  /** A message that must not be overwritten by the bar (errors, Ctrl-C notes). */
  note(text: string): void {
    if (this.mode === 'bar' && this.barShown) this.stream.write('\r\x1b[2K');
    this.stream.write(redact(text) + '\n');
    if (this.mode === 'bar' && this.barShown) this.draw(true);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.mode === 'bar' && this.barShown) {
      this.stream.write('\r\x1b[2K');
      this.barShown = false;
    }
  }
}
