import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileHasher, verify } from '../../src/dataset/hash.js';
import { fileUrl, isPinnedRef, loadManifest, manifestSources } from '../../src/dataset/manifest.js';
import { DATA_ROOT, REPO_ROOT } from '../helpers/data.js';

describe('checksum manifests', () => {
  it('are up to date with the shared copy (scripts/make-manifest.mjs --check)', () => {
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'make-manifest.mjs'), '--check', '--data', DATA_ROOT], { encoding: 'utf8' });
    expect(out).toMatch(/jmle2026: up to date \(112 files\)/);
    expect(out).toMatch(/igakuqa: up to date \(241 files\)/);
    expect(out).toMatch(/igakuqa119: up to date \(158 files\)/);
  });

  it('cover every source with the pinned commits from the data README', () => {
    expect(manifestSources()).toEqual(['igakuqa', 'igakuqa119', 'jmle2026']);
    const readme = readFileSync(join(DATA_ROOT, 'README.md'), 'utf8');
    for (const s of manifestSources()) {
      const m = loadManifest(s);
      expect(readme).toContain(m.commit);
      expect(readme.toLowerCase()).toContain(m.repo.toLowerCase());
    }
    const j = loadManifest('jmle2026');
    expect(j.files.filter((f) => f.path.startsWith('images/'))).toHaveLength(110);
    expect(j.files.find((f) => f.path === 'LICENSE.upstream')?.upstream).toBe('LICENSE');
    const i119 = loadManifest('igakuqa119');
    expect(i119.files.filter((f) => f.git_blob_sha1)).toHaveLength(150);
    const tsv = readFileSync(join(DATA_ROOT, 'igakuqa119', 'images-manifest.tsv'), 'utf8')
      .trim()
      .split('\n');
    for (const line of tsv) {
      const [path, size, blob] = line.split('\t');
      expect(
        i119.files.find((f) => f.path === path),
        path,
      ).toEqual({ path, size: Number(size), git_blob_sha1: blob });
    }
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
