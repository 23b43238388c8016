import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { cacheRoot } from '../util/cache-root.js';
import { clearExamCache, examEntry } from '../exam/registry.js';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { describeFsError, UserError } from '../util/errors.js';
import { DownloadError, downloadFile, removeStaleTemps } from './download.js';
import { hashFile, verify } from './hash.js';
import {
  fileUrl,
  isPinnedRef,
  loadManifest,
  localNameUrl,
  manifestSources,
  OPTIONAL_PARTS,
  selectFiles,
  type Manifest,
  type ManifestFile,
  type OptionalPart,
  type PartChoice,
} from './manifest.js';
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
  /** The optional parts to install besides the data (default `DEFAULT_PARTS`: images, not published results). */
  readonly parts?: Partial<PartChoice>;
  readonly signal?: AbortSignal;
  /** Files in flight at once (default 8). */
  readonly concurrency?: number;
  readonly attempts?: number;
  readonly retryDelayMs?: number;
  readonly idleTimeoutMs?: number;
  readonly onEvent?: (e: PullEvent) => void;
}

/** What a pull installs unless told otherwise: the images (so --image-mode vision works), not the published results. */
export const DEFAULT_PARTS: PartChoice = { images: true, results: false };

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
  /** The optional parts this pull covered. */
  readonly parts: PartChoice;
  /** Optional parts the source has that this pull left out. */
  readonly leftOut: readonly OptionalPart[];
  /** Files this pull covers (the data and the chosen parts). */
  readonly total: number;
  /** Files fetched in this run. */
  readonly downloaded: number;
  /** Files already present and verified. */
  readonly skipped: number;
  readonly failed: readonly FileFailure[];
  readonly interrupted: boolean;
  /**
   * Set when the host could not be reached at all (the name did not resolve, the port
   * refused) on the first request: the pull stopped there, without retrying.
   */
  readonly unreachable?: { readonly host: string; readonly message: string };
  /** Set when the pull gave up early because nothing could be fetched (ref missing, server errors). */
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

