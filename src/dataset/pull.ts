import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { cacheRoot } from '../exam/data-root.js';
import { clearExamCache, examEntry } from '../exam/registry.js';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { describeFsError, UserError } from '../util/errors.js';
import { DownloadError, downloadFile, removeStaleTemps } from './download.js';
import { hashFile, verify } from './hash.js';
import { fileUrl, isPinnedRef, loadManifest, manifestSources, type Manifest, type ManifestFile } from './manifest.js';
import { readInstalled, writeInstalled, type Installed } from './installed.js';

/** What a pull reports while it works (progress display, logs). */
export type PullEvent =
  | {
      readonly type: 'start';
      readonly source: string;
      readonly dir: string;
      readonly ref: string;
      readonly pinned: boolean;
      readonly files: number;
      readonly bytes: number;
    }
  | { readonly type: 'file'; readonly source: string; readonly path: string; readonly skipped: boolean; readonly size: number }
  | { readonly type: 'bytes'; readonly source: string; readonly n: number }
  | { readonly type: 'retry'; readonly source: string; readonly path: string; readonly attempt: number; readonly error: string; readonly delayMs: number }
  | { readonly type: 'failed'; readonly source: string; readonly path: string; readonly kind: DownloadError['kind']; readonly message: string };

export interface PullSourceOptions {
  readonly source: string;
  /** Data root to write into: files go to `<root>/<source>/<path>`. */
  readonly root: string;
  /** Upstream ref (default: the manifest's pinned commit). */
  readonly ref?: string;
  /** Base URL replacing `https://raw.githubusercontent.com/<repo>/<ref>`. */
  readonly from?: string;
  readonly signal?: AbortSignal;
  /** Files in flight at once (default 8). */
  readonly concurrency?: number;
  readonly attempts?: number;
  readonly retryDelayMs?: number;
  readonly idleTimeoutMs?: number;
  readonly onEvent?: (e: PullEvent) => void;
}

export interface FileFailure {
  readonly path: string;
  readonly kind: DownloadError['kind'];
  readonly message: string;
}

export interface PullResult {
  readonly source: string;
  readonly repo: string;
  readonly dir: string;
  readonly ref: string;
  readonly pinned: boolean;
  readonly total: number;
  /** Files fetched in this run. */
  readonly downloaded: number;
  /** Files already present and verified. */
  readonly skipped: number;
  readonly failed: readonly FileFailure[];
  readonly interrupted: boolean;
  /** Set when the pull gave up early because nothing could be fetched (server unreachable, ref missing). */
  readonly gaveUp?: string;
  /** sha256 of the version file, when installed (the 120th: the dataset JSON = `exam.version`). */
  readonly version?: string;
  readonly complete: boolean;
}

/** Is the file already in place? Pinned: it matches the manifest. Unpinned: it matches the last record of the same ref. */
async function alreadyThere(path: string, f: ManifestFile, pinned: boolean, prior: Map<string, string>): Promise<string | null> {
  const want = pinned ? undefined : prior.get(f.path);
  if (!pinned && !want) return null;
  try {
    const st = await stat(path);
    if (!st.isFile() || (pinned && st.size !== f.size)) return null;
  } catch {
    return null;
  }
  const d = await hashFile(path, pinned && f.git_blob_sha1 !== undefined ? f.size : undefined);
  if (!d) return null;
  if (pinned) return verify(d, f).ok ? d.sha256 : null;
  return d.sha256 === want ? d.sha256 : null;
}

/**
 * Fetch one source's files into `<root>/<source>/`, each verified and renamed
 * into place; files already present (and right) are skipped, so an interrupted
 * pull continues where it stopped. Writes `.jmle-manifest.json` at the end,
 * also after a failure (marked incomplete).
 */
