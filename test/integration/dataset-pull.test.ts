import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/command.js';
import { pullSource, type PullEvent } from '../../src/dataset/pull.js';
import { downloadFile } from '../../src/dataset/download.js';
import { loadManifest } from '../../src/dataset/manifest.js';
import { CLI, DATA_ROOT, JMLE2026_DIR } from '../helpers/data.js';

/**
 * `dataset pull` against a local HTTP server that serves the real data
 * (../shared/data/jmle2026, read in place) at `<base>/<upstream path>`, with
 * faults on demand: flipped bytes, connections cut mid-body, and request counts.
 */

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Upstream path → local file in the shared copy (upstream's LICENSE is kept as LICENSE.upstream). */
function localFor(upstream: string): string {
  return join(JMLE2026_DIR, upstream === 'LICENSE' ? 'LICENSE.upstream' : upstream);
}

/** The files a pull must install: the dataset JSON, every image, the licence (computed from the shared copy, not the manifest). */
function expectedFiles(): string[] {
  const imgs = readdirSync(join(JMLE2026_DIR, 'images'))
    .filter((f) => f.endsWith('.png'))
    .map((f) => `images/${f}`);
  return ['jmle2026_dataset.json', 'LICENSE.upstream', ...imgs].sort();
}

interface Faults {
  /** Paths served with one byte flipped. */
  corrupt: Set<string>;
  /** Path → how many requests to cut mid-body (Infinity = always). */
  cut: Map<string, number>;
  /** Path → replacement body (a "newer upstream version"), served under the /other prefix. */
  other: Map<string, Buffer>;
  /** Per request: hold the response until this resolves (to interrupt a pull mid-way). */
  gate?: Promise<void>;
}

const faults: Faults = { corrupt: new Set(), cut: new Map(), other: new Map() };
const requests = new Map<string, number>();
let server: Server;
let base = '';
const tmps: string[] = [];

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'jmle-pull-'));
  tmps.push(d);
  return d;
}

function resetFaults(): void {
  faults.corrupt.clear();
  faults.cut.clear();
  delete faults.gate;
  requests.clear();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      let path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').replace(/^\/+/, '');
      const isOther = path.startsWith('other/');
      if (isOther) path = path.slice('other/'.length);
      requests.set(path, (requests.get(path) ?? 0) + 1);
      if (faults.gate) await faults.gate;
      if (path.startsWith('synthetic/')) {
        res.end(Buffer.from('hello\n'));
        return;
      }
      const file = localFor(path);
      if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      let body = (isOther && faults.other.get(path)) || readFileSync(file);
      if (faults.corrupt.has(path)) {
        body = Buffer.from(body);
        body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
      }
      const cuts = faults.cut.get(path) ?? 0;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      if (cuts > 0) {
        faults.cut.set(path, cuts - 1);
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 5));
        return;
      }
      res.end(body);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no server address');
  base = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

function capture(env: NodeJS.ProcessEnv = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { PATH: process.env['PATH'], ...env },
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

async function cli(argv: string[], env?: NodeJS.ProcessEnv) {
  const io = capture(env);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Every file under dir (relative, '/'-separated). */
function walk(dir: string, top = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, top));
    else out.push(relative(top, p).split(sep).join('/'));
  }
  return out.sort();
}

const CORRUPT = 'images/120A-16_1.png';
const ALWAYS_CUT = 'images/120B-18_1.png';
const CUT_TWICE = 'jmle2026_dataset.json';

