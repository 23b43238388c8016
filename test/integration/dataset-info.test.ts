import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/command.js';
import { readInstalled } from '../../src/dataset/installed.js';
import { loadManifest } from '../../src/dataset/manifest.js';
import { DATA_ROOT, JMLE2026_DIR } from '../helpers/data.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const DATASET = join(JMLE2026_DIR, 'jmle2026_dataset.json');

interface RawQ {
  question_id: string;
  block: string;
  question_type: string;
  requires_image: boolean;
  num_choices_to_select: number;
  clinical_images: string[];
}
const raw = JSON.parse(readFileSync(DATASET, 'utf8')) as RawQ[];

function tally(key: (q: RawQ) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of raw) out[key(q)] = (out[key(q)] ?? 0) + 1;
  return out;
}

const tmps: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'jmle-info-'));
  tmps.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
});

/** In-process CLI with a clean environment (no JMLE_DATA_DIR from the caller unless given). */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { PATH: process.env['PATH'], JMLE_CACHE_DIR: tmp(), ...env },
    cwd: process.cwd(),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('dataset info on the real 120th', () => {
  it('reports source, version and counts computed from the dataset itself (--json)', async () => {
    const r = await cli(['dataset', 'info', '--data-dir', DATA_ROOT, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    const m = loadManifest('jmle2026');
    expect(j.exam.id).toBe('120');
    expect(j.source).toMatchObject({ name: 'jmle2026', repo: 'naoto-iwase/JMLE2026-Bench', pinnedCommit: '76c4b29475d3008072a77a091a0d27df049dadcd' });
    expect(j.foundVia).toBe('flag');
    expect(j.dir).toBe(JMLE2026_DIR);
    expect(j.installed).toEqual(readInstalled(JMLE2026_DIR)); // null for a local copy; the record of a `dataset pull`
    expect(j.version).toBe(sha256(readFileSync(DATASET)));
    expect(j.versionMatchesPinned).toBe(true);
    expect(j.files).toEqual({ total: m.files.length, ok: m.files.length, missing: [], differ: [] });
    expect(j.parts.map((p: { part: string; ok: number; total: number }) => `${p.part} ${p.ok}/${p.total}`)).toEqual([
      'data 2/2',
      'images 110/110',
      `results ${m.files.filter((f) => f.path.startsWith('results/')).length}/${m.files.filter((f) => f.path.startsWith('results/')).length}`,
    ]);
    expect(j.counts.questions).toBe(raw.length);
    expect(j.counts.byBlock).toEqual(tally((q) => q.block));
    expect(j.counts.byType).toEqual(tally((q) => q.question_type));
    expect(j.counts.byImage).toEqual(tally((q) => (q.requires_image ? 'with_image' : 'text_only')));
    expect(j.counts.bySelect).toEqual(tally((q) => (q.question_type === 'calculation' ? 'calc' : String(q.num_choices_to_select))));
    expect(j.issues).toEqual([]);
  });

  it('finds the data through JMLE_DATA_DIR and says so', async () => {
    const r = await cli(['dataset', 'info'], { JMLE_DATA_DIR: DATA_ROOT });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`folder     ${JMLE2026_DIR} (found via JMLE_DATA_DIR)`);
    expect(r.out).toContain(`version    sha256:${sha256(readFileSync(DATASET))} (matches the pinned manifest)`);
    expect(r.out).toMatch(/by block +A: 75 · B: 50 · C: 75 · D: 75 · E: 50 · F: 75/);
    expect(r.out).toContain('issues     none');
  });
});

describe('dataset info on incomplete or changed data', () => {
  it('lists every missing image (JSON copied alone), exit 0', async () => {
    const root = tmp();
    mkdirSync(join(root, 'jmle2026'));
    copyFileSync(DATASET, join(root, 'jmle2026', 'jmle2026_dataset.json'));
    const r = await cli(['dataset', 'info', '--data-dir', root, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    const referenced = raw.flatMap((q) => q.clinical_images.map((img) => `${q.question_id} ${img}`));
    expect(referenced.length).toBeGreaterThan(100);
    const missing = (j.issues as { kind: string; questionId: string; message: string }[]).filter((i) => i.kind === 'missing-image');
    expect(missing).toHaveLength(referenced.length);
    for (const ref of referenced) {
      const [qid, img] = ref.split(' ') as [string, string];
      expect(
        missing.some((i) => i.questionId === qid && i.message.includes(img)),
        ref,
      ).toBe(true);
    }
    expect(j.versionMatchesPinned).toBe(true);
    expect(j.files.missing).toContain('LICENSE.upstream');
    expect(j.files.missing).toHaveLength(loadManifest('jmle2026').files.length - 1);

    const text = await cli(['dataset', 'info', '--data-dir', root]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`issues     ${referenced.length}`);
    expect(text.out).toContain('[missing-image] 120A-16: image 120A-16_1.png is missing');
  });

  it('says when the dataset is not the pinned version', async () => {
    const root = tmp();
    mkdirSync(join(root, 'jmle2026'));
    const changed = readFileSync(DATASET, 'utf8') + '\n';
    writeFileSync(join(root, 'jmle2026', 'jmle2026_dataset.json'), changed);
    const r = await cli(['dataset', 'info', '--data-dir', root, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.version).toBe(sha256(changed));
    expect(j.versionMatchesPinned).toBe(false);
    expect(j.files.differ).toEqual(['jmle2026_dataset.json']);
  });

  it('with no data anywhere: one line saying to run `jmle-bench dataset pull`, exit 2', async () => {
    const r = await cli(['dataset', 'info']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('run `jmle-bench dataset pull`');
  });
});
