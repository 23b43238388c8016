import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT, RESULTS_DIR } from './helpers/data.js';

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'jmle-rescore-'));
const GPT_OSS = join(RESULTS_DIR, 'openai_gpt-oss-120b_low.json');

describe('jmle-bench rescore', () => {
  it('prints the score and every changed record with its reason, and modifies nothing', () => {
    const before = readFileSync(GPT_OSS, 'utf8');
    const r = cli(['rescore', GPT_OSS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openai_gpt-oss-120b_low.json: 436/500 (87.2%), 346/400 (86.5%)');
    expect(r.stdout).toMatch(/\+ 120A-62: ∅ → c \(correct: false → true; extraction: bracket-stripped\)/);
    expect(r.stdout).toMatch(/\+ 120A-75: 3 1 5 → 315/);
    expect(readFileSync(GPT_OSS, 'utf8')).toBe(before);
  });
  it('--out writes the rescored file in the reference format with the summary recomputed', () => {
    const dir = tmp();
    const out = join(dir, 'rescored.json');
    expect(cli(['rescore', GPT_OSS, '--out', out]).code).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(data)).toEqual(['metadata', 'summary', 'results']);
    expect(data.summary.score).toBe(436);
    expect(data.metadata.model).toBe('openai/gpt-oss-120b');
    expect(data.metadata.dataset_version).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(data.results[0]).slice(0, 7)).toEqual(['question_id', 'predicted', 'gold', 'correct', 'raw_response', 'parse_success', 'error']);
    // --out never overwrites.
    const again = cli(['rescore', GPT_OSS, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
  it('--write replaces the file atomically; a second rescore changes nothing', () => {
    const dir = tmp();
    const f = join(dir, 'run.json');
    copyFileSync(GPT_OSS, f);
    expect(cli(['rescore', f, '--write']).code).toBe(0);
    const once = readFileSync(f, 'utf8');
    const r = cli(['rescore', f]);
    expect(r.stdout).toContain('(no changes)');
    expect(JSON.parse(once).summary.score).toBe(436);
  });
  it('a file that is not a result file, unknown question ids, bad JSON: one line, exit 2', () => {
    const dir = tmp();
    const notResult = join(dir, 'x.json');
    writeFileSync(notResult, '{"hello": 1}');
    const a = cli(['rescore', notResult]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/is not a result file/);

    const unknown = join(dir, 'unknown.json');
    const data = JSON.parse(readFileSync(GPT_OSS, 'utf8'));
    data.results[0].question_id = '120Z-99';
    writeFileSync(unknown, JSON.stringify(data));
    const b = cli(['rescore', unknown]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/question ids not in exam 120 .*120Z-99/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{');
    expect(cli(['rescore', bad]).stderr).toMatch(/is not valid JSON/);
  });
  it('a result scored against another dataset version gets a warning naming both versions', () => {
    const dir = tmp();
    const f = join(dir, 'old.json');
    const data = JSON.parse(readFileSync(GPT_OSS, 'utf8'));
    data.metadata.dataset_version = 'f'.repeat(64);
    writeFileSync(f, JSON.stringify(data));
    const mtime = statSync(f).mtimeMs;
    const r = cli(['rescore', f]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .* was scored against dataset ffffffffffff; rescoring against [0-9a-f]{12}/);
    expect(statSync(f).mtimeMs).toBe(mtime);
  });
  it('without any data it says to run `dataset pull`', () => {
    const r = cli(['rescore', GPT_OSS], { JMLE_DATA_DIR: '', JMLE_CACHE_DIR: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('jmle-bench: no jmle2026 data found: run `jmle-bench dataset pull` (or pass --data-dir / set JMLE_DATA_DIR to a local copy)');
  });
  it('bad usage: no files, unknown option', () => {
    expect(cli(['rescore']).code).toBe(2);
    const r = cli(['rescore', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'/);
  });
});
