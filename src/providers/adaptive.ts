/**
 * `--parallel auto`: how many requests may be in flight, found while the run
 * goes, for a server whose limit the client does not know.
 *
 * Rejections (429, 503, 529) come back at once while answers take seconds, so
 * the controller learns the limit by growing slowly enough to hear a rejection
 * before it has sent many more:
 *
 * - ramp: from `initial`, the limit grows one slot at a time, at most one per
 *   latency / limit (so by at most ×e per smoothed answer latency, spread out
 *   rather than in bursts), and never beyond where the ramp began plus twice
 *   the answers received since (slow start's rule: no growth without answers).
 *   It grows only while requests wait for a slot.
 * - the first rejection of a request sent at `n` in flight ends the ramp: the
 *   limit becomes `n − 1`, the highest level known to work. (The client counts
 *   a request until its answer arrives, the server only until it sends it, so
 *   the client's count is never below the server's: `n − 1` is never below the
 *   server's real limit.)
 * - hold: after a quiet while (`probeAfter` latencies, doubling after each
 *   failed probe), and while the queue is not running dry, one probe
 *   raises the limit by one; a rejection there puts it back, and if a full
 *   window of answers arrives at the higher level the ramp resumes from it.
 * - a rejection of a request sent within the held limit means a level that
 *   worked no longer does (a rate limit, a neighbour on the same key): the
 *   limit halves, and new requests wait out the rejection's Retry-After (those
 *   in flight run on). The ramp's and a probe's overshoot is answered by the
 *   lower limit alone; the rejected request itself always waits its
 *   Retry-After (`withRetry`).
 * - a rejection of a request sent above the current limit (before a decrease)
 *   says nothing new: it is counted and changes nothing.
 *
 * Pure logic over the caller's clock; `withRateLimit` asks it for the limit.
 */

export interface AdaptiveOptions {
  /** Highest limit (`--max-parallel`). */
  readonly max: number;
  /** Where the ramp starts (default 8, or `max` if lower). */
  readonly initial?: number;
  /** Latencies of quiet holding before the first probe (default 8; doubles after each failed probe, up to 64). */
  readonly probeAfter?: number;
}

/** What the limiter keeps of a request it sent, to report how it ended. */
export interface SendTicket {
  /** Requests in flight when it was sent, itself included. */
  readonly level: number;
  readonly sentAt: number;
}

export type SendOutcome = { readonly kind: 'ok' } | { readonly kind: 'rejected'; readonly retryAfterMs: number | null } | { readonly kind: 'other' };

/** What a run with `--parallel auto` did, for its metadata. */
export interface AdaptiveStats {
  readonly limit: number;
  /** Rejected requests (429/503/529) the controller heard of. */
  readonly rejected: number;
  /** Times the limit was lowered. */
  readonly decreases: number;
}

export const DEFAULT_INITIAL = 8;
const MAX_PROBE_AFTER = 64;
/** Smoothing of the answer latency (exponentially weighted: the newest answer counts this much). */
const LATENCY_WEIGHT = 0.2;

export class AdaptiveConcurrency {
  private readonly max: number;
  private readonly firstProbeAfter: number;
  private current: number;
  private phase: 'ramp' | 'hold' = 'ramp';
  /** Ramp: the limit when it began, answers since, and the last step. */
  private rampBase: number;
  private rampAnswers = 0;
  private lastStep: number | null = null;
  /** Smoothed latency of answers, ms (null until the first). */
  private latency: number | null = null;
  /** Hold: since when, and how many latencies to wait before probing. */
  private holdSince = 0;
  private probeAfter: number;
  /** Probing at `current` (one above the held level): answers received at it so far. */
  private probing = false;
  private probeAnswers = 0;
  private paused = 0;
  private rejectedCount = 0;
  private decreaseCount = 0;

  constructor(opts: AdaptiveOptions) {
    if (!Number.isInteger(opts.max) || opts.max < 1) throw new Error('max must be a positive integer');
    this.max = opts.max;
    this.current = Math.max(1, Math.min(opts.initial ?? DEFAULT_INITIAL, opts.max));
    this.rampBase = this.current;
    this.firstProbeAfter = opts.probeAfter ?? 8;
    this.probeAfter = this.firstProbeAfter;
  }

  /** The limit now. `waiting`: requests queued for a slot (it grows only when there are some). */
  limit(now: number, waiting: number): number {
    if (waiting > 0) this.grow(now, waiting);
    return this.current;
  }

