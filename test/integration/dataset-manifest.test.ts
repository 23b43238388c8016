import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileHasher, verify } from '../../src/dataset/hash.js';
import { checkFiles } from '../../src/dataset/info.js';
import { fileUrl, isPinnedRef, loadManifest, manifestSources, upstreamPath } from '../../src/dataset/manifest.js';
import { DATA_ROOT, REPO_ROOT } from '../helpers/data.js';

const MAKE_MANIFEST = join(REPO_ROOT, 'scripts', 'make-manifest.mjs');
const tmps: string[] = [];
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

/** The 119th's images are pinned by git blob id; a faithful copy without them records them in this TSV. */
function blobRecorded(): Set<string> {
  const tsv = join(DATA_ROOT, 'igakuqa119', 'images-manifest.tsv');
  if (!existsSync(tsv)) return new Set();
  return new Set(
    readFileSync(tsv, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0] as string),
  );
}

describe('checksum manifests', () => {
  it('are what scripts/make-manifest.mjs builds from the data root (the faithful copy, or a full `dataset pull`)', () => {
    const out = execFileSync(process.execPath, [MAKE_MANIFEST, '--check', '--data', DATA_ROOT], { encoding: 'utf8' });
    expect(out).toMatch(/jmle2026: up to date \(122 files\)/);
    expect(out).toMatch(/igakuqa: up to date \(241 files\)/);
    expect(out).toMatch(/igakuqa119: up to date \(158 files\)/);
  });

  it('match the data root file by file: each at its local path with the pinned bytes (the 119th images: there, or recorded)', async () => {
    const recorded = blobRecorded();
    for (const s of manifestSources()) {
      const c = await checkFiles(s, join(DATA_ROOT, s));
      expect(c.differ, s).toEqual([]);
      expect(
        c.missing.filter((p) => !(s === 'igakuqa119' && recorded.has(p))),
        s,
      ).toEqual([]);
    }
  });

  it('pin the upstream commits, and list upstream paths: only the licence and README are renamed locally (*.upstream)', () => {
    const pins = Object.fromEntries(manifestSources().map((s) => [s, `${loadManifest(s).repo}@${loadManifest(s).commit}`]));
    expect(pins).toEqual({
      jmle2026: 'naoto-iwase/JMLE2026-Bench@76c4b29475d3008072a77a091a0d27df049dadcd',
      igakuqa: 'jungokasai/IgakuQA@2bc4c3d159cf5505f6253d24a909fbd53237e239',
      igakuqa119: 'docto-rin/IgakuQA119@2d942397cbaa1031ca139184bc4af16e1ffa202d',
    });
    const renamed = manifestSources().flatMap((s) =>
      loadManifest(s)
        .files.filter((f) => upstreamPath(f) !== f.path)
        .map((f) => `${s}: ${f.upstream} → ${f.path}`),
    );
    expect(renamed).toEqual(['igakuqa: README.md → README.upstream.md', 'igakuqa119: LICENSE → LICENSE.upstream', 'jmle2026: LICENSE → LICENSE.upstream']);
    const i119 = loadManifest('igakuqa119');
    expect(i119.files.map((f) => f.path).filter((p) => !p.startsWith('images/'))).toEqual([
      'LICENSE.upstream',
      'questions/119A_json.json',
      'questions/119B_json.json',
      'questions/119C_json.json',
      'questions/119D_json.json',
      'questions/119E_json.json',
      'questions/119F_json.json',
      'results/correct_answers.csv', // where upstream keeps the key
    ]);
    expect(i119.files.filter((f) => f.git_blob_sha1)).toHaveLength(150);
  });

  it("list the published results the data root holds: the 120th's result files and IgakuQA's baseline predictions", () => {
    const listed = (s: string, prefix: string) =>
      loadManifest(s)
        .files.map((f) => f.path)
        .filter((p) => p.startsWith(prefix));
    const results = readdirSync(join(DATA_ROOT, 'jmle2026', 'results')).filter((f) => f.endsWith('.json'));
    expect(listed('jmle2026', 'results/')).toEqual(results.map((f) => `results/${f}`).sort());
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(listed('igakuqa', 'baseline_results/')).toHaveLength(150);
    expect(loadManifest('jmle2026').parts?.results?.prefix).toBe('results/');
    expect(loadManifest('igakuqa').parts?.results?.prefix).toBe('baseline_results/');
  });

  it('build raw URLs from the upstream path, or from --from', () => {
    const m = loadManifest('jmle2026');
    const lic = m.files.find((f) => f.path === 'LICENSE.upstream');
    if (!lic) throw new Error('no licence entry');
    expect(fileUrl(m, m.commit, lic)).toBe(`https://raw.githubusercontent.com/naoto-iwase/JMLE2026-Bench/${m.commit}/LICENSE`);
    expect(fileUrl(m, 'main', lic, 'http://127.0.0.1:1/x/')).toBe('http://127.0.0.1:1/x/LICENSE');
    expect(isPinnedRef(m, m.commit)).toBe(true);
    expect(isPinnedRef(m, m.commit.slice(0, 7))).toBe(true);
    expect(isPinnedRef(m, m.commit.slice(0, 6))).toBe(false);
    expect(isPinnedRef(m, 'main')).toBe(false);
  });

  it('pin the 119th images by the git blob id of the images themselves in a copy without the TSV (as `dataset pull` leaves it)', () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-manifest-'));
    tmps.push(root);
    const dir = join(root, 'igakuqa119');
    for (const sub of ['questions', 'results', 'images']) mkdirSync(join(dir, sub), { recursive: true });
    const src = join(DATA_ROOT, 'igakuqa119');
    for (const f of readdirSync(join(src, 'questions'))) symlinkSync(join(src, 'questions', f), join(dir, 'questions', f));
    symlinkSync(join(src, 'results', 'correct_answers.csv'), join(dir, 'results', 'correct_answers.csv'));
    symlinkSync(join(src, 'LICENSE.upstream'), join(dir, 'LICENSE.upstream'));
    writeFileSync(join(dir, 'images', '119Z1.png'), 'hello\n');
    const out = join(root, 'manifests');
    mkdirSync(out);
    execFileSync(process.execPath, [MAKE_MANIFEST, '--data', root, '--out', out, 'igakuqa119'], { encoding: 'utf8' });
    const built = JSON.parse(readFileSync(join(out, 'igakuqa119.json'), 'utf8'));
    expect(built.files.find((f: { path: string }) => f.path === 'images/119Z1.png')).toEqual({
      path: 'images/119Z1.png',
      size: 6,
      git_blob_sha1: 'ce013625030ba8dba906f756967f9e9ca394464a', // git hash-object of "hello\n"
    });
    expect(built.files).toHaveLength(9);
  });
});

describe('git blob ids', () => {
  it('match `git hash-object` (sha1 of "blob <size>\\0" + bytes)', () => {
    const bytes = Buffer.from('hello\n');
    const h = new FileHasher(bytes.length);
    h.update(bytes);
    const d = h.digest();
    expect(d.gitBlobSha1).toBe('ce013625030ba8dba906f756967f9e9ca394464a'); // git hash-object of "hello\n"
    expect(d.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(verify(d, { path: 'x', size: 6, git_blob_sha1: 'ce013625030ba8dba906f756967f9e9ca394464a' })).toEqual({ ok: true });
    const bad = verify(d, { path: 'x', size: 6, git_blob_sha1: '0'.repeat(40) });
    expect(bad).toMatchObject({ ok: false, what: 'git blob sha1', got: 'ce013625030ba8dba906f756967f9e9ca394464a' });
    expect(verify(d, { path: 'x', size: 7, sha256: d.sha256 })).toMatchObject({ ok: false, what: 'size' });
  });
});
