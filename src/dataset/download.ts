import { sleep } from '../util/sleep.js';
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileHasher, verify, type Digest } from './hash.js';
import type { ManifestFile } from './manifest.js';

/**
 * Why a file could not be installed. `checksum` and `http` are not retried;
 * `network` (a dropped or stalled connection, a 5xx) is; `unreachable` (no
 * connection was made at all: the name did not resolve, the port refused) is
 * retried unless the caller asks to fail fast.
 */
export type DownloadFailure = 'checksum' | 'http' | 'network' | 'unreachable' | 'aborted';

export class DownloadError extends Error {
  readonly kind: DownloadFailure;
  /** The HTTP status, for `http` and 5xx `network` failures. */
  readonly status?: number;
  constructor(kind: DownloadFailure, message: string, status?: number) {
    super(message);
    this.name = 'DownloadError';
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

/** Error codes meaning no connection was ever made, in words. */
const NO_CONNECTION: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved',
  EAI_FAIL: 'the host name could not be resolved',
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no network',
  EADDRNOTAVAIL: 'no network',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/**
 * Why a fetch could not connect at all ("connection refused (ECONNREFUSED)"), or
 * undefined when it is another kind of failure. Looks through `cause` chains and
 * the AggregateError Node raises when every address of a host refused.
 */
export function noConnectionReason(e: unknown, depth = 0): string | undefined {
  if (!(e instanceof Error) || depth > 4) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  if (code && NO_CONNECTION[code]) return `${NO_CONNECTION[code]} (${code})`;
  const inner = e instanceof AggregateError ? (e.errors as unknown[]) : [];
  for (const x of [e.cause, ...inner]) {
    const r = noConnectionReason(x, depth + 1);
    if (r) return r;
  }
  return undefined;
}

export interface DownloadOptions {
  readonly url: string;
  /** Final path; the bytes go to a temporary file beside it first. */
  readonly dest: string;
  /** Name used in messages, e.g. "jmle2026/images/120A-16_1.png". */
  readonly label: string;
  /** The pinned entry to verify against; absent for an unpinned ref (accepted as served). */
  readonly expected?: ManifestFile;
  readonly signal?: AbortSignal;
  /** Total attempts for a connection failure (default 4). */
  readonly attempts?: number;
  /** First retry delay; doubles each time (default 250 ms). */
  readonly retryDelayMs?: number;
  /** Abort an attempt that receives no bytes for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Bytes received (negative when a failed attempt's bytes are discarded). */
  readonly onBytes?: (n: number) => void;
  readonly onRetry?: (attempt: number, error: string, delayMs: number) => void;
  /** Retry when no connection could be made at all (default true); false fails at once with kind `unreachable`. */
  readonly retryUnreachable?: boolean;
}

const TEMP_SUFFIX = '.part';
const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]{8}\.part$/;

function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temporary files left in `dir` by a pull that was killed (its process is gone). */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    await unlink(join(dir, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  const cause = err.cause instanceof Error && err.cause.message && err.cause.message !== err.message ? `: ${err.cause.message}` : '';
  return `${err.message ?? String(e)}${cause}`;
}

/** A promise that rejects when `signal` aborts (never settles otherwise), and its cleanup. */
function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => onAbort && signal.removeEventListener('abort', onAbort) };
}

/**
 * The body's chunks, failing as soon as `aborted` rejects. (Iterating an aborted
 * fetch body directly can leave the pending read unsettled forever in Node 20's
 * undici; racing each read against the signal and cancelling the reader avoids
 * that hang.)
 */
async function* readChunks(body: ReadableStream<Uint8Array>, aborted: Promise<never>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
    try {
      reader.releaseLock();
    } catch {
      /* a read is still pending; the cancel settles it */
    }
  }
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** One attempt: stream to a temp file while hashing, verify, rename into place. */
async function attempt(opts: DownloadOptions, received: { n: number }): Promise<Digest> {
  const idle = new AbortController();
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  let timer = setTimeout(() => idle.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
  const tmp = tempPathFor(opts.dest);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  const aborted = abortPromise(signal);
  try {
    const res = await Promise.race([fetch(opts.url, { signal, redirect: 'follow' }), aborted.promise]);
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      const msg = `${opts.label}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${opts.url}`;
      throw new DownloadError(RETRY_STATUS.has(res.status) ? 'network' : 'http', msg, res.status);
    }
    const expected = opts.expected;
    const hasher = new FileHasher(expected?.git_blob_sha1 !== undefined ? expected.size : undefined);
    fh = await open(tmp, 'wx', 0o644);
    for await (const chunk of readChunks(res.body, aborted.promise)) {
      kick();
      hasher.update(chunk);
      await fh.write(chunk);
      received.n += chunk.length;
      opts.onBytes?.(chunk.length);
      if (expected && received.n > expected.size) {
        // Larger than pinned: no need to read the rest.
        throw new DownloadError('checksum', `${opts.label}: size mismatch: expected ${expected.size} bytes, got more (not installed)`);
      }
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    const digest = hasher.digest();
    if (expected) {
      const v = verify(digest, expected);
      if (!v.ok) throw new DownloadError('checksum', `${opts.label}: ${v.what} mismatch: expected ${v.expected}, got ${v.got} (not installed)`);
    }
    await rename(tmp, opts.dest);
    return digest;
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (e instanceof DownloadError) throw e;
    if (opts.signal?.aborted) throw new DownloadError('aborted', 'interrupted');
    if (idle.signal.aborted) throw new DownloadError('network', `connection stalled: ${describe(idle.signal.reason)}`);
    const never = noConnectionReason(e);
    if (never) throw new DownloadError('unreachable', `cannot connect to ${new URL(opts.url).host}: ${never}`);
    throw new DownloadError('network', `connection failed: ${describe(e)}`);
  } finally {
    clearTimeout(timer);
    aborted.dispose();
  }
}

/**
 * Download one file atomically: temporary file in the same folder, verified
 * against the manifest (when pinned), then renamed into place. A connection
 * failure is retried with exponential backoff (one that never connected only
 * when `retryUnreachable` allows); a checksum mismatch or an HTTP error such as
 * 404 is not. Nothing is left at `dest` or beside it on failure.
 */
export async function downloadFile(opts: DownloadOptions): Promise<Digest> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = opts.retryDelayMs ?? 250;
  let last = '';
  for (let i = 1; i <= attempts; i++) {
    const received = { n: 0 };
    try {
      return await attempt(opts, received);
    } catch (e) {
      if (received.n) opts.onBytes?.(-received.n);
      const err = e as DownloadError;
      const retryable = err.kind === 'network' || (err.kind === 'unreachable' && opts.retryUnreachable !== false);
      if (!retryable) throw err;
      last = err.message;
      if (i < attempts) {
        const delay = base * 2 ** (i - 1);
        opts.onRetry?.(i, last, delay);
        await sleep(delay, opts.signal, () => new DownloadError('aborted', 'interrupted'));
      }
    }
  }
  throw new DownloadError('network', `${opts.label}: download failed after ${attempts} attempts (${last})`);
}