export async function pullSource(opts: PullSourceOptions): Promise<PullResult> {
  const m: Manifest = loadManifest(opts.source);
  const ref = opts.ref ?? m.commit;
  const pinned = isPinnedRef(m, ref);
  const dir = join(opts.root, m.source);
  const emit = opts.onEvent ?? (() => undefined);
  const previous = readInstalled(dir);
  const prior = new Map<string, string>();
  if (!pinned && previous && previous.ref === ref && !previous.pinned) {
    for (const f of previous.files) prior.set(f.path, f.sha256);
  }

  const dirs = new Set(m.files.map((f) => dirname(join(dir, f.path))));
  for (const d of dirs) {
    try {
      await mkdir(d, { recursive: true });
      await access(d, constants.W_OK);
    } catch (e) {
      throw new UserError(
        `dataset pull: cannot write to ${d}: ${describeFsError(e)}; choose a writable data root (--data-dir DIR, or JMLE_CACHE_DIR for the cache)`,
      );
    }
    await removeStaleTemps(d);
  }

  emit({ type: 'start', source: m.source, dir, ref, pinned, files: m.files.length, bytes: m.files.reduce((s, f) => s + f.size, 0) });

  const installed = new Map<string, { size: number; sha256: string }>();
  const failed: FileFailure[] = [];
  let downloaded = 0;
  let skipped = 0;
  let interrupted = false;
  const queue = [...m.files];
  let gaveUp: string | undefined;
  // Nothing fetched and several files failed on the connection or with HTTP errors: the server or
  // the ref is the problem, not the files — stop instead of trying every file.
  const giveUpAfter = Math.max(3, Math.min(opts.concurrency ?? 8, 8));

  const worker = async (): Promise<void> => {
    for (;;) {
      if (opts.signal?.aborted) {
        interrupted = true;
        return;
      }
      const f = queue.shift();
      if (!f) return;
      const dest = join(dir, f.path);
      const label = `${m.source}/${f.path}`;
      const have = await alreadyThere(dest, f, pinned, prior);
      if (have) {
        installed.set(f.path, { size: f.size, sha256: have });
        skipped++;
        emit({ type: 'file', source: m.source, path: f.path, skipped: true, size: f.size });
        continue;
      }
      try {
        const d = await downloadFile({
          url: fileUrl(m, ref, f, opts.from),
          dest,
          label,
          ...(pinned ? { expected: f } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
          ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
          ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
          onBytes: (n) => emit({ type: 'bytes', source: m.source, n }),
          onRetry: (attempt, error, delayMs) => emit({ type: 'retry', source: m.source, path: f.path, attempt, error, delayMs }),
        });
        installed.set(f.path, { size: d.size, sha256: d.sha256 });
        downloaded++;
        emit({ type: 'file', source: m.source, path: f.path, skipped: false, size: d.size });
      } catch (e) {
        const err = e instanceof DownloadError ? e : new DownloadError('network', `${label}: ${(e as Error).message}`);
        if (err.kind === 'aborted') {
          interrupted = true;
          return;
        }
        failed.push({ path: f.path, kind: err.kind, message: err.message });
        if (downloaded === 0 && !gaveUp && failed.filter((x) => x.kind !== 'checksum').length >= giveUpAfter) {
          gaveUp = `the first ${failed.length} files failed and none succeeded; check that ${opts.from ?? `github.com/${m.repo}`} is reachable and has ref ${ref}`;
          queue.length = 0;
        }
        emit({ type: 'failed', source: m.source, path: f.path, kind: err.kind, message: err.message });
      }
    }
  };

  const n = Math.max(1, Math.min(opts.concurrency ?? 8, m.files.length));
  await Promise.all(Array.from({ length: n }, () => worker()));
  if (opts.signal?.aborted) interrupted = true;

  const complete = installed.size === m.files.length;
  const version = m.versionFile ? installed.get(m.versionFile)?.sha256 : undefined;
  const record: Installed = {
    source: m.source,
    repo: m.repo,
    ref,
    pinned,
    pinned_commit: m.commit,
    ...(opts.from ? { from: opts.from } : {}),
    date: new Date().toISOString(),
    complete,
    ...(version ? { version } : {}),
    files: m.files.flatMap((f) => {
      const got = installed.get(f.path);
      return got ? [{ path: f.path, size: got.size, sha256: got.sha256 }] : [];
    }),
  };
  // An interrupted pull still records what it verified, so a rerun of an unpinned ref can skip those files.
  await writeInstalled(dir, record);
  clearExamCache();

  return {
    source: m.source,
    repo: m.repo,
    dir,
    ref,
    pinned,
    total: m.files.length,
    downloaded,
    skipped,
    failed,
    interrupted,
    ...(gaveUp ? { gaveUp } : {}),
    ...(version ? { version } : {}),
    complete,
  };
}

export interface PullDatasetOptions extends Omit<PullSourceOptions, 'source' | 'root'> {
  /** Exam id (default 120): pulls the source that holds it. */
  readonly exam?: string;
  /** A source by folder name (jmle2026, igakuqa, igakuqa119) instead of an exam. */
  readonly source?: string;
  /** Every source with a manifest. */
  readonly all?: boolean;
  /** Data root to fill (default: the cache, `cacheRoot(env)`). */
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Which sources a pull covers. */
export function sourcesToPull(o: Pick<PullDatasetOptions, 'exam' | 'source' | 'all'>): string[] {
  const chosen = [o.exam !== undefined, o.source !== undefined, o.all === true].filter(Boolean).length;
  if (chosen > 1) throw new UserError('dataset pull: give one of --exam, --source or --all');
  if (o.all) return manifestSources();
  if (o.source !== undefined) {
    loadManifest(o.source); // unknown source → one-line error listing the known ones
    return [o.source];
  }
  const entry = examEntry(o.exam ?? DEFAULT_EXAM);
  loadManifest(entry.source);
  return [entry.source];
}

/** Pull one exam's source (default the 120th), a named source, or all, into the cache or `dataDir`. */
export async function pullDataset(opts: PullDatasetOptions = {}): Promise<PullResult[]> {
  const sources = sourcesToPull(opts);
  if (opts.ref !== undefined && sources.length > 1) throw new UserError('dataset pull: --ref applies to one source; use --source or --exam with --ref');
  const root = opts.dataDir !== undefined ? resolve(opts.dataDir) : cacheRoot(opts.env);
  const results: PullResult[] = [];
  for (const source of sources) {
    const r = await pullSource({ ...opts, source, root });
    results.push(r);
    if (r.interrupted) break;
  }
  return results;
}
