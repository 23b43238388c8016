import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { buildLeaderboard, runCoverage, type LeaderboardRow } from '../../src/reports/leaderboard.js';
import { compareRank } from '../../src/reports/ranking.js';
import { loadResultDir, type LoadedRun } from '../../src/runs/collection.js';
import { verdictOf } from '../../src/scoring/verdict.js';
import { roundHalfEven } from '../../src/util/round.js';
import { leaderboardPayload } from '../../src/viewer/data.js';
import { loadCollection } from '../../src/viewer/load.js';
import type { LeaderboardPayload } from '../../src/viewer/types.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

/**
 * The viewer keeps no copy of the ranking or the pass rule: the server sends
 * runs ranked by `reports/ranking.ts` with the verdict of `verdictOf`, and its
 * charts are `buildLeaderboard`'s tables. Checked here against the library on
 * an independent load of the same folder: complete runs in the CLI's order, a
 * partial run after every complete one, a skip-mode run only in the text-only
 * chart.
 */

const { exam } = loadExam({ dataDir: DATA_ROOT });
let dir: string;
let payload: LeaderboardPayload;
let runs: LoadedRun[];

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
  payload = leaderboardPayload(loadCollection(dir, { dataDir: DATA_ROOT }).exams[0]!);
  runs = loadResultDir(dir, { dataDir: DATA_ROOT }).runs;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r4 = (x: number) => roundHalfEven(x, 4);
const idOf = (path: string) => basename(path).replace(/\.json$/, '');

describe('the ranking the viewer receives', () => {
  it("is the CLI leaderboard's order (All table), then the partial run, which the CLI leaves out", () => {
    const lb = buildLeaderboard(runs);
    const names = payload.runs.filter((r) => r.imageMode !== 'skip').map((r) => r.displayName);
    expect(names).toEqual([...lb.all.map((r) => r.name), 'Partial']);
    const partial = payload.runs.find((r) => r.displayName === 'Partial')!;
    const low = payload.runs.find((r) => r.displayName === 'gpt-oss-20b (medium)')!;
    expect(partial.coverage).toEqual({ answered: 50, total: 400, complete: false });
    expect(partial.summary.score_pct).toBeGreaterThan(low.summary.score_pct); // a better % over 50 questions…
    expect(partial.rank).toBeGreaterThan(low.rank); // …does not outrank a complete run
    expect(payload.runs.at(-1)?.displayName).toBe('Partial');
    expect(payload.runs.map((r) => r.rank)).toEqual(payload.runs.map((_, i) => i + 1));
  });

  it('is the one comparator over every run, whatever order the files come in', () => {
    const expected = [...runs]
      .reverse()
      .map((r) => ({ id: idOf(r.path), key: { complete: runCoverage(r).complete, scorePct: r.summary.score_pct, accuracy: r.summary.accuracy, path: r.path } }))
      .sort((a, b) => compareRank(a.key, b.key))
      .map((x) => x.id);
    expect(payload.runs.map((r) => r.id)).toEqual(expected);
  });

  it("carries each run's official verdict (verdictOf its rescored summary)", () => {
    for (const r of payload.runs) {
      const own = runs.find((x) => idOf(x.path) === r.id)!;
      expect(r.verdict, r.id).toBe(verdictOf(own.summary));
    }
    expect(payload.runs.find((r) => r.displayName === 'Partial')?.verdict).toBe('incomplete');
    expect(payload.runs.find((r) => r.displayName === 'Claude Opus 4.6')?.verdict).toBe('pass-unless-kinki'); // the 120th does not disclose 禁忌肢
  });

  it("charts are buildLeaderboard's two tables with their intervals: skip-mode runs in the text-only one only, partial runs in neither", () => {
    const lb = buildLeaderboard(runs, { uncertainty: true });
    const bars = (rows: LeaderboardRow[]) =>
      rows.map((r) => ({
        run: idOf(r.path),
        score: r.score,
        max: r.scoreMax,
        pct: r.scorePct,
        ci: { low: r4(r.ci!.score.low), high: r4(r.ci!.score.high), level: r.ci!.score.level },
      }));
    expect(payload.charts.all).toEqual(bars(lb.all));
    expect(payload.charts.text).toEqual(bars(lb.text));
    expect(payload.charts.all.map((b) => b.run)).not.toContain('skipper');
    expect(payload.charts.text.find((b) => b.run === 'skipper')?.max).toBe(382);
    expect(payload.charts.notes.join('\n')).toMatch(/partial\.json: "Partial" answered 50 of 400/);
    expect(payload.charts.notes.join('\n')).not.toContain(dir);
  });

  it('gives every run the interval, rank range and P(pass) of `leaderboard --ci --uncertainty` over the questions it answered', () => {
    const lb = buildLeaderboard(runs, { uncertainty: true });
    for (const row of lb.all) {
      const entry = payload.runs.find((r) => r.id === idOf(row.path))!;
      expect(entry.stats?.score).toEqual({ low: r4(row.ci!.score.low), high: r4(row.ci!.score.high), level: 0.95 });
      expect(entry.stats?.accuracy).toEqual({ low: r4(row.ci!.accuracy.low), high: r4(row.ci!.accuracy.high), level: 0.95 });
      expect(entry.stats?.method).toMatch(/^95% interval on an exam like this one: questions resampled by serial case within each block/);
      expect([entry.stats?.rank_low, entry.stats?.rank_high]).toEqual([row.uncertainty?.rankLow, row.uncertainty?.rankHigh]);
      expect(entry.stats?.p_pass_exam).toBe(r4(row.uncertainty!.pPassExam!));
      expect(entry.stats?.p_pass_rerun).toBeUndefined(); // one epoch: not estimable
    }
    // The skip-mode run: its text-only row is its whole run; the partial run: computed the same way, around its own %.
    const skipRow = lb.text.find((r) => r.name === 'Skipper')!;
    expect(payload.runs.find((r) => r.id === 'skipper')?.stats?.score.low).toBe(r4(skipRow.ci!.score.low));
    const partial = payload.runs.find((r) => r.id === 'partial')!;
    expect(partial.stats!.score.low).toBeLessThanOrEqual(partial.summary.score_pct);
    expect(partial.stats!.score.high).toBeGreaterThanOrEqual(partial.summary.score_pct);
  });
});
