import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';
import { makePastExamsFixture, type Fixture } from '../helpers/viewer-fixture.js';

/** `jmle-bench leaderboard` end to end, through the built CLI. */

function cli(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT },
    ...(cwd ? { cwd } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-lbcli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jmle-bench leaderboard', () => {
  it('prints both tables in Markdown', () => {
    const r = cli(['leaderboard', '--results', RESULTS_DIR]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '### All (400 Questions)\n\n| Model | Vision | Score | Accuracy |\n|-----|------|-----|--------|\n| **Claude Opus 4.6** | ✓ | 493/500 (98.6%) | 393/400 (98.2%) |',
    );
    expect(r.stdout).toContain(
      '### Text-only (302 Questions)\n\n| Model | Score | Accuracy |\n|-----|-----|--------|\n| Claude Opus 4.6 | 379/382 (99.2%) | 299/302 (99.0%) |',
    );
  });

  it('defaults to results/ in the working directory', () => {
    const cwd = join(dir, 'proj');
    cpSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(cwd, 'results', 'gpt.json'), { recursive: true });
    const r = cli(['leaderboard'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| **GPT-5.2** | ✓ | 488/500 (97.6%) | 388/400 (97.0%) |');
  });

  it('--format json includes CIs, pass/fail and 禁忌肢 unknown (null)', () => {
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--format', 'json', '--resamples', '1000']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.all).toHaveLength(10);
    expect(j.text_only).toHaveLength(10);
    expect(j.all[0]).toMatchObject({ rank: 1, name: 'Claude Opus 4.6', score: 493, score_max: 500, score_pct: 0.986, kinki_selected: null });
    expect(j.all[0].score_ci.low).toBeLessThan(0.986);
    expect(j.all[0].score_ci.high).toBeGreaterThan(0.986);
    expect(j.uncertainty).toMatchObject({ resamples: 1000, level: 0.95 });
    expect(j.notes).toEqual([]);
    expect(j.skipped).toEqual([]);
  });

  it('--format csv has one line per row of both tables', () => {
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--format', 'csv', '--resamples', '500']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/^table,rank,name,model,path,image_mode,score,score_max,score_pct,score_ci_low,score_ci_high,/);
  });

  it('--ci adds interval columns', () => {
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--ci', '--resamples', '500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Model | Vision | Score | Score 95% CI | Accuracy | Accuracy 95% CI |');
  });

  it('duplicate names: the note goes to stderr', () => {
    const d = join(dir, 'dups');
    cpSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(d, 'a.json'), { recursive: true });
    cpSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), join(d, 'b.json'));
    writeFileSync(join(d, 'c.json'), 'not json');
    const r = cli(['leaderboard', '--results', d]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: All table: "GPT-5\.2" appears in 2 runs; kept the best/);
    expect(r.stderr).toMatch(/skipped: .*c\.json is not valid JSON/);
    expect(r.stdout.match(/GPT-5\.2/g)).toHaveLength(2); // once per table
  });

  it('--readme replaces the marker blocks; a second run changes nothing', () => {
    const readme = join(dir, 'README.md');
    const original =
      '# Title\n\n<!-- leaderboard-all-start -->\nold\n<!-- leaderboard-all-end -->\n\ntext\n\n<!-- leaderboard-text-start -->\n<!-- leaderboard-text-end -->\n';
    writeFileSync(readme, original);
    const first = cli(['leaderboard', '--results', RESULTS_DIR, '--readme', readme]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`leaderboard updated in ${readme}`);
    const once = readFileSync(readme);
    expect(once.toString()).toMatch(/^# Title\n\n<!-- leaderboard-all-start -->\n\| Model \| Vision/);
    expect(once.toString()).toContain('\n\ntext\n\n<!-- leaderboard-text-start -->\n| Model | Score | Accuracy |');
    const second = cli(['leaderboard', '--results', RESULTS_DIR, '--readme', readme]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('already up to date');
    expect(readFileSync(readme).equals(once)).toBe(true);
  });

  it('--readme without markers: exit 2, one line naming them, file unchanged', () => {
    const readme = join(dir, 'plain.md');
    writeFileSync(readme, '# nothing here\n');
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--readme', readme]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /missing markers <!-- leaderboard-all-start -->, <!-- leaderboard-all-end -->, <!-- leaderboard-text-start -->, <!-- leaderboard-text-end -->/,
    );
    expect(readFileSync(readme, 'utf8')).toBe('# nothing here\n');
    expect(r.stdout).toBe(''); // checked before any output
  });

  it('--readme that cannot be written (a directory): exit 2, one line', () => {
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--readme', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^jmle-bench: cannot read README/);
  });

  it('--plot writes a PNG or SVG; other extensions are refused before any work', () => {
    const png = join(dir, 'chart.png');
    const r = cli(['leaderboard', '--results', RESULTS_DIR, '--plot', png]);
    expect(r.code).toBe(0);
    expect(
      readFileSync(png)
        .subarray(0, 8)
        .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ).toBe(true);
    const bad = cli(['leaderboard', '--results', RESULTS_DIR, '--plot', join(dir, 'chart.jpg')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.png or \.svg/);
    expect(bad.stdout).toBe('');
    expect(existsSync(join(dir, 'chart.jpg'))).toBe(false);
  });

  it('bad options and a missing folder are one-line errors with exit 2', () => {
    for (const args of [
      ['--results', join(dir, 'does-not-exist')],
      ['--results', RESULTS_DIR, '--format', 'xml'],
      ['--results', RESULTS_DIR, '--resamples', 'many'],
    ]) {
      const r = cli(['leaderboard', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });
});

describe('a folder with runs of several exams', () => {
  let past: Fixture;
  beforeAll(() => {
    past = makePastExamsFixture(); // 112 and 116 imports, a real 120th run (no exam in its metadata), one broken file
    writeFileSync(join(past.dir, 'multiline.json'), 'garbage\n  more garbage\n');
  });
  afterAll(() => rmSync(past.dir, { recursive: true, force: true }));

  it('without --exam: the default exam (the 120th), and one note naming the other exams', () => {
    const r = cli(['leaderboard', '--results', past.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### All (400 Questions)');
    expect(r.stderr).toMatch(/^note: .* also holds runs of exam\(s\) 112, 116: showing the 120th \(pass --exam ID for another, or --exams for the series\)$/m);
  });

  it('--exam 116: the 116th runs, one note for the runs of other exams (not a skip line each), one line per broken file', () => {
    const r = cli(['leaderboard', '--results', past.dir, '--exam', '116']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### All (396 Questions)');
    expect(r.stdout.match(/\(IgakuQA\)/g)).toHaveLength(4); // GPT-4 and the student majority, in both tables
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('note: '))).toEqual(['note: left out 3 runs of other exams (112: 2, 120: 1); --exams shows them side by side']);
    const skipped = lines.filter((l) => l.startsWith('skipped: '));
    expect(skipped.map((l) => l.match(/\/([^/]+\.json)/)?.[1]).sort()).toEqual(['broken-json.json', 'multiline.json']);
    expect(r.stderr).not.toMatch(/question ids not in exam/);
  });

  it('--exam 120 keeps the reference-format run; an exam without runs is one line naming the ones present', () => {
    const r = cli(['leaderboard', '--results', past.dir, '--exam', '120']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| **GPT-5.2** | ✓ | 488/500 (97.6%) | 388/400 (97.0%) |');
    expect(r.stderr).toContain('note: left out 4 runs of other exams (112: 2, 116: 2)');
    const none = cli(['leaderboard', '--results', past.dir, '--exam', '119']);
    expect(none.code).toBe(2);
    expect(none.stderr.trimEnd().split('\n').pop()).toBe(`jmle-bench: no run of exam 119 in ${past.dir}; pass --exam with one of 112, 116, 120`);
  });
});
