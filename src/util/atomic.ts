import {
  accessSync,
  existsSync,
  mkdirSync,
  closeSync,
  readdirSync,
  constants,
  fchmodSync,
  fsync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * A fresh temp file beside `path`, named after this process (so a later write can
 * sweep it if the process dies) plus 8 random hex digits. It is always created
 * exclusively ('wx'), so nothing already there, a link included, is written through.
 */
function tempPathFor(path: string): string {
  sweepStaleTemps(path);
  const tag = Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tag}.tmp`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp files of earlier writes to `path` whose process died mid-write (e.g. kill -9). */
function sweepStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m || processAlive(Number(m[1]))) continue;
    removeQuietly(join(dirname(path), name));
  }
}

/** Remove a file that may already be gone. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already */
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}

/**
 * Where a write to `path` lands: an existing file's real path (a symbolic link
 * stays a link; its target is replaced) and permission bits (kept), else `path`
 * itself as a new file.
 */
function writeTarget(path: string): { target: string; mode?: number } {
  // Nothing there yet (a run's new result file): no real path to look for, and no error to make and throw away.
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return { target: path };
  try {
    const target = realpathSync(path);
    const st = statSync(target);
    return st.isFile() ? { target, mode: st.mode & 0o7777 } : { target };
  } catch {
    return { target: path };
  }
}

/**
 * True when `path` is an existing file that must not be replaced: no write
 * permission bit at all (read-only by the owner's choice, which root and an
 * atomic rename would otherwise ignore) or not writable by this process.
 */
export function isReadOnlyFile(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile()) return false;
    if ((st.mode & 0o222) === 0) return true;
    accessSync(path, constants.W_OK);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EPERM' || (e as NodeJS.ErrnoException).code === 'EROFS';
  }
}

/** A temporary file beside the write's target, holding the new bytes (and the kept mode), open and not yet synced. */
interface WrittenTemp {
  readonly fd: number;
  readonly tmp: string;
  readonly target: string;
}

/** Make the temporary file (see `tempPathFor`) and write `data` to it; on failure nothing is left behind. */
function writeTemp(path: string, data: string | Uint8Array): WrittenTemp {
  const { target, mode } = writeTarget(path);
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, 'wx', 0o644);
  const temp = { fd, tmp, target };
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (mode !== undefined) fchmodSync(fd, mode);
  } catch (e) {
    discard(temp);
    throw e;
  }
  return temp;
}

/** After a failure: the temporary file closed and removed, quietly (what failed is what is thrown). */
function discard({ fd, tmp }: WrittenTemp): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
  removeQuietly(tmp);
}

/** The synced temporary file takes the target's place, and the rename itself is synced. */
function install({ fd, tmp, target }: WrittenTemp): void {
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  fsyncDir(dirname(target));
}

/**
 * Write a file so that readers see either the old or the new content, never a
 * torn one. Replacing an existing file keeps its permission bits and, for a
 * symbolic link, writes where the link points.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temp = writeTemp(path, data);
  try {
    fsyncSync(temp.fd);
  } catch (e) {
    discard(temp);
    throw e;
  }
  install(temp);
}

export interface AtomicWriteOptions {
  /**
   * Called once the file's bytes are written and the sync to disk has begun
   * (the longest step): CPU work that can go on meanwhile. What it throws is
   * ignored.
   */
  readonly whileSyncing?: () => void;
}

/**
 * `writeFileAtomicSync` whose sync to disk, the one step that waits on the
 * device, leaves the event loop free (`whileSyncing` runs meanwhile). The
 * other steps are calls the file system answers at once, made in place: a
 * round trip through Node's thread pool each cost more than the call, and
 * the end of a run waited for every one of them (BENCHMARKS.md, "run
 * overhead"). Data given as a function is produced before the temporary file
 * is made; what it throws is thrown, and nothing is left behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | (() => string | Uint8Array), opts: AtomicWriteOptions = {}): Promise<void> {
  const temp = writeTemp(path, typeof data === 'function' ? data() : data);
  try {
    const syncing = new Promise<void>((resolve, reject) => fsync(temp.fd, (e) => (e ? reject(e) : resolve())));
    try {
      opts.whileSyncing?.();
    } catch {
      // the caller's own work: the write goes on
    }
    await syncing;
  } catch (e) {
    discard(temp);
    throw e;
  }
  install(temp);
}

/**
 * Can a file be written at `path` (created, or replaced atomically)? Creates the
 * folder if needed and tries a probe file beside the target; returns null when
 * it can, else the reason (an errno code or "read-only file"). Folders in
 * `writable` are known to take new files (probed for another path): they are
 * not probed again; a folder that passes is added.
 */
export function writeProblem(path: string, writable?: Set<string>): string | null {
  const dir = dirname(path);
  if (!writable?.has(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
      // A folder without any write bit is read-only by its owner's choice, which root would ignore.
      if ((statSync(dir).mode & 0o222) === 0) return 'read-only folder';
      const probe = join(dir, `.${basename(path)}.probe-${process.pid}`);
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    writable?.add(dir);
  }
  if (existsSync(path) && isReadOnlyFile(path)) return 'read-only file';
  return null;
}
