import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { examEntry, loadExam } from '../exam/registry.js';
import type { DatasetIssue, Exam } from '../exam/types.js';
import { hashFile, verify } from './hash.js';
import { pullCommand } from '../exam/data-root.js';
import { readInstalled, type Installed } from './installed.js';
import { loadManifest, OPTIONAL_PARTS, partOf, type Manifest, type Part } from './manifest.js';

export interface FileCheck {
  /** Files the pinned manifest lists. */
  readonly total: number;
  readonly ok: number;
  readonly missing: readonly string[];
  /** Present but not the pinned bytes. */
  readonly differ: readonly string[];
}

/** The file check of one part of a source (the data, the images, the published results). */
export interface PartCheck extends FileCheck {
  readonly part: Part;
  /** An optional part's folder, relative to the source folder ("results/"). */
  readonly prefix?: string;
  /** What an optional part holds, in words. */
  readonly about?: string;
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
  /** Every file of the pinned manifest. */
  readonly files: FileCheck;
  /** The same check by part: `data` first, then the optional parts the manifest has. */
  readonly parts: readonly PartCheck[];
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

type FileState = 'ok' | 'missing' | 'differ';

/** Each pinned file's state on disk. */
async function fileStates(m: Manifest, dir: string): Promise<Map<string, FileState>> {
  const states = new Map<string, FileState>();
  await Promise.all(
    m.files.map(async (f) => {
      const path = join(dir, f.path);
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) return void states.set(f.path, 'missing');
      if (st.size !== f.size) return void states.set(f.path, 'differ');
      const d = await hashFile(path, f.git_blob_sha1 !== undefined ? f.size : undefined);
      states.set(f.path, d && verify(d, f).ok ? 'ok' : 'differ');
    }),
  );
  return states;
}

function tallyStates(paths: readonly string[], states: Map<string, FileState>): FileCheck {
  const of = (s: FileState) => paths.filter((p) => states.get(p) === s).sort();
  return { total: paths.length, ok: of('ok').length, missing: of('missing'), differ: of('differ') };
}

/** Compare the files on disk with the pinned manifest. */
export async function checkFiles(source: string, dir: string): Promise<FileCheck> {
  const m = loadManifest(source);
  return tallyStates(
    m.files.map((f) => f.path),
    await fileStates(m, dir),
  );
}

/** The same comparison, whole and by part. */
async function checkParts(m: Manifest, dir: string): Promise<{ files: FileCheck; parts: PartCheck[] }> {
  const states = await fileStates(m, dir);
  const pathsOf = (p: Part) => m.files.filter((f) => partOf(m, f) === p).map((f) => f.path);
  const parts: PartCheck[] = [{ part: 'data', ...tallyStates(pathsOf('data'), states) }];
  for (const p of OPTIONAL_PARTS) {
    const spec = m.parts?.[p];
    if (spec) parts.push({ part: p, prefix: spec.prefix, about: spec.about, ...tallyStates(pathsOf(p), states) });
  }
  return {
    files: tallyStates(
      m.files.map((f) => f.path),
      states,
    ),
    parts,
  };
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
  const { files, parts } = await checkParts(m, dir);
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
    files,
    parts,
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

/** The pull command that installs what an info report found missing, with the options the last pull used. */
function pullHint(i: DatasetInfo, part?: Part): string {
  const r = i.installed;
  const opts = [
    part === 'results' || r?.parts?.results ? ' --with-results' : '',
    part !== 'images' && r?.parts?.images === false ? ' --no-images' : '',
    r && !r.pinned ? ` --ref ${r.ref}` : '',
    r?.from ? ` --from ${r.from}` : '',
    i.foundVia === 'cache' ? '' : ` --data-dir ${/\s/.test(i.root) ? JSON.stringify(i.root) : i.root}`,
  ];
  return pullCommand(i.exam.id) + opts.join('');
}

/** One part's state: "all 110 match …", "not pulled (10 files): run …", or what is missing or differs. */
function partLine(i: DatasetInfo, p: PartCheck): string {
  const where = p.prefix ? `, in ${join(i.dir, p.prefix)}` : '';
  const about = p.about ? ` — ${p.about}` : '';
  if (p.ok === p.total) return `all ${p.total} match the pinned manifest${where}${about}`;
  if (p.part !== 'data' && p.missing.length === p.total) return `not pulled (${p.total} files): \`${pullHint(i, p.part)}\`${about}`;
  return (
    `${p.ok}/${p.total} match the pinned manifest` +
    (p.missing.length ? `; ${p.missing.length} missing (${listSome(p.missing)})` : '') +
    (p.differ.length ? `; ${p.differ.length} differ (${listSome(p.differ)})` : '') +
    (p.missing.length ? `: \`${pullHint(i, p.part)}\` fetches them` : '')
  );
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
    // The parts this source has that the pull covered ("data, images, results").
    const parts = r.parts
      ? i.parts
          .filter((p) => p.part === 'data' || r.parts?.[p.part])
          .map((p) => p.part)
          .join(', ')
      : '';
    const state = r.complete ? `complete${parts ? ` (${parts})` : ''}` : `INCOMPLETE (${r.files.length} files): rerun \`${pullHint(i)}\``;
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
  for (const p of i.parts) L.push(p.part === 'data' ? `files      data: ${partLine(i, p)}` : `  ${p.part.padEnd(9)}${partLine(i, p)}`);
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