describe('dataset pull from a local server', () => {
  const root = tmp();
  const dir = join(root, 'jmle2026');
  const root2 = tmp();

  it('installs verified files, refuses a corrupted one and gives up on a file whose connection is always cut', async () => {
    resetFaults();
    faults.corrupt.add(CORRUPT);
    faults.cut.set(ALWAYS_CUT, Infinity);
    faults.cut.set(CUT_TWICE, 2);
    const r = await cli(['dataset', 'pull', '--from', base, '--data-dir', root]);
    expect(r.code).not.toBe(0);
    expect(r.code).toBe(1);

    // The checksum error: one line naming the file, expected (the real bytes' hash) vs got (the flipped bytes' hash).
    const good = readFileSync(localFor(CORRUPT));
    const bad = Buffer.from(good);
    bad[bad.length >> 1] = (bad[bad.length >> 1] as number) ^ 0xff;
    const line = r.err.split('\n').find((l) => l.includes(CORRUPT) && l.includes('mismatch'));
    expect(line, r.err).toBeDefined();
    expect(line).toContain(`jmle2026/${CORRUPT}`);
    expect(line).toContain(`expected ${sha256(good)}`);
    expect(line).toContain(`got ${sha256(bad)}`);
    expect(line).toContain('not installed');

    // The always-cut file: retried, then a clear error; no partial file in place.
    expect(requests.get(ALWAYS_CUT)).toBe(4);
    expect(r.err).toMatch(new RegExp(`jmle2026/${ALWAYS_CUT.replace('.', '\\.')}: download failed after 4 attempts`));
    // Cut twice, then served whole: retried and installed.
    expect(requests.get(CUT_TWICE)).toBe(3);
    expect(r.err).toContain(`retry 1: jmle2026/${CUT_TWICE}`);

    const installed = walk(dir).filter((p) => p !== '.jmle-manifest.json');
    const want = expectedFiles().filter((p) => p !== CORRUPT && p !== ALWAYS_CUT);
    expect(installed).toEqual(want); // nothing else: no temp files, no partial files
    for (const p of want) expect(sha256(readFileSync(join(dir, p))), p).toBe(sha256(readFileSync(localFor(p === 'LICENSE.upstream' ? 'LICENSE' : p))));
    expect(r.err).toMatch(/2 file\(s\) not installed.*Rerun `jmle-bench dataset pull --from \S+ --data-dir \S+` to fetch the rest/);

    const rec = JSON.parse(readFileSync(join(dir, '.jmle-manifest.json'), 'utf8'));
    expect(rec.complete).toBe(false);
    expect(rec.pinned).toBe(true);
    expect(rec.files).toHaveLength(want.length);
  });

  it('a rerun fetches only the missing files, then dataset info reports the pinned version', async () => {
    resetFaults();
    const r = await cli(['dataset', 'pull', '--from', base, '--data-dir', root]);
    expect(r.code, r.err).toBe(0);
    expect([...requests.keys()].sort()).toEqual([ALWAYS_CUT, CORRUPT].sort());
    expect(requests.get(CORRUPT)).toBe(1);
    const total = expectedFiles().length;
    expect(r.out).toContain(`jmle2026: ${total}/${total} files verified (2 downloaded, ${total - 2} already present)`);

    expect(walk(dir)).toEqual([...expectedFiles(), '.jmle-manifest.json'].sort());
    const version = sha256(readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json')));
    expect(r.out).toContain(`version sha256:${version}`);
    const rec = JSON.parse(readFileSync(join(dir, '.jmle-manifest.json'), 'utf8'));
    expect(rec).toMatchObject({ source: 'jmle2026', pinned: true, complete: true, version, from: base });
    expect(rec.ref).toBe(rec.pinned_commit);

    const info = await cli(['dataset', 'info', '--data-dir', root, '--json']);
    expect(info.code, info.err).toBe(0);
    const j = JSON.parse(info.out);
    expect(j.version).toBe(version);
    expect(j.versionMatchesPinned).toBe(true);
    // The default pull leaves the published results out: the data and the images are complete, the results not pulled.
    const byPart = Object.fromEntries((j.parts as { part: string; total: number; ok: number; missing: string[] }[]).map((p) => [p.part, p]));
    expect(byPart['data']).toMatchObject({ total: 2, ok: 2, missing: [], differ: [] });
    expect(byPart['images']).toMatchObject({ total: total - 2, ok: total - 2, missing: [], differ: [] });
    const results = byPart['results'];
    expect(results).toMatchObject({ ok: 0, prefix: 'results/' });
    expect(results?.missing).toHaveLength(results?.total ?? -1);
    expect(j.files).toMatchObject({ ok: total, total: total + (results?.total ?? 0) });
    expect(j.foundVia).toBe('flag');
    expect(j.installed.ref).toBe(rec.ref);
    expect(j.issues).toEqual([]);
    expect(j.counts.questions).toBe(400);

    // A third run downloads nothing.
    requests.clear();
    const again = await cli(['dataset', 'pull', '--from', base, '--data-dir', root, '--quiet']);
    expect(again.code).toBe(0);
    expect(requests.size).toBe(0);
    expect(again.out).toBe('');
  });

  it('--ref other accepts the served files and records their checksums as a new version', async () => {
    resetFaults();
    const orig = readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8');
    const data = JSON.parse(orig) as { question_id: string; answer: string[] }[];
    const q = data.find((x) => x.question_id === '120A-1');
    if (!q) throw new Error('120A-1 missing');
    q.answer = [q.answer[0] === 'a' ? 'b' : 'a']; // a "newer key"
    const newer = Buffer.from(JSON.stringify(data, null, 2));
    faults.other.set('jmle2026_dataset.json', newer);

    const r = await cli(['dataset', 'pull', '--from', `${base}/other`, '--data-dir', root, '--ref', 'v2-key']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('ref v2-key recorded as a new version');
    expect(r.out).toContain(`version sha256:${sha256(newer)}`);
    const rec = JSON.parse(readFileSync(join(dir, '.jmle-manifest.json'), 'utf8'));
    expect(rec).toMatchObject({ ref: 'v2-key', pinned: false, complete: true, version: sha256(newer) });
    const byPath = new Map((rec.files as { path: string; sha256: string }[]).map((f) => [f.path, f.sha256]));
    expect(byPath.size).toBe(expectedFiles().length);
    expect(byPath.get('jmle2026_dataset.json')).toBe(sha256(newer));
    expect(byPath.get(CORRUPT)).toBe(sha256(readFileSync(localFor(CORRUPT))));

    const info = await cli(['dataset', 'info', '--data-dir', root]);
    expect(info.code, info.err).toBe(0);
    expect(info.out).toContain(`version    sha256:${sha256(newer)} (differs from the pinned manifest`);
    expect(info.out).toContain('ref v2-key (not the pinned commit: a new dataset version)');
    expect(info.out).toMatch(/^files +data: 1\/2 match the pinned manifest; 1 differ \(jmle2026_dataset\.json\)$/m);
    expect(info.out).toMatch(/^ {2}images +all 110 match the pinned manifest, in \S+images\/ — the clinical images/m);
    expect(info.out).toMatch(
      /^ {2}results +not pulled \(\d+ files\): `jmle-bench dataset pull --with-results --ref v2-key --from \S+ --data-dir \S+` — the published result files/m,
    );

    // Rerunning the same unpinned ref skips what it recorded.
    requests.clear();
    const again = await cli(['dataset', 'pull', '--from', `${base}/other`, '--data-dir', root, '--ref', 'v2-key', '--quiet']);
    expect(again.code, again.err).toBe(0);
    expect(requests.size).toBe(0);

    // Back to the pinned commit: only the file that differs is fetched again.
    requests.clear();
    const back = await cli(['dataset', 'pull', '--from', base, '--data-dir', root, '--quiet']);
    expect(back.code, back.err).toBe(0);
    expect([...requests.keys()]).toEqual(['jmle2026_dataset.json']);
    const j = JSON.parse((await cli(['dataset', 'info', '--data-dir', root, '--json'])).out);
    expect(j.versionMatchesPinned).toBe(true);
    expect(j.installed).toMatchObject({ pinned: true, complete: true });
  });

  it('an interrupted pull leaves no temporary file, and the rerun fetches only what is missing', async () => {
    resetFaults();
    const ac = new AbortController();
    let done = 0;
    const onEvent = (e: PullEvent) => {
      if (e.type === 'file' && ++done === 30) ac.abort();
    };
    const first = await pullSource({ source: 'jmle2026', root: root2, from: base, signal: ac.signal, onEvent });
    expect(first.interrupted).toBe(true);
    expect(first.complete).toBe(false);
    const dir2 = join(root2, 'jmle2026');
    const present = walk(dir2).filter((p) => p !== '.jmle-manifest.json');
    expect(
      present.every((p) => !p.includes('.part') && !p.split('/').pop()?.startsWith('.')),
      present.join(','),
    ).toBe(true);
    for (const p of present) expect(sha256(readFileSync(join(dir2, p))), p).toBe(sha256(readFileSync(localFor(p === 'LICENSE.upstream' ? 'LICENSE' : p))));
    expect(present.length).toBeGreaterThanOrEqual(30);
    expect(present.length).toBeLessThan(expectedFiles().length);

    requests.clear();
    const second = await pullSource({ source: 'jmle2026', root: root2, from: base });
    expect(second.complete).toBe(true);
    expect(second.skipped).toBe(present.length);
    const fetched = [...requests.keys()].map((p) => (p === 'LICENSE' ? 'LICENSE.upstream' : p)).sort();
    expect(fetched).toEqual(expectedFiles().filter((p) => !present.includes(p)));
  });

  it('removes a stale temporary file left by a killed pull', async () => {
    resetFaults();
    const dir2 = join(root2, 'jmle2026'); // complete after the previous test
    const stale = join(dir2, '.jmle2026_dataset.json.999999999.deadbeef.part');
    writeFileSync(stale, 'partial');
    unlinkSync(join(dir2, 'jmle2026_dataset.json'));
    const r = await pullSource({ source: 'jmle2026', root: root2, from: base });
    expect(r.complete).toBe(true);
    expect(r.downloaded).toBe(1);
    expect([...requests.keys()]).toEqual(['jmle2026_dataset.json']);
    expect(existsSync(stale)).toBe(false);
  });
});

describe('dataset pull: usage errors', () => {
  it('rejects an unknown source, an unknown exam and conflicting selectors with one line and exit 2', async () => {
    for (const argv of [
      ['dataset', 'pull', '--source', 'nope'],
      ['dataset', 'pull', '--exam', '999'],
      ['dataset', 'pull', '--all', '--source', 'jmle2026'],
      ['dataset', 'pull', '--from', 'ftp://x'],
      ['dataset', 'pull', '--all', '--from', 'http://127.0.0.1:9/'],
      ['dataset', 'frobnicate'],
    ]) {
      const r = await cli(argv, { JMLE_CACHE_DIR: tmp() });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^jmle-bench: /);
    }
  });

  it('a data root that cannot be written (a file in the way) is one line naming the fix, exit 2, before any download', async () => {
    const blocker = join(tmp(), 'not-a-folder');
    writeFileSync(blocker, '');
    requests.clear();
    const r = await cli(['dataset', 'pull', '--from', base, '--data-dir', blocker, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(
      /^jmle-bench: dataset pull: cannot write to .*not-a-folder.*: a part of the path is not a folder \(ENOTDIR\); choose a writable data root/,
    );
    expect(requests.size).toBe(0);
  });

  it('a 404 (e.g. a ref that does not exist) is an error naming the URL, not retried', async () => {
    resetFaults();
    const root4 = tmp();
    const r = await cli(['dataset', 'pull', '--from', `${base}/missing`, '--data-dir', root4, '--ref', 'nosuchref', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('HTTP 404');
    expect(requests.get('missing/LICENSE')).toBe(1);
    for (const [path, n] of requests) expect(n, path).toBe(1); // a 404 is not retried
    // Every file 404s: it stops after a few instead of trying all 112.
    expect(r.err).toContain('stopped early');
    expect([...requests.values()].reduce((a, b) => a + b, 0)).toBeLessThan(30);
    expect(r.out).toMatch(/jmle2026: 0\/112 files installed/);
  });
});

describe('downloadFile with a git blob id (as the 119th images are pinned)', () => {
  it('accepts bytes whose blob id matches and refuses others, leaving nothing behind', async () => {
    const d = tmp();
    const dest = join(d, 'img.png');
    const got = await downloadFile({
      url: `${base}/synthetic/a`,
      dest,
      label: 'x/img.png',
      expected: { path: 'img.png', size: 6, git_blob_sha1: 'ce013625030ba8dba906f756967f9e9ca394464a' },
    });
    expect(got.gitBlobSha1).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    const dest2 = join(d, 'img2.png');
    await expect(
      downloadFile({ url: `${base}/synthetic/b`, dest: dest2, label: 'x/img2.png', expected: { path: 'img2.png', size: 6, git_blob_sha1: '1'.repeat(40) } }),
    ).rejects.toThrow(/x\/img2\.png: git blob sha1 mismatch: expected 1{40}, got ce013625030ba8dba906f756967f9e9ca394464a/);
    expect(readdirSync(d)).toEqual(['img.png']);
  });
});

/**
 * Each source's faithful copy served as upstream's raw file tree: `<base>/<source>/<upstream path>`
 * reads `<data root>/<source>/<local path>` (the local copy keeps LICENSE and IgakuQA's README
 * as *.upstream). `<base>/plain/<source>/<path>` serves the data folder as it is on disk, as a
 * plain static file server would.
 */
const RENAMED: Record<string, string> = { LICENSE: 'LICENSE.upstream', 'README.md': 'README.upstream.md' };

describe('dataset pull of each source from a faithful copy of its upstream tree', () => {
  let mirror: Server;
  let mirrorBase = '';
  const served: string[] = [];

  beforeAll(async () => {
    mirror = createServer((req, res) => {
      const url = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      served.push(url);
      const plain = url.startsWith('/plain/');
      const [source = '', ...rest] = url.replace(/^\/(plain\/)?/, '').split('/');
      const path = rest.join('/');
      const local = plain ? path : (RENAMED[path] ?? path);
      const file = join(DATA_ROOT, source, local);
      if (url.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', () => r()));
    const addr = mirror.address();
    if (!addr || typeof addr === 'string') throw new Error('no server address');
    mirrorBase = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => mirror.close(() => r()));
  });

  /** The copy's files a pull of `source` must install (computed from the copy, not from the manifest). */
  function copyFiles(source: string, keep: (p: string) => boolean): string[] {
    return walk(join(DATA_ROOT, source)).filter((p) => keep(p) && p !== '.jmle-manifest.json');
  }
  function expectSameBytes(root: string, source: string, files: string[]): void {
    expect(walk(join(root, source))).toEqual([...files, '.jmle-manifest.json'].sort());
    for (const p of files) expect(sha256(readFileSync(join(root, source, p))), p).toBe(sha256(readFileSync(join(DATA_ROOT, source, p))));
  }

  it('the 120th with --with-results: the dataset, every image, the licence and the published result files', async () => {
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--with-results', '--from', `${mirrorBase}/jmle2026`, '--data-dir', root]);
    expect(r.code, r.err).toBe(0);
    const files = copyFiles('jmle2026', () => true);
    expect(files.filter((p) => p.startsWith('results/')).length).toBeGreaterThanOrEqual(10);
    expectSameBytes(root, 'jmle2026', files);
    expect(r.out).toContain(`jmle2026: ${files.length}/${files.length} files verified`);
    expect(served).toContain('/jmle2026/LICENSE'); // asked by its upstream name

    const info = await cli(['dataset', 'info', '--data-dir', root]);
    expect(info.code, info.err).toBe(0);
    expect(info.out).toMatch(/^installed +ref 76c4b29475d3008072a77a091a0d27df049dadcd \(pinned\) .*, complete \(data, images, results\)$/m);
    expect(info.out).toMatch(
      new RegExp(`^ {2}results +all \\d+ match the pinned manifest, in ${join(root, 'jmle2026', 'results')}/ — the published result files`, 'm'),
    );
    const j = JSON.parse((await cli(['dataset', 'info', '--data-dir', root, '--json'])).out);
    expect(j.files.ok).toBe(j.files.total);
  });

  it('IgakuQA (112th–116th) with --with-results: questions, metadata, translations and the baseline predictions', async () => {
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--exam', '116', '--with-results', '--from', `${mirrorBase}/igakuqa`, '--data-dir', root, '--quiet']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const files = copyFiles('igakuqa', () => true);
    expect(files.filter((p) => p.startsWith('baseline_results/'))).toHaveLength(150);
    expectSameBytes(root, 'igakuqa', files);
    expect(served).toContain('/igakuqa/README.md');
    const info = await cli(['dataset', 'info', '--exam', '116', '--data-dir', root]);
    expect(info.out).toMatch(/^ {2}results +all 150 match the pinned manifest, in \S+baseline_results\/ — the published baseline predictions/m);
  });

  it('IgakuQA (without --with-results) leaves the baselines out and says so', async () => {
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--source', 'igakuqa', '--from', `${mirrorBase}/igakuqa`, '--data-dir', root]);
    expect(r.code, r.err).toBe(0);
    expectSameBytes(
      root,
      'igakuqa',
      copyFiles('igakuqa', (p) => !p.startsWith('baseline_results/')),
    );
    expect(r.out).toContain('published results not pulled (--with-results)');
  });

  it('the 119th: the answer key at results/correct_answers.csv, the questions and the licence; the images by their upstream paths', async () => {
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--exam', '119', '--no-images', '--from', `${mirrorBase}/igakuqa119`, '--data-dir', root]);
    expect(r.code, r.err).toBe(0);
    expect(served).toContain('/igakuqa119/results/correct_answers.csv');
    const data = copyFiles('igakuqa119', (p) => p !== 'images-manifest.tsv' && !p.startsWith('images/'));
    expect(data).toContain('results/correct_answers.csv');
    expect(data).toHaveLength(8);
    expectSameBytes(root, 'igakuqa119', data);
    expect(r.out).toContain('images not pulled (--no-images)');
    const info = await cli(['dataset', 'info', '--exam', '119', '--data-dir', root]);
    expect(info.code, info.err).toBe(0);
    expect(info.out).toMatch(/^ {2}images +not pulled \(150 files\): `jmle-bench dataset pull --exam 119 --from \S+ --data-dir \S+` — the clinical images/m);

    // With the images: asked at images/<name>, upstream's path. The shared copy holds only their blob ids
    // (images-manifest.tsv), so there each is a clean 404 and the pull stops after a few; a copy made by
    // `dataset pull` holds them, and the pull completes.
    served.length = 0;
    const withImages = await cli(['dataset', 'pull', '--exam', '119', '--from', `${mirrorBase}/igakuqa119`, '--data-dir', root, '--quiet']);
    const images = loadManifest('igakuqa119')
      .files.filter((f) => f.path.startsWith('images/'))
      .map((f) => `/igakuqa119/${f.path}`);
    expect(served.length).toBeGreaterThan(0);
    for (const url of served) expect(images).toContain(url);
    const present = images.filter((u) => existsSync(join(DATA_ROOT, u)));
    if (present.length === images.length) {
      expect(withImages.code, withImages.err).toBe(0);
      expect([...served].sort()).toEqual([...images].sort());
    } else {
      expect(present).toEqual([]);
      expect(withImages.code).toBe(1);
      expect(withImages.err.match(/: HTTP 404 Not Found from /g)).toHaveLength(served.length);
      expect(withImages.err).toContain('stopped early');
    }
  });

  it('a plain static server of a data folder also works: a renamed file is tried under its local name (LICENSE.upstream)', async () => {
    const root = tmp();
    served.length = 0;
    const r = await cli(['dataset', 'pull', '--exam', '119', '--no-images', '--from', `${mirrorBase}/plain/igakuqa119`, '--data-dir', root]);
    expect(r.code, r.err).toBe(0);
    expect(served.filter((u) => u.includes('LICENSE'))).toEqual(['/plain/igakuqa119/LICENSE', '/plain/igakuqa119/LICENSE.upstream']);
    expect(readFileSync(join(root, 'igakuqa119', 'LICENSE.upstream'))).toEqual(readFileSync(join(DATA_ROOT, 'igakuqa119', 'LICENSE.upstream')));
  });
});

describe('dataset pull without a network', () => {
  /** A local port that refuses connections: bound, then closed. */
  async function refusedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const addr = s.address();
    if (!addr || typeof addr === 'string') throw new Error('no server address');
    await new Promise<void>((r) => s.close(() => r()));
    return addr.port;
  }

  it('a refused connection: one line naming --data-dir / JMLE_DATA_DIR, exit 1, no retries and nothing written', async () => {
    const port = await refusedPort();
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--from', `http://127.0.0.1:${port}`, '--data-dir', root]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([
      `jmle-bench: cannot connect to 127.0.0.1:${port}: connection refused (ECONNREFUSED); the pull stopped. ` +
        `Check the network and --from and rerun \`jmle-bench dataset pull --from http://127.0.0.1:${port} --data-dir ${root}\`, ` +
        'or use a local copy of the data instead: give commands --data-dir DIR or set JMLE_DATA_DIR=DIR',
    ]);
    expect(existsSync(join(root, 'jmle2026', '.jmle-manifest.json'))).toBe(false);
    expect(walk(root)).toEqual([]);
  });

  it('a host name that does not resolve: the same one line, through the built CLI', () => {
    const root = tmp();
    const r = spawnSync(
      process.execPath,
      [CLI, 'dataset', 'pull', '--exam', '116', '--from', 'http://jmle-bench-offline.invalid/igakuqa', '--data-dir', root],
      {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^jmle-bench: cannot connect to jmle-bench-offline\.invalid: the host name could not be resolved \((ENOTFOUND|EAI_AGAIN)\); the pull stopped\. .*--data-dir DIR or set JMLE_DATA_DIR=DIR$/,
    );
  });

  it('a connection cut mid-download, once the host has answered, is a flaky network: retried, and the file installed', async () => {
    resetFaults();
    faults.cut.set('images/120A-18_1.png', 1);
    const root = tmp();
    const r = await cli(['dataset', 'pull', '--from', base, '--data-dir', root, '--quiet']);
    expect(r.code, r.err).toBe(0);
    expect(requests.get('images/120A-18_1.png')).toBe(2);
  });
});
