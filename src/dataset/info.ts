import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { examEntry, loadExam } from '../exam/registry.js';
import type { DatasetIssue, Exam } from '../exam/types.js';
import { hashFile, verify } from './hash.js';
import { readInstalled, type Installed } from './installed.js';
import { loadManifest } from './manifest.js';

export interface FileCheck {
  /** Files the pinned manifest lists. */
  readonly total: number;
  readonly ok: number;
  readonly missing: readonly string[];
  /** Present but not the pinned bytes. */
  readonly differ: readonly string[];
}

export interface Counts {
  readonly questions: number;
  readonly byBlock: Record<string, number>;
  readonly byType: Record<string, number>;
  /** `with_image` / `text_only`, as the result summary's `by_image`. */
  readonly byImage: Record<string, number>;
  /** Answers to select (num_choices_to_select), by count; calculation questions under "calc". */
  readonly bySelect: Record<string, number>;
}

export interface DatasetInfo {
  readonly exam: { readonly id: string; readonly title: string };
  readonly source: {
    readonly name: string;
    readonly repo: string;
    readonly pinnedCommit: string;
    readonly description?: string;
  };
  readonly dir: string;
  readonly root: string;
  readonly foundVia: 'flag' | 'env' | 'cache';
  /** What `dataset pull` recorded (null: not installed by `dataset pull`, e.g. a local copy). */
  readonly installed: Installed | null;
  /** The dataset version (the loader's `exam.version`; the 120th: sha256 of the dataset JSON). */
  readonly version: string;
  /** The pinned manifest's version (sha256 of its version file), where it has one. */
  readonly pinnedVersion?: string;
  /** Version equals the pinned one (null when the manifest has no single version file: see `files`). */
  readonly versionMatchesPinned: boolean | null;
  readonly files: FileCheck;
  readonly counts: Counts;
  readonly issues: readonly DatasetIssue[];
}

function tally<T>(items: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

export function countQuestions(exam: Exam): Counts {
  const qs = exam.questions;
  return {
    questions: qs.length,
    byBlock: tally(qs, (q) => q.block),
    byType: tally(qs, (q) => q.type),
    byImage: tally(qs, (q) => (q.requiresImage ? 'with_image' : 'text_only')),
    bySelect: tally(qs, (q) => (q.type === 'calculation' ? 'calc' : String(q.selectCount))),
  };
}

/** Compare the files on disk with the pinned manifest. */
export async function checkFiles(source: string, dir: string): Promise<FileCheck> {
  const m = loadManifest(source);
  const missing: string[] = [];
  const differ: string[] = [];
  let ok = 0;
  await Promise.all(
    m.files.map(async (f) => {
      const path = join(dir, f.path);
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) return void missing.push(f.path);
      if (st.size !== f.size) return void differ.push(f.path);
      const d = await hashFile(path, f.git_blob_sha1 !== undefined ? f.size : undefined);
      if (d && verify(d, f).ok) ok++;
      else differ.push(f.path);
    }),
  );
  return { total: m.files.length, ok, missing: missing.sort(), differ: differ.sort() };
}

export interface InfoOptions {
  readonly exam?: string;
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Everything `dataset info` shows: source, where it was found, version, counts and issues. */
export async function datasetInfo(opts: InfoOptions = {}): Promise<DatasetInfo> {
  const entry = examEntry(opts.exam ?? DEFAULT_EXAM);
  const { exam, dataRoot } = loadExam({
    exam: entry.id,
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const m = loadManifest(entry.source);
  const dir = join(dataRoot.root, entry.source);
  const pinnedVersion = m.versionFile ? m.files.find((f) => f.path === m.versionFile)?.sha256 : undefined;
  return {
    exam: { id: exam.id, title: exam.rules.title },
    source: { name: m.source, repo: m.repo, pinnedCommit: m.commit, ...(m.description ? { description: m.description } : {}) },
    dir,
    root: dataRoot.root,
    foundVia: dataRoot.from,
    installed: readInstalled(dir),
    version: exam.version,
    ...(pinnedVersion ? { pinnedVersion } : {}),
    versionMatchesPinned: pinnedVersion ? pinnedVersion === exam.version : null,
    files: await checkFiles(entry.source, dir),
    counts: countQuestions(exam),
    issues: exam.issues,
  };
}

const VIA: Record<DatasetInfo['foundVia'], string> = { flag: '--data-dir', env: 'JMLE_DATA_DIR', cache: 'the download cache' };

function row(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}

function listSome(paths: readonly string[], max = 5): string {
  return paths.slice(0, max).join(', ') + (paths.length > max ? `, … (${paths.length - max} more)` : '');
}

/** The human-readable report. */
export function formatInfo(i: DatasetInfo): string {
  const L: string[] = [];
  const short = (s: string) => s.slice(0, 12);
  L.push(`exam       ${i.exam.id} (${i.exam.title})`);
  L.push(`source     ${i.source.name}: github.com/${i.source.repo}, pinned commit ${short(i.source.pinnedCommit)}`);
  L.push(`folder     ${i.dir} (found via ${VIA[i.foundVia]})`);
  if (i.installed) {
    const r = i.installed;
    const state = r.complete ? 'complete' : `INCOMPLETE (${r.files.length} files): rerun \`jmle-bench dataset pull${r.pinned ? '' : ` --ref ${r.ref}`}\``;
    L.push(
      `installed  ref ${r.ref}${r.pinned ? ' (pinned)' : ' (not the pinned commit: a new dataset version)'} on ${r.date}${r.from ? ` from ${r.from}` : ''}, ${state}`,
    );
  } else {
    L.push('installed  not by `jmle-bench dataset pull` (no .jmle-manifest.json): a local copy');
  }
  const match =
    i.versionMatchesPinned === null
      ? ''
      : i.versionMatchesPinned
        ? ' (matches the pinned manifest)'
        : ` (differs from the pinned manifest's ${short(i.pinnedVersion ?? '')}…)`;
  L.push(`version    sha256:${i.version}${match}`);
  const f = i.files;
  const fileState =
    f.ok === f.total
      ? `all ${f.total} match the pinned manifest`
      : `${f.ok}/${f.total} match the pinned manifest` +
        (f.missing.length ? `; ${f.missing.length} missing (${listSome(f.missing)})` : '') +
        (f.differ.length ? `; ${f.differ.length} differ (${listSome(f.differ)})` : '');
  L.push(`files      ${fileState}`);
  const c = i.counts;
  L.push(`questions  ${c.questions}`);
  L.push(`  by block   ${row(c.byBlock)}`);
  L.push(`  by type    ${row(c.byType)}`);
  L.push(`  by image   ${row(c.byImage)}`);
  L.push(`  to select  ${row(c.bySelect)}  (answers to choose; calc = calculation)`);
  if (i.issues.length === 0) L.push('issues     none');
  else {
    L.push(`issues     ${i.issues.length}`);
    for (const x of i.issues) L.push(`  [${x.kind}] ${x.message}`);
  }
  return L.join('\n');
}
