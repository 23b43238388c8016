import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResultFile, type LoadedRun } from '../../src/runs/collection.js';
import { compareRuns, comparisonJson, comparisonText, fmtPoints, passLines } from '../../src/reports/compare.js';
import { CLI, DATA_ROOT, JMLE2026_DIR, RESULTS_DIR } from '../helpers/data.js';

interface DatasetQuestion {
  question_id: string;
  block: string;
  number: number;
  requires_image: boolean;
  answer: string[];
}
const dataset = JSON.parse(readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8')) as DatasetQuestion[];
const pointsOf = (q: DatasetQuestion) => (['B', 'E'].includes(q.block) && q.number >= 26 && q.number <= 50 ? 3 : 1);

/** Exact McNemar p from the definition, with BigInt binomials. */
function exactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0n;
  let term = 1n;
  for (let k = 0; k <= Math.min(b, c); k++) {
    if (k > 0) term = (term * BigInt(n - k + 1)) / BigInt(k);
    tail += term;
  }
  return Math.min(1, (2 * Number(tail)) / 2 ** n);
}

const opusPath = join(RESULTS_DIR, 'anthropic_claude-opus-4.6.json');
const gptPath = join(RESULTS_DIR, 'openai_gpt-5.2.json');
const lowPath = join(RESULTS_DIR, 'openai_gpt-oss-120b_low.json');
let opus: LoadedRun;
let gpt: LoadedRun;
let dir: string;

