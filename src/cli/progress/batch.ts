import type { BatchCounts } from '../../providers/batch-api.js';
import type { BatchEvent } from '../../runner/batch.js';

/**
 * What the run's batches are doing, for the progress display: each batch's
 * latest status and per-state counts, summed into one line, e.g.
 * "batch in_progress: 120 succeeded, 3 errored, 277 processing of 400".
 * APIs without per-item counts (Gemini) show their state and size.
 */

interface Entry {
  readonly items: number;
  status: string;
  counts: BatchCounts | null;
  ended: boolean;
}

export class BatchBoard {
  private readonly batches = new Map<string, Entry>();

  /** Take an event in; true when the line it shows has changed. */
  update(e: BatchEvent): boolean {
    const before = this.text();
    switch (e.kind) {
      case 'submitted':
      case 'attached':
        this.batches.set(e.id, { items: e.items, status: e.kind, counts: null, ended: false });
        break;
      case 'status': {
        const b = this.batches.get(e.status.id);
        if (b) {
          b.status = e.status.status;
          b.counts = e.status.counts;
          b.ended = e.status.ended;
        }
        break;
      }
      case 'ended':
      case 'gone': {
        const b = this.batches.get(e.id);
        if (b) b.ended = true;
        break;
      }
      case 'retry':
        break;
    }
    return this.text() !== before;
  }

  /** Some batch is still running: the display is the batches', not the requests'. */
  get active(): boolean {
    return [...this.batches.values()].some((b) => !b.ended);
  }

  /** Items of the running batches, and how many of them are finished (any outcome): for the bar. */
  fraction(): { done: number; total: number } {
    let done = 0;
    let total = 0;
    for (const b of this.batches.values()) {
      if (b.ended) continue;
      total += b.items;
      if (b.counts) done += b.counts.succeeded + b.counts.errored + b.counts.expired + b.counts.canceled;
    }
    return { done, total };
  }

  text(): string {
    const running = [...this.batches.values()].filter((b) => !b.ended);
    if (running.length === 0) return '';
    const states = [...new Set(running.map((b) => b.status))].join(', ');
    const head = running.length === 1 ? `batch ${states}` : `${running.length} batches (${states})`;
    const total = running.reduce((n, b) => n + b.items, 0);
    if (running.some((b) => b.counts === null)) return `${head}: ${total} requests`;
    const sum = (k: keyof BatchCounts) => running.reduce((n, b) => n + (b.counts?.[k] ?? 0), 0);
    const parts = [`${sum('succeeded')} succeeded`];
    for (const k of ['errored', 'expired', 'canceled'] as const) if (sum(k) > 0) parts.push(`${sum(k)} ${k}`);
    parts.push(`${sum('processing')} processing of ${total}`);
    return `${head}: ${parts.join(', ')}`;
  }
}
