import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT } from '../helpers/data.js';

function run(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, 'run', '--model', 'random', '--no-progress', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT, OPENAI_API_KEY: '' },
  });
}

const README = `# My results

intro text

<!-- leaderboard-all-start -->
| Model | Vision | Score | Accuracy |
|-----|------|-----|--------|
<!-- leaderboard-all-end -->

middle

<!-- leaderboard-text-start -->
<!-- leaderboard-text-end -->

outro
`;

describe('run at its end', () => {
  it('updates the leaderboard of ./README.md when it has the markers, as the reference does', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'jmle-run-readme-'));
    writeFileSync(join(cwd, 'README.md'), README);
    const r = run(cwd, ['--out', 'results/random.json', '--seed', '7']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Leaderboard updated in README.md');
    const text = readFileSync(join(cwd, 'README.md'), 'utf8');
    const summary = JSON.parse(readFileSync(join(cwd, 'results', 'random.json'), 'utf8')).summary;
    const pct = (summary.score_pct * 100).toFixed(1);
    expect(text).toContain(`| Random (chance level) | - | ${summary.score}/500 (${pct}%) |`);
    expect(text.startsWith('# My results\n\nintro text\n\n<!-- leaderboard-all-start -->\n')).toBe(true);
    expect(text.endsWith('<!-- leaderboard-text-end -->\n\noutro\n')).toBe(true);
  });

  it('leaves README.md alone with --no-readme, or when it has no markers', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'jmle-run-readme-'));
    writeFileSync(join(cwd, 'README.md'), README);
    expect(run(cwd, ['--out', 'results/a.json', '--no-readme']).status).toBe(0);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe(README);
    writeFileSync(join(cwd, 'README.md'), '# no markers\n');
    const r = run(cwd, ['--out', 'results/b.json']);
    expect(r.status).toBe(0);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe('# no markers\n');
  });

  it('on a past exam the summary compares the run with the examinees', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'jmle-run-116-'));
    const r = run(cwd, ['--exam', '116', '--out', 'r116.json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/This run vs the examinees, over \d+ questions: [\d.]+% vs [\d.]+% \(-\d+\.\d points\)/);
    expect(r.stdout).toMatch(/禁忌肢:\s+\d+ selected \(max 3\)/);
  });
});

describe('small safeguards', () => {
  it('credentials in --base-url never reach files or logs', async () => {
    const { publicUrl, redact } = await import('../../src/util/redact.js');
    const shown = publicUrl(new URL('https://user:p4ss-SECRET@llm.example/v1?api-key=KEY-SECRET-1&deployment=x'));
    expect(shown).toBe('https://llm.example/v1?api-key=***&deployment=x');
    expect(redact('failed: https://user:p4ss-SECRET@llm.example/v1?api-key=KEY-SECRET-1')).not.toMatch(/SECRET/);
  });

  it('the default result path gets _2, _3… when a run of the same second exists', async () => {
    const { defaultOutPath } = await import('../../src/runner/metadata.js');
    const cwd = mkdtempSync(join(tmpdir(), 'jmle-out-'));
    const now = new Date(Date.UTC(2026, 1, 7, 9, 5, 3));
    expect(defaultOutPath(cwd, 'openai/gpt-5.2', now)).toBe('results/openai_gpt-5.2_20260207_090503.json');
    mkdirSync(join(cwd, 'results'));
    writeFileSync(join(cwd, 'results', 'openai_gpt-5.2_20260207_090503.json'), '{}');
    writeFileSync(join(cwd, 'results', 'openai_gpt-5.2_20260207_090503_2.json.jsonl'), '');
    expect(defaultOutPath(cwd, 'openai/gpt-5.2', now)).toBe('results/openai_gpt-5.2_20260207_090503_3.json');
  });

  it("a run of another exam leaves the README (the 120th's tables) alone", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'jmle-run-readme-116-'));
    writeFileSync(join(cwd, 'README.md'), README);
    expect(run(cwd, ['--exam', '116', '--out', 'results/r.json']).status).toBe(0);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe(README);
  });
});
