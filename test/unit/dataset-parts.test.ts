import { describe, expect, it } from 'vitest';
import { fileUrl, loadManifest, localNameUrl, manifestSources, partOf, selectFiles, type Manifest } from '../../src/dataset/manifest.js';

/** A hand-written manifest: two data files (one renamed), an image and a published result. */
const m: Manifest = {
  source: 'demo',
  repo: 'someone/demo',
  commit: 'a'.repeat(40),
  parts: { images: { prefix: 'images/', about: 'pictures' }, results: { prefix: 'results/', about: 'published runs' } },
  files: [
    { path: 'LICENSE.upstream', upstream: 'LICENSE', size: 1, sha256: 'b'.repeat(64) },
    { path: 'questions.json', size: 1, sha256: 'c'.repeat(64) },
    { path: 'images/q1.png', size: 1, git_blob_sha1: 'd'.repeat(40) },
    { path: 'results/model.json', size: 1, sha256: 'e'.repeat(64) },
  ],
};
const paths = (choice: { images: boolean; results: boolean }) => selectFiles(m, choice).map((f) => f.path);

describe('the parts of a source', () => {
  it('are found by the manifest prefix; everything else is data', () => {
    expect(m.files.map((f) => partOf(m, f))).toEqual(['data', 'data', 'images', 'results']);
  });

  it('a pull installs the data always, and each optional part only when chosen', () => {
    expect(paths({ images: true, results: false })).toEqual(['LICENSE.upstream', 'questions.json', 'images/q1.png']);
    expect(paths({ images: false, results: true })).toEqual(['LICENSE.upstream', 'questions.json', 'results/model.json']);
    expect(paths({ images: false, results: false })).toEqual(['LICENSE.upstream', 'questions.json']);
  });

  it('a folder named like a part in a source that does not declare it is data (the 119th keeps its key in results/)', () => {
    const i119 = loadManifest('igakuqa119');
    expect(i119.parts?.results).toBeUndefined();
    const key = i119.files.find((f) => f.path === 'results/correct_answers.csv');
    expect(key && partOf(i119, key)).toBe('data');
    expect(selectFiles(i119, { images: false, results: false }).map((f) => f.path)).toContain('results/correct_answers.csv');
  });

  it('the committed manifests: the 120th publishes results and images, IgakuQA baselines, the 119th images', () => {
    expect(manifestSources()).toEqual(['igakuqa', 'igakuqa119', 'jmle2026']);
    const prefixes = Object.fromEntries(manifestSources().map((s) => [s, Object.entries(loadManifest(s).parts ?? {}).map(([k, v]) => `${k}=${v.prefix}`)]));
    expect(prefixes).toEqual({
      jmle2026: ['images=images/', 'results=results/'],
      igakuqa: ['results=baseline_results/'],
      igakuqa119: ['images=images/'],
    });
    for (const s of manifestSources()) {
      const man = loadManifest(s);
      for (const [name, spec] of Object.entries(man.parts ?? {})) {
        expect(
          man.files.some((f) => f.path.startsWith(spec.prefix)),
          `${s}: ${name}`,
        ).toBe(true);
      }
    }
  });
});

describe('URLs of a file', () => {
  it('are the upstream path under the raw base, or under a mirror; a renamed file also has its local name for a served data folder', () => {
    const lic = m.files[0]!;
    expect(fileUrl(m, m.commit, lic)).toBe(`https://raw.githubusercontent.com/someone/demo/${m.commit}/LICENSE`);
    expect(fileUrl(m, 'main', lic, 'http://mirror.test/demo/')).toBe('http://mirror.test/demo/LICENSE');
    expect(localNameUrl(lic, 'http://mirror.test/demo/')).toBe('http://mirror.test/demo/LICENSE.upstream');
    expect(localNameUrl(m.files[1]!, 'http://mirror.test/demo')).toBeUndefined();
  });
});