  /** No request may be sent before this time (a Retry-After while holding). */
  startsAt(): number {
    return this.paused;
  }

  /**
   * When the limit may next change by time alone (a ramp step, a probe, the end of a pause), with
   * `waiting` requests queued; null when only an answer or a new request can change it.
   */
  nextChange(now: number, waiting: number): number | null {
    const times: number[] = [];
    if (this.paused > now) times.push(this.paused);
    if (this.latency !== null && this.current < this.max && waiting > 0) {
      if (this.phase === 'ramp' && this.current < this.rampCap()) times.push(Math.max(now, (this.lastStep ?? now) + this.pace()));
      if (this.phase === 'hold' && !this.probing && this.busy(waiting)) times.push(Math.max(now, this.probeAt()));
    }
    return times.length > 0 ? Math.min(...times) : null;
  }

  sent(inFlight: number, now: number): SendTicket {
    return { level: inFlight, sentAt: now };
  }

  finished(ticket: SendTicket, outcome: SendOutcome, now: number): void {
    if (outcome.kind === 'ok') this.answered(ticket, now);
    else if (outcome.kind === 'rejected') this.rejected(ticket, outcome.retryAfterMs, now);
  }

  stats(): AdaptiveStats {
    return { limit: this.current, rejected: this.rejectedCount, decreases: this.decreaseCount };
  }

  // ---------------------------------------------------------------- internals

  /** Ramp steps are spread out: one per latency / limit. */
  private pace(): number {
    return (this.latency ?? 0) / this.current;
  }

  private rampCap(): number {
    return Math.min(this.max, this.rampBase + 2 * this.rampAnswers);
  }

  /**
   * Worth a probe: a window's worth of requests waits (or as many as can, `max` callers in all).
   * Near the end of a run the queue runs dry: one more slot gains little then, and a refused
   * probe would be retried after everyone else.
   */
  private busy(waiting: number): boolean {
    return waiting >= Math.min(this.current, this.max - this.current);
  }

  private probeAt(): number {
    return this.holdSince + this.probeAfter * (this.latency ?? 0);
  }

  private grow(now: number, waiting: number): void {
    if (now < this.paused || this.latency === null || this.current >= this.max) return;
    if (this.phase === 'ramp') {
      // One slot per pace step; steps missed while nobody waited are not made up in a burst.
      if (this.current < this.rampCap() && (this.lastStep === null || now - this.lastStep >= this.pace())) {
        this.current++;
        this.lastStep = now;
      }
    } else if (!this.probing && now >= this.probeAt() && this.busy(waiting)) {
      this.probing = true;
      this.probeAnswers = 0;
      this.current++;
    }
  }

  private answered(ticket: SendTicket, now: number): void {
    const took = Math.max(0, now - ticket.sentAt);
    this.latency = this.latency === null ? took : this.latency + LATENCY_WEIGHT * (took - this.latency);
    if (this.phase === 'ramp') {
      this.rampAnswers++;
    } else if (this.probing && ticket.level >= this.current) {
      // A full window answered one above the held level: the limit is higher than it looked. Ramp on.
      if (++this.probeAnswers >= this.current) {
        this.phase = 'ramp';
        this.probing = false;
        this.rampBase = this.current;
        this.rampAnswers = 0;
        this.lastStep = now;
        this.probeAfter = this.firstProbeAfter;
      }
    }
  }

  private rejected(ticket: SendTicket, retryAfterMs: number | null, now: number): void {
    this.rejectedCount++;
    // Sent at a level already given up (before a decrease): it says nothing new.
    if (ticket.level > this.current) return;
    if (this.phase === 'ramp' || (this.probing && ticket.level >= this.current)) {
      // Overshoot: the level below the rejected one is the highest known to work.
      if (this.probing) this.probeAfter = Math.min(this.probeAfter * 2, MAX_PROBE_AFTER);
      this.current = Math.max(1, ticket.level - 1);
    } else {
      // A level that worked no longer does: halve, and let everyone wait as the server asks.
      this.current = Math.max(1, Math.floor(ticket.level / 2));
      if (retryAfterMs !== null && retryAfterMs > 0) this.paused = Math.max(this.paused, now + retryAfterMs);
    }
    this.phase = 'hold';
    this.probing = false;
    this.holdSince = now;
    this.decreaseCount++;
  }
}
