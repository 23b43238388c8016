#!/usr/bin/env node
/**
 * Build the committed checksum manifests `manifests/<source>.json` from a local,
 * faithful copy of the upstream data (default: $JMLE_DATA_DIR, else ../shared/data),
 * or check them.
 *
 * Each source is declared below as data: upstream repository, pinned commit, which
 * files to take, and the optional parts a pull may leave out (images, published
 * results). A manifest lists, for every file, its path in the local layout (`path`),
 * its path upstream when that differs (`upstream`), its size, and its SHA-256 — or,
 * for the files pinned by git blob id only (the IgakuQA119 images), the blob id.
 *
 * Those blob ids come from the copy's `images-manifest.tsv` when it has one (the
 * shared copy holds the TSV, not the images) or else from the images themselves (a
 * copy made by `dataset pull`), so the same manifest is rebuilt from either copy.
 *
 * Usage: node scripts/make-manifest.mjs [--data DIR] [--check | --out DIR] [SOURCE...]
 *        node scripts/make-manifest.mjs --upstream SOURCE=GIT_DIR [--upstream …]
 *   --check      do not write; exit 1 if a committed manifest differs from what would be written
 *   --out DIR    write the manifests to DIR instead of manifests/
 *   --upstream   check the committed manifest of SOURCE against the upstream repository's tree
 *                at the pinned commit in GIT_DIR (a clone or mirror): every path is an upstream
 *                path, with the same size, git blob id, and SHA-256 where the blob is present
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The source specs. `include` are regular expressions on the upstream path;
 * `rename` maps an upstream path to its local name; `parts` are the optional
 * parts (a path prefix each) that `dataset pull` fetches only when asked;
 * `blobPinned` names the files pinned by git blob id and the TSV
 * (`path<TAB>size<TAB>git blob id`) that records them in a copy without them.
 */
const SPECS = [
  {
    source: 'jmle2026',
    repo: 'naoto-iwase/JMLE2026-Bench',
    commit: '76c4b29475d3008072a77a091a0d27df049dadcd',
    description: 'the 120th JMLE (2026), JMLE2026-Bench by Naoto Iwase; CC BY 4.0 (exam: MHLW, PDL 1.0)',
    versionFile: 'jmle2026_dataset.json',
    include: [/^jmle2026_dataset\.json$/, /^images\/[^/]+\.png$/, /^results\/[^/]+\.json$/, /^LICENSE$/],
    rename: { LICENSE: 'LICENSE.upstream' },
    parts: {
      images: { prefix: 'images/', about: 'the clinical images, needed only for --image-mode vision' },
      results: { prefix: 'results/', about: 'the published result files of the reference leaderboard' },
    },
  },
  {
    source: 'igakuqa',
    repo: 'jungokasai/IgakuQA',
    commit: '2bc4c3d159cf5505f6253d24a909fbd53237e239',
    description: 'the 112th–116th JMLE (2018–2022), IgakuQA by Kasai et al. (2023)',
    include: [/^data\/\d{4}\/[^/]+\.jsonl$/, /^baseline_results\/.+\.jsonl$/, /^README\.md$/],
    rename: { 'README.md': 'README.upstream.md' },
    parts: {
      results: { prefix: 'baseline_results/', about: 'the published baseline predictions of GPT-4, ChatGPT, GPT-3 and the student majority' },
    },
  },
  {
    source: 'igakuqa119',
    repo: 'docto-rin/IgakuQA119',
    commit: '2d942397cbaa1031ca139184bc4af16e1ffa202d',
    description: 'the 119th JMLE (2025), IgakuQA119 by docto-rin; exam: MHLW',
    include: [/^questions\/119[A-F]_json\.json$/, /^results\/correct_answers\.csv$/, /^LICENSE$/],
    rename: { LICENSE: 'LICENSE.upstream' },
    parts: {
      images: { prefix: 'images/', about: 'the clinical images, needed only for --image-mode vision' },
    },
    blobPinned: { files: /^images\/[^/]+\.png$/, tsv: 'images-manifest.tsv' },
  },
];

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