beforeAll(() => {
  opus = loadResultFile(opusPath, { dataDir: DATA_ROOT });
  gpt = loadResultFile(gptPath, { dataDir: DATA_ROOT });
  dir = mkdtempSync(join(tmpdir(), 'jmle-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('compareRuns on two real runs', () => {
  it('finds exactly the questions where one run is right, with answers and key', () => {
    const c = compareRuns(opus, gpt);
    const okA = new Map(opus.file.results.map((r) => [r.question_id, r]));
    const okB = new Map(gpt.file.results.map((r) => [r.question_id, r]));
    const expected = dataset
      .filter((q) => okA.get(q.question_id)!.correct !== okB.get(q.question_id)!.correct)
      .map((q) => ({
        id: q.question_id,
        block: q.block,
        points: pointsOf(q),
        answerA: okA.get(q.question_id)!.predicted,
        answerB: okB.get(q.question_id)!.predicted,
        gold: q.answer,
        right: okA.get(q.question_id)!.correct ? 'A' : 'B',
        rightA: okA.get(q.question_id)!.correct ? 1 : 0,
        rightB: okB.get(q.question_id)!.correct ? 1 : 0,
      }));
    expect(c.discordant.map(({ number: _n, ...rest }) => rest)).toEqual(expected);
    const b = expected.filter((e) => e.right === 'A').length;
    const cc = expected.filter((e) => e.right === 'B').length;
    expect(c.mcnemar).toMatchObject({ onlyA: b, onlyB: cc });
    expect((c.mcnemar?.both ?? 0) + (c.mcnemar?.neither ?? 0) + b + cc).toBe(400);
    expect(c.mcnemar?.p).toBeCloseTo(exactP(b, cc), 12);
    // Score difference from the points of the discordant questions.
    const diffPoints = expected.reduce((s, e) => s + (e.right === 'A' ? e.points : -e.points), 0);
    expect(c.diff.scorePct).toBeCloseTo(diffPoints / 500, 12);
    expect(c.diff.accuracy).toBeCloseTo((b - cc) / 400, 12);
    expect(c.diff.scoreCi.low).toBeLessThanOrEqual(c.diff.scorePct);
    expect(c.diff.scoreCi.high).toBeGreaterThanOrEqual(c.diff.scorePct);
    expect(c.questions).toBe(400);
    expect(c.warnings).toEqual([]);
  });

  it('known numbers: Opus 493 vs GPT-5.2 488, 9 vs 4 discordant, p = 2·1093/8192', () => {
    const c = compareRuns(opus, gpt);
    expect(c.a.summary.score).toBe(493);
    expect(c.b.summary.score).toBe(488);
    expect(c.mcnemar).toMatchObject({ onlyA: 9, onlyB: 4 });
    expect(c.mcnemar?.p).toBeCloseTo((2 * 1093) / 8192, 12);
  });

  it('identical runs: p = 1, zero difference and a zero-width interval, no discordant question', () => {
    const c = compareRuns(gpt, gpt);
    expect(c.mcnemar?.p).toBe(1);
    expect(c.diff.scorePct).toBe(0);
    expect(c.diff.scoreCi).toMatchObject({ low: 0, high: 0 });
    expect(c.diff.accuracyCi).toMatchObject({ low: 0, high: 0 });
    expect(c.discordant).toEqual([]);
    expect(comparisonText(c)).toContain('No question where exactly one run is right.');
  });

  it('swapping A and B negates the difference and swaps the counts', () => {
    const ab = compareRuns(opus, gpt);
    const ba = compareRuns(gpt, opus);
    expect(ba.diff.scorePct).toBeCloseTo(-ab.diff.scorePct, 12);
    expect(ba.mcnemar?.onlyA).toBe(ab.mcnemar?.onlyB);
    expect(ba.mcnemar?.p).toBe(ab.mcnemar?.p);
  });

  it('shows 禁忌肢 as unknown, never 0, and pass/fail per the rules', () => {
    const c = compareRuns(opus, gpt);
    const j = comparisonJson(c);
    expect(j.a.kinki_selected).toBeNull();
    expect(j.a.required_pass).toBe(true);
    expect(j.a.general_pass).toBe(true);
    expect(j.a.passed).toBeNull();
    const p = passLines(c.a.summary);
    expect(p.kinki).toMatch(/^unknown/);
    expect(p.overall).toBe('pass unless 禁忌肢 (not disclosed)');
    const text = comparisonText(c);
    expect(text).toMatch(/禁忌肢\s+unknown/);
    expect(text).not.toMatch(/禁忌肢\s+0/);
    expect(text).toContain('197/200 pass (≥160)');
  });
});

describe('different question sets and dataset versions', () => {
  it('compares on the intersection with warnings', () => {
    const raw = JSON.parse(readFileSync(lowPath, 'utf8'));
    // Only the first 100 questions, and claimed to be scored against another dataset version.
    raw.results = raw.results.slice(0, 100);
    raw.metadata.dataset_version = 'f'.repeat(64);
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify(raw));
    const a = loadResultFile(partial, { dataDir: DATA_ROOT });
    const c = compareRuns(a, gpt);
    expect(c.questions).toBe(100);
    expect(c.onlyInB).toHaveLength(300);
    expect(c.onlyInA).toEqual([]);
    expect(c.warnings.some((w) => /different questions .*comparing on the 100 they share/.test(w))).toBe(true);
    expect(c.warnings.some((w) => /different dataset versions \(A: ffffffffffff, B: unknown\)/.test(w))).toBe(true);
    expect(c.warnings.some((w) => /different image modes \(A: blind, B: vision\)/.test(w))).toBe(true);
    const shared = new Set(raw.results.map((r: { question_id: string }) => r.question_id));
    expect(c.b.summary.correct + c.b.summary.incorrect).toBe(100);
    expect(c.b.summary.correct).toBe(gpt.file.results.filter((r) => shared.has(r.question_id) && r.correct).length);
    expect(c.a.summary.required_pass).toBeNull(); // partial: not judged
    expect(passLines(c.a.summary).overall).toBe('incomplete (partial run)');
    for (const q of c.discordant) expect(shared.has(q.id)).toBe(true);
  });
});

describe('formatting helpers', () => {
  it('fmtPoints signs percentage points', () => {
    expect(fmtPoints(0.01)).toBe('+1.0');
    expect(fmtPoints(-0.0125)).toBe('-1.2');
    expect(fmtPoints(0)).toBe('0.0');
    expect(fmtPoints(-0.0001)).toBe('0.0');
  });
});

describe('jmle-bench compare (CLI)', () => {
  it('prints the paired view', () => {
    const r = cli(['compare', opusPath, gptPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A: Claude Opus 4.6');
    expect(r.stdout).toContain('B: GPT-5.2');
    expect(r.stdout).toMatch(/score %\s+\+1\.0\s+\[-?\d+\.\d, \+?\d+\.\d\]/);
    expect(r.stdout).toContain('only A right 9, only B right 4 → p = 0.2668');
    expect(r.stdout).toContain('Questions where exactly one is right (13):');
    expect(r.stdout).toMatch(/120A-41\s+A\s+1\s+c\s+e\s+c\s+A/);
  });

  it('--json is machine-readable', () => {
    const r = cli(['compare', opusPath, gptPath, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.mcnemar).toMatchObject({ only_a: 9, only_b: 4 });
    expect(j.discordant).toHaveLength(13);
    expect(j.discordant[0]).toEqual({
      id: '120A-41',
      block: 'A',
      points: 1,
      answer_a: ['c'],
      answer_b: ['e'],
      gold: ['c'],
      right: 'A',
      right_a: '1/1',
      right_b: '0/1',
      examinee_accuracy: null,
    });
    expect(j.epochs).toEqual({ a: 1, b: 1 });
    // One epoch each and no discordant pair sharing a case: the sign-flip test is McNemar's.
    expect(j.difference.score_pct_ci.level).toBe(0.95);
    expect(j.examinees).toBeNull();
    expect(j.a.kinki_selected).toBeNull();
    expect(j.difference.score_pct).toBe(0.01);
  });

  it('warnings go to stderr; wrong arguments are one-line errors', () => {
    const raw = JSON.parse(readFileSync(gptPath, 'utf8'));
    raw.results = raw.results.slice(0, 50);
    const partial = join(dir, 'partial-cli.json');
    writeFileSync(partial, JSON.stringify(raw));
    const r = cli(['compare', partial, opusPath]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the runs answered different questions/m);
    expect(r.stdout).toContain('Comparing on 50 questions');

    for (const args of [
      ['compare', opusPath],
      ['compare', opusPath, join(dir, 'missing.json')],
    ]) {
      const bad = cli(args);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
