import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { buildLeaderboard } from '../../src/reports/leaderboard.js';
import { loadResultDir } from '../../src/runs/collection.js';
import { loadCollection } from '../../src/viewer/load.js';
import type { RunEntry } from '../../src/viewer/types.js';
import { chartEntries, ranked } from '../../viewer/src/rank.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

/**
 * The viewer's ranking and charts agree with `jmle-bench leaderboard`: the same
 * order (score %, then accuracy), skip-mode runs out of the all-questions chart,
 * and a partial run ranked by its % rather than its points.
 */

const { exam } = loadExam({ dataDir: DATA_ROOT });
let dir: string;
let runs: RunEntry[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-viewer-rank-'));
  const read = (f: string) =>
    JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as { metadata: Record<string, unknown>; results: { question_id: string }[] };
  for (const f of ['openai_gpt-5.2.json', 'Qwen_Qwen3-32B.json', 'openai_gpt-oss-20b_medium.json', 'anthropic_claude-opus-4.6.json'])
    writeFileSync(join(dir, f), JSON.stringify(read(f)));
  // A skip-mode run: the text-only questions only.
  const skip = read('google_gemini-3.1-pro-preview.json');
  skip.metadata['image_mode'] = 'skip';
  skip.metadata['display_name'] = 'Skipper';
  skip.results = skip.results.filter((r) => !exam.byId.get(r.question_id)!.requiresImage);
  writeFileSync(join(dir, 'skipper.json'), JSON.stringify(skip));
  // A partial run (block B only): few points, a high %.
  const partial = read('Qwen_Qwen3-32B_nothink.json');
  partial.metadata['display_name'] = 'Partial';
  partial.results = partial.results.filter((r) => exam.byId.get(r.question_id)!.block === 'B');
  writeFileSync(join(dir, 'partial.json'), JSON.stringify(partial));
  runs = loadCollection(dir, { dataDir: DATA_ROOT }).exams[0]!.runs;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('viewer ranking', () => {
  it('is the CLI leaderboard order (All table); a partial run, which the CLI leaves out, comes after every complete run', () => {
    const lb = buildLeaderboard(loadResultDir(dir, { dataDir: DATA_ROOT }).runs);
    const names = ranked(runs)
      .filter((r) => r.imageMode !== 'skip')
      .map((r) => r.displayName);
    expect(names).toEqual([...lb.all.map((r) => r.name), 'Partial']);
    const partial = runs.find((r) => r.displayName === 'Partial')!;
    const low = runs.find((r) => r.displayName === 'gpt-oss-20b (medium)')!;
    expect(partial.coverage).toEqual({ answered: 50, total: 400, complete: false });
    expect(partial.summary.score_pct).toBeGreaterThan(low.summary.score_pct); // a better % over 50 questions…
    expect(names.indexOf('Partial')).toBeGreaterThan(names.indexOf('gpt-oss-20b (medium)')); // …does not outrank a complete run
    // With the CLI's --include-partial, both rank it by its % (the viewer just keeps it after the complete runs).
    const withPartial = buildLeaderboard(loadResultDir(dir, { dataDir: DATA_ROOT }).runs, { includePartial: true });
    expect(withPartial.all.map((r) => r.name)).toContain('Partial');
  });

  it('charts: skip-mode runs only in the text-only chart, with their whole score; values as the CLI tables', () => {
    const lb = buildLeaderboard(loadResultDir(dir, { dataDir: DATA_ROOT }).runs);
    const all = chartEntries(runs, 'all');
    expect(all.map((e) => e.run.displayName)).toEqual(lb.all.map((r) => r.name));
    expect(all.map((e) => [e.score, e.max, e.value])).toEqual(lb.all.map((r) => [r.score, r.scoreMax, r.scorePct]));
    const text = chartEntries(runs, 'text');
    expect(text.map((e) => e.run.displayName).sort()).toEqual(lb.text.map((r) => r.name).sort());
    for (const e of text) {
      const row = lb.text.find((r) => r.name === e.run.displayName)!;
      expect([e.score, e.max, e.value]).toEqual([row.score, row.scoreMax, row.scorePct]);
    }
    const values = text.map((e) => e.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(text.find((e) => e.run.displayName === 'Skipper')!.max).toBe(382);
  });
});
