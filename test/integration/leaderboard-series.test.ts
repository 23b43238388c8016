import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadResultDir } from '../../src/runs/collection.js';
import { buildSeries, parseSeriesExams, seriesMarkdown } from '../../src/reports/series.js';
import { buildLeaderboard } from '../../src/reports/leaderboard.js';
import { leaderboardMarkdown } from '../../src/reports/leaderboard-render.js';
import { CLI, DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT } });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-series-'));
  for (const system of ['gpt4', 'chatgpt']) {
    const r = cli(['import', 'igakuqa', join(DATA_ROOT, 'igakuqa'), '--system', system, '--exam', '112-116', '--out-dir', dir]);
    expect(r.status, r.stderr).toBe(0);
  }
  copyFileSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(dir, 'gpt52.json'));
}, 60_000);

describe('parseSeriesExams', () => {
  it('expands ranges to the editions that exist and keeps order', () => {
    expect(parseSeriesExams('112-116,119,120')).toEqual(['112', '113', '114', '115', '116', '119', '120']);
    expect(parseSeriesExams('112-120')).toEqual(['112', '113', '114', '115', '116', '119', '120']);
    expect(parseSeriesExams('120, 116')).toEqual(['120', '116']);
  });
  it('rejects unknown exams and empty lists with a clear message', () => {
    expect(() => parseSeriesExams('117')).toThrow('--exams: 117 is not one of 112, 113, 114, 115, 116, 119, 120');
    expect(() => parseSeriesExams('')).toThrow(/at least one exam/);
    expect(() => parseSeriesExams('116-112')).toThrow(/backwards/);
  });
});

describe('series leaderboard', () => {
  it('one row per model, a cell per exam from the rescored summary, and the mean score %', () => {
    const { runs } = loadResultDir(dir, { dataDir: DATA_ROOT });
    const series = buildSeries(runs, parseSeriesExams('112-116,119,120'));
    const gpt4 = series.rows.find((r) => r.name === 'GPT-4 (IgakuQA)');
    expect(gpt4?.examsCovered).toBe(5);
    for (const run of runs.filter((r) => r.name === 'GPT-4 (IgakuQA)')) {
      expect(gpt4?.cells[run.exam.id]?.score).toBe(run.summary.score);
      expect(gpt4?.cells[run.exam.id]?.scoreMax).toBe(run.summary.score_max);
    }
    const pcts = runs.filter((r) => r.name === 'GPT-4 (IgakuQA)').map((r) => r.summary.score / r.summary.score_max);
    expect(gpt4?.meanPct).toBeCloseTo(pcts.reduce((a, b) => a + b, 0) / pcts.length, 3);
    // GPT-4 passes every year, ChatGPT none (Kasai et al. 2023); the 120th's 禁忌肢 are undisclosed: "?".
    expect(Object.values(gpt4?.cells ?? {}).every((c) => c.passed === true)).toBe(true);
    const chatgpt = series.rows.find((r) => r.name === 'ChatGPT (IgakuQA)');
    expect(Object.values(chatgpt?.cells ?? {}).every((c) => c.passed === false)).toBe(true);
    const md = seriesMarkdown(series);
    expect(md).toMatch(/^\| Model \| 112th \| 113th \| 114th \| 115th \| 116th \| 119th \| 120th \| Mean \|/);
    expect(md).toMatch(/\| GPT-5\.2 \| - \| - \| - \| - \| - \| - \| 488\/500 \? \| 97\.6% \(1 of 7\) \|/);
  });
  it('the CLI prints the table; --exams with --exam is refused', () => {
    const r = cli(['leaderboard', '--results', dir, '--exams', '112-116,119,120']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| GPT-4 (IgakuQA) |');
    const json = JSON.parse(cli(['leaderboard', '--results', dir, '--exams', '116,120', '--format', 'json']).stdout);
    expect(json.exams).toEqual(['116', '120']);
    const bad = cli(['leaderboard', '--results', dir, '--exams', '116', '--exam', '120']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('jmle-bench: use either --exam (one exam) or --exams (the series), not both');
  });
});

describe('partial runs (interrupted, --blocks, --questions)', () => {
  it('are left out of the leaderboard and the series with a note, unless --include-partial', () => {
    const d = mkdtempSync(join(tmpdir(), 'jmle-partial-'));
    copyFileSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(d, 'full.json'));
    const partial = JSON.parse(readFileSync(join(RESULTS_DIR, 'Qwen_Qwen3-32B_nothink.json'), 'utf8'));
    partial.metadata.display_name = 'Partial';
    partial.results = partial.results.filter((r: { question_id: string; correct: boolean }) => r.question_id.startsWith('120A-') && r.correct);
    writeFileSync(join(d, 'partial.json'), JSON.stringify(partial));
    const { runs } = loadResultDir(d, { dataDir: DATA_ROOT });
    const lb = buildLeaderboard(runs);
    expect(lb.all.map((r) => r.name)).toEqual(['GPT-5.2']);
    expect(lb.text.map((r) => r.name)).toEqual(['GPT-5.2']);
    expect(lb.notes.join('\n')).toMatch(/"Partial" answered \d+ of 400 scored questions; left out/);
    // With the flag it comes back — and, being 100% on what it answered, it would top the table.
    // Kept, but after every complete run (a high percentage over a few questions outranks nothing), and marked.
    const withPartial = buildLeaderboard(runs, { includePartial: true });
    expect(withPartial.all.map((r) => r.name)).toEqual(['GPT-5.2', 'Partial']);
    expect(leaderboardMarkdown(withPartial)).toMatch(/\| Partial \(partial: \d+ of 400\) \|/);
    const series = buildSeries(runs, ['120']);
    expect(series.rows.map((r) => r.name)).toEqual(['GPT-5.2']);
    const r = cli(['leaderboard', '--results', d]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('Partial');
    expect(r.stderr).toMatch(/note: .*"Partial" answered/);
    expect(cli(['leaderboard', '--results', d, '--include-partial']).stdout).toMatch(/\| Partial \(partial: \d+ of 400\) \| - \|/);
  });

  it('several runs of one model on one exam: one note naming the kept and the left-out files', () => {
    const d = mkdtempSync(join(tmpdir(), 'jmle-dups-'));
    for (const n of ['a', 'b', 'c']) copyFileSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(d, `${n}.json`));
    const { runs } = loadResultDir(d, { dataDir: DATA_ROOT });
    const notes = buildSeries(runs, ['120']).notes;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/"GPT-5\.2" has 3 runs of the 120th; kept the best \(.*a\.json\), left out .*b\.json, .*c\.json/);
  });
});