/** Run `task` over `items` with at most `n` at once. */
async function eachLimited<T>(items: readonly T[], n: number, task: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

/**
 * Fetch one source's files into `<root>/<source>/`, each verified and renamed
 * into place; files already present (and right) are skipped, so an interrupted
 * pull continues where it stopped. The first file to fetch goes alone: when the
 * host cannot be reached at all, the pull stops after that one request instead
 * of retrying every file (`unreachable`). Writes `.jmle-manifest.json` at the
 * end, also after a failure (marked incomplete).
 */
export async function pullSource(opts: PullSourceOptions): Promise<PullResult> {
  const m: Manifest = loadManifest(opts.source);
  const ref = opts.ref ?? m.commit;
  const pinned = isPinnedRef(m, ref);
  const parts: PartChoice = { ...DEFAULT_PARTS, ...opts.parts };
  const files = selectFiles(m, parts);
  const dir = join(opts.root, m.source);
  const emit = opts.onEvent ?? (() => undefined);
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const previous = readInstalled(dir);
  const prior = new Map<string, string>();
  if (!pinned && previous && previous.ref === ref && !previous.pinned) {
    for (const f of previous.files) prior.set(f.path, f.sha256);
  }

  const dirs = new Set(files.map((f) => dirname(join(dir, f.path))));
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

  emit({ type: 'start', source: m.source, dir, ref, pinned, files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) });

  const installed = new Map<string, { size: number; sha256: string }>();
  const failed: FileFailure[] = [];
  let downloaded = 0;
  let skipped = 0;
  let interrupted = false;
  let unreachable: PullResult['unreachable'];
  let gaveUp: string | undefined;
  // Nothing fetched and several files failed with HTTP errors or on the connection: the server or
  // the ref is the problem, not the files — stop instead of trying every file.
  const giveUpAfter = Math.max(3, Math.min(concurrency, 8));

  // 1. What is already in place (local hashing only).
  const missing: ManifestFile[] = [];
  await eachLimited(files, concurrency, async (f) => {
    if (opts.signal?.aborted) return;
    const have = await alreadyThere(join(dir, f.path), f, pinned, prior);
    if (!have) return void missing.push(f);
    installed.set(f.path, { size: f.size, sha256: have });
    skipped++;
    emit({ type: 'file', source: m.source, path: f.path, skipped: true, size: f.size });
  });
  const order = new Map(files.map((f, i) => [f.path, i]));
  const queue = missing.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));

  /** Download one file, trying a served data folder's local name (LICENSE.upstream) when a mirror lacks the upstream one. */
  const download = async (f: ManifestFile, first: boolean) => {
    const common = {
      dest: join(dir, f.path),
      label: `${m.source}/${f.path}`,
      ...(pinned ? { expected: f } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
      ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
      ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
      retryUnreachable: !first,
      onBytes: (n: number) => emit({ type: 'bytes', source: m.source, n }),
      onRetry: (attempt: number, error: string, delayMs: number) => emit({ type: 'retry', source: m.source, path: f.path, attempt, error, delayMs }),
    };
    const url = fileUrl(m, ref, f, opts.from);
    try {
      return await downloadFile({ url, ...common });
    } catch (e) {
      const alt = opts.from !== undefined ? localNameUrl(f, opts.from) : undefined;
      if (!alt || !(e instanceof DownloadError) || e.status !== 404) throw e;
      return await downloadFile({ url: alt, ...common });
    }
  };

  const fetchOne = async (f: ManifestFile, first: boolean): Promise<void> => {
    if (opts.signal?.aborted || unreachable || gaveUp) return;
    try {
      const d = await download(f, first);
      installed.set(f.path, { size: d.size, sha256: d.sha256 });
      downloaded++;
      emit({ type: 'file', source: m.source, path: f.path, skipped: false, size: d.size });
    } catch (e) {
      const err = e instanceof DownloadError ? e : new DownloadError('network', `${m.source}/${f.path}: ${(e as Error).message}`);
      if (err.kind === 'aborted') return;
      if (err.kind === 'unreachable' && first) {
        unreachable = { host: new URL(fileUrl(m, ref, f, opts.from)).host, message: err.message };
        return;
      }
      failed.push({ path: f.path, kind: err.kind, message: err.message });
      if (downloaded === 0 && !gaveUp && failed.filter((x) => x.kind !== 'checksum').length >= giveUpAfter) {
        gaveUp = `the first ${failed.length} files failed and none succeeded; check that ${opts.from ?? `github.com/${m.repo}`} is reachable and has ref ${ref}`;
      }
      emit({ type: 'failed', source: m.source, path: f.path, kind: err.kind, message: err.message });
    }
  };

  // 2. The first file to fetch alone: a host that cannot be reached shows on one request. 3. The rest in parallel.
  const [first, ...rest] = queue;
  if (first) await fetchOne(first, true);
  await eachLimited(rest, concurrency, (f) => fetchOne(f, false));
  if (opts.signal?.aborted) interrupted = true;

  const complete = installed.size === files.length;
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
    parts,
    ...(version ? { version } : {}),
    files: files.flatMap((f) => {
      const got = installed.get(f.path);
      return got ? [{ path: f.path, size: got.size, sha256: got.sha256 }] : [];
    }),
  };
  // An interrupted pull still records what it verified, so a rerun of an unpinned ref can skip those files.
  // A host that could not be reached changed nothing: the previous record stays.
  if (!unreachable) await writeInstalled(dir, record);
  clearExamCache();

  return {
    source: m.source,
    repo: m.repo,
    dir,
    ref,
    pinned,
    parts,
    leftOut: OPTIONAL_PARTS.filter((p) => m.parts?.[p] && !parts[p]),
    total: files.length,
    downloaded,
    skipped,
    failed,
    interrupted,
    ...(unreachable ? { unreachable } : {}),
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
    // The other sources live on the same host: no use trying them when it cannot be reached.
    if (r.interrupted || r.unreachable) break;
  }
  return results;
}