const gitBlobId = (bytes) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** The files pinned by git blob id: from the copy's TSV, else hashed from the files themselves. */
function blobPinnedEntries(spec, dir, locals) {
  const tsvPath = join(dir, spec.blobPinned.tsv);
  if (existsSync(tsvPath)) {
    const entries = [];
    for (const line of readFileSync(tsvPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const [path, size, blob] = line.split('\t');
      if (!path || !/^\d+$/.test(size ?? '') || !/^[0-9a-f]{40}$/.test(blob ?? '')) {
        throw new Error(`${spec.blobPinned.tsv}: bad line ${JSON.stringify(line)}`);
      }
      entries.push({ path, size: Number(size), git_blob_sha1: blob });
    }
    return entries;
  }
  return locals
    .filter((l) => spec.blobPinned.files.test(l.local))
    .map((l) => {
      const bytes = readFileSync(l.abs);
      return { path: l.local, size: bytes.length, git_blob_sha1: gitBlobId(bytes) };
    });
}

function build(spec, dataRoot) {
  const dir = join(dataRoot, spec.source);
  if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
  const localToUpstream = new Map(Object.entries(spec.rename ?? {}).map(([u, l]) => [l, u]));
  const locals = walk(dir).map((abs) => ({ abs, local: relative(dir, abs).split(sep).join('/') }));
  const files = [];
  for (const { abs, local } of locals) {
    const upstream = localToUpstream.get(local) ?? local;
    if (!spec.include.some((re) => re.test(upstream))) continue;
    const bytes = readFileSync(abs);
    const entry = { path: local };
    if (upstream !== local) entry.upstream = upstream;
    entry.size = bytes.length;
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
    files.push(entry);
  }
  if (spec.blobPinned) files.push(...blobPinnedEntries(spec, dir, locals));
  for (const u of Object.keys(spec.rename ?? {})) {
    if (!files.some((f) => (f.upstream ?? f.path) === u)) throw new Error(`${spec.source}: ${u} not found in ${dir}`);
  }
  for (const [name, part] of Object.entries(spec.parts ?? {})) {
    if (!files.some((f) => f.path.startsWith(part.prefix))) throw new Error(`${spec.source}: no file in part "${name}" (${part.prefix}) in ${dir}`);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = {
    source: spec.source,
    repo: spec.repo,
    commit: spec.commit,
    description: spec.description,
    ...(spec.versionFile ? { versionFile: spec.versionFile } : {}),
    ...(spec.parts ? { parts: spec.parts } : {}),
    files,
  };
  if (spec.versionFile && !files.some((f) => f.path === spec.versionFile)) throw new Error(`${spec.source}: ${spec.versionFile} missing`);
  return JSON.stringify(manifest, null, 2) + '\n';
}

/**
 * Problems of a committed manifest against the upstream tree at its pinned commit
 * (empty when every entry is an upstream path with the same size, blob id and bytes).
 */
function upstreamProblems(manifest, gitDir) {
  const git = (args, opts = {}) => execFileSync('git', ['-C', gitDir, ...args], { maxBuffer: 1 << 30, ...opts });
  const tree = new Map();
  for (const line of git(['ls-tree', '-r', '-l', manifest.commit], { encoding: 'utf8' }).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]{40}) +(\d+|-|BAD)\t(.+)$/.exec(line);
    if (m) tree.set(m[3], { blob: m[1], size: m[2] });
  }
  const problems = [];
  let bytesChecked = 0;
  for (const f of manifest.files) {
    const path = f.upstream ?? f.path;
    const t = tree.get(path);
    if (!t) {
      problems.push(`${path}: not in the tree at ${manifest.commit.slice(0, 12)}`);
      continue;
    }
    if (f.git_blob_sha1 !== undefined && f.git_blob_sha1 !== t.blob) problems.push(`${path}: git blob id ${f.git_blob_sha1}, upstream ${t.blob}`);
    let bytes;
    try {
      bytes = git(['cat-file', 'blob', t.blob], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      bytes = undefined; // a partial clone without this blob: the size comes from ls-tree alone
    }
    const size = bytes ? bytes.length : /^\d+$/.test(t.size) ? Number(t.size) : undefined;
    if (size === undefined) problems.push(`${path}: size unknown (blob ${t.blob} not in ${gitDir})`);
    else if (size !== f.size) problems.push(`${path}: size ${f.size}, upstream ${size}`);
    if (bytes && f.sha256 !== undefined) {
      bytesChecked++;
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== f.sha256) problems.push(`${path}: sha256 ${f.sha256}, upstream ${sha}`);
    }
  }
  return { problems, bytesChecked };
}

const { values, positionals } = parseArgs({
  options: { data: { type: 'string' }, check: { type: 'boolean' }, out: { type: 'string' }, upstream: { type: 'string', multiple: true } },
  allowPositionals: true,
});

function specFor(name) {
  const spec = SPECS.find((s) => s.source === name);
  if (!spec) {
    console.error(`make-manifest: unknown source "${name}"; known: ${SPECS.map((s) => s.source).join(', ')}`);
    process.exit(2);
  }
  return spec;
}

if (values.upstream) {
  let bad = 0;
  for (const arg of values.upstream) {
    const [name, gitDir] = arg.split(/=(.*)/s);
    if (!name || !gitDir) {
      console.error(`make-manifest: --upstream takes SOURCE=GIT_DIR, got "${arg}"`);
      process.exit(2);
    }
    const spec = specFor(name);
    const manifest = JSON.parse(readFileSync(join(REPO, 'manifests', `${spec.source}.json`), 'utf8'));
    const { problems, bytesChecked } = upstreamProblems(manifest, resolve(gitDir));
    bad += problems.length;
    for (const p of problems) console.log(`${name}: ${p}`);
    console.log(
      `${name}: ${problems.length ? `${problems.length} problem(s)` : 'matches'} github.com/${manifest.repo} at ${manifest.commit.slice(0, 12)} ` +
        `(${manifest.files.length} paths and sizes, ${bytesChecked} sha256 from the blobs, ${manifest.files.filter((f) => f.git_blob_sha1).length} git blob ids)`,
    );
  }
  process.exit(bad ? 1 : 0);
}

const dataRoot = resolve(values.data ?? process.env.JMLE_DATA_DIR ?? join(REPO, '..', 'shared', 'data'));
const wanted = positionals.length ? positionals : SPECS.map((s) => s.source);
let stale = 0;
for (const name of wanted) {
  const spec = specFor(name);
  const text = build(spec, dataRoot);
  const out = join(values.out !== undefined ? resolve(values.out) : join(REPO, 'manifests'), `${name}.json`);
  const count = JSON.parse(text).files.length;
  if (values.check) {
    const same = existsSync(out) && readFileSync(out, 'utf8') === text;
    if (!same) stale++;
    console.log(`${name}: ${same ? 'up to date' : 'DIFFERS'} (${count} files)`);
  } else {
    writeFileSync(out, text);
    console.log(`${name}: wrote ${relative(process.cwd(), out)} (${count} files)`);
  }
}
process.exit(stale ? 1 : 0);
