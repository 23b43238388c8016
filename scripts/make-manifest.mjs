#!/usr/bin/env node
/**
 * Build the committed checksum manifests `manifests/<source>.json` from a local,
 * faithful copy of the upstream data (default: ../shared/data).
 *
 * Each source is declared below as data: upstream repository, pinned commit, and
 * which files to take. A manifest lists, for every file, its path in the local
 * layout (`path`), its path upstream when that differs (`upstream`), its size, and
 * its SHA-256 — or, for files that are not in the local copy (the IgakuQA119
 * images), the git blob id recorded in `images-manifest.tsv`.
 *
 * Usage: node scripts/make-manifest.mjs [--data DIR] [--check] [SOURCE...]
 *   --check   do not write; exit 1 if a committed manifest differs from what would be written
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The source specs. `include` are regular expressions on the upstream path;
 * `rename` maps an upstream path to its local name; `extra` adds files that the
 * local copy does not hold, from a TSV of `path<TAB>size<TAB>git blob id`.
 */
const SPECS = [
  {
    source: 'jmle2026',
    repo: 'naoto-iwase/JMLE2026-Bench',
    commit: '76c4b29475d3008072a77a091a0d27df049dadcd',
    description: 'the 120th JMLE (2026), JMLE2026-Bench by Naoto Iwase; CC BY 4.0 (exam: MHLW, PDL 1.0)',
    versionFile: 'jmle2026_dataset.json',
    include: [/^jmle2026_dataset\.json$/, /^images\/[^/]+\.png$/, /^LICENSE$/],
    rename: { LICENSE: 'LICENSE.upstream' },
  },
  {
    source: 'igakuqa',
    repo: 'jungokasai/IgakuQA',
    commit: '2bc4c3d159cf5505f6253d24a909fbd53237e239',
    description: 'the 112th–116th JMLE (2018–2022), IgakuQA by Kasai et al. (2023)',
    include: [/^data\/\d{4}\/[^/]+\.jsonl$/, /^baseline_results\/.+\.jsonl$/, /^README\.md$/],
    rename: { 'README.md': 'README.upstream.md' },
  },
  {
    source: 'igakuqa119',
    repo: 'docto-rin/IgakuQA119',
    commit: '2d942397cbaa1031ca139184bc4af16e1ffa202d',
    description: 'the 119th JMLE (2025), IgakuQA119 by docto-rin; exam: MHLW',
    include: [/^questions\/119[A-F]_json\.json$/, /^results\/correct_answers\.csv$/, /^LICENSE$/],
    rename: { LICENSE: 'LICENSE.upstream' },
    extra: 'images-manifest.tsv',
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

function build(spec, dataRoot) {
  const dir = join(dataRoot, spec.source);
  if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
  const localToUpstream = new Map(Object.entries(spec.rename ?? {}).map(([u, l]) => [l, u]));
  const files = [];
  for (const abs of walk(dir)) {
    const local = relative(dir, abs).split(sep).join('/');
    const upstream = localToUpstream.get(local) ?? local;
    if (!spec.include.some((re) => re.test(upstream))) continue;
    const bytes = readFileSync(abs);
    const entry = { path: local };
    if (upstream !== local) entry.upstream = upstream;
    entry.size = bytes.length;
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
    files.push(entry);
  }
  if (spec.extra) {
    const tsv = readFileSync(join(dir, spec.extra), 'utf8');
    for (const line of tsv.split('\n')) {
      if (!line.trim()) continue;
      const [path, size, blob] = line.split('\t');
      if (!path || !/^\d+$/.test(size ?? '') || !/^[0-9a-f]{40}$/.test(blob ?? '')) {
        throw new Error(`${spec.extra}: bad line ${JSON.stringify(line)}`);
      }
      files.push({ path, size: Number(size), git_blob_sha1: blob });
    }
  }
  for (const u of Object.keys(spec.rename ?? {})) {
    if (!files.some((f) => (f.upstream ?? f.path) === u)) throw new Error(`${spec.source}: ${u} not found in ${dir}`);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = {
    source: spec.source,
    repo: spec.repo,
    commit: spec.commit,
    description: spec.description,
    ...(spec.versionFile ? { versionFile: spec.versionFile } : {}),
    files,
  };
  if (spec.versionFile && !files.some((f) => f.path === spec.versionFile)) throw new Error(`${spec.source}: ${spec.versionFile} missing`);
  return JSON.stringify(manifest, null, 2) + '\n';
}

const { values, positionals } = parseArgs({
  options: { data: { type: 'string' }, check: { type: 'boolean' } },
  allowPositionals: true,
});
const dataRoot = resolve(values.data ?? process.env.JMLE_DATA_DIR ?? join(REPO, '..', 'shared', 'data'));
const wanted = positionals.length ? positionals : SPECS.map((s) => s.source);
let stale = 0;
for (const name of wanted) {
  const spec = SPECS.find((s) => s.source === name);
  if (!spec) {
    console.error(`make-manifest: unknown source "${name}"; known: ${SPECS.map((s) => s.source).join(', ')}`);
    process.exit(2);
  }
  const text = build(spec, dataRoot);
  const out = join(REPO, 'manifests', `${name}.json`);
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
