import { describe, expect, it } from 'vitest';
import { bootstrapRun, discordance, mcnemarExact, pairedBootstrap, quantile, questionVectors, type QuestionVectors } from '../../src/scoring/stats.js';
import { mulberry32 } from '../../src/util/prng.js';

/** C(n, k) as an exact BigInt. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** Two-sided exact binomial p from the definition, with exact integer sums. */
function exactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0n;
  for (let k = 0; k <= Math.min(b, c); k++) tail += choose(n, k);
  return Math.min(1, (2 * Number(tail)) / 2 ** n);
}

function vectors(points: number[], correct: number[]): QuestionVectors {
  return { ids: points.map((_, i) => `q${i}`), points: Float64Array.from(points), correct: Uint8Array.from(correct) };
}

/** A synthetic run: n questions, every 4th worth 3 points, correct except every k-th. */
function synthetic(n: number, wrongEvery: number): QuestionVectors {
  const pts: number[] = [];
  const ok: number[] = [];
  for (let i = 0; i < n; i++) {
    pts.push(i % 4 === 0 ? 3 : 1);
    ok.push(i % wrongEvery === 0 ? 0 : 1);
  }
  return vectors(pts, ok);
}

describe('questionVectors', () => {
  it('takes points from the exam, outcomes from the records, and leaves out 0-point (excluded) questions', () => {
    const q = (id: string, points: number, requiresImage = false) => [id, { id, points, requiresImage }] as const;
    const exam = { byId: new Map([q('a', 1), q('b', 3), q('c', 0), q('d', 1, true)]) } as unknown as Parameters<typeof questionVectors>[1];
    const records = [
      { question_id: 'a', correct: true },
      { question_id: 'b', correct: false },
      { question_id: 'c', correct: true },
      { question_id: 'd', correct: true },
    ];
    const v = questionVectors(records, exam);
    expect(v.ids).toEqual(['a', 'b', 'd']);
    expect(Array.from(v.points)).toEqual([1, 3, 1]);
    expect(Array.from(v.correct)).toEqual([1, 0, 1]);
    const text = questionVectors(records, exam, (x) => !x.requiresImage);
    expect(text.ids).toEqual(['a', 'b']);
    expect(() => questionVectors([{ question_id: 'zz', correct: true }], exam)).toThrow(/zz/);
  });
});

describe('mcnemarExact', () => {
  it('matches hand-computed binomial values', () => {
    expect(mcnemarExact(1, 9)).toBe((2 * 11) / 1024); // 0.021484375
    expect(mcnemarExact(1, 9)).toBe(0.021484375);
    expect(mcnemarExact(9, 1)).toBe(0.021484375);
    expect(mcnemarExact(0, 5)).toBe(0.0625); // 2 · 1/32
    expect(mcnemarExact(5, 0)).toBe(0.0625);
    expect(mcnemarExact(9, 4)).toBeCloseTo((2 * (1 + 13 + 78 + 286 + 715)) / 8192, 15); // 0.266845703125
    expect(mcnemarExact(0, 1)).toBe(1); // 2 · 1/2
    expect(mcnemarExact(3, 3)).toBe(1); // capped at 1
  });

  it('is 1 when there are no discordant pairs', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it('agrees with the exact-integer definition over a grid', () => {
    for (let b = 0; b <= 40; b += 3) {
      for (let c = 0; c <= 40; c += 5) {
        expect(mcnemarExact(b, c)).toBeCloseTo(exactP(b, c), 12);
      }
    }
    expect(mcnemarExact(150, 210)).toBeCloseTo(exactP(150, 210), 12);
  });

  it('stays finite and sensible for very many discordant pairs', () => {
    const p = mcnemarExact(700, 760);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    expect(mcnemarExact(800, 800)).toBe(1);
    expect(mcnemarExact(0, 2000)).toBe(0);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});

describe('discordance', () => {
  it('counts the four cells', () => {
    const d = discordance(Uint8Array.from([1, 1, 0, 0, 1]), Uint8Array.from([1, 0, 1, 0, 0]));
    expect(d).toEqual({ both: 1, onlyA: 2, onlyB: 1, neither: 1 });
  });
});

describe('quantile', () => {
  it('interpolates linearly like numpy', () => {
    const s = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 1)).toBe(4);
    expect(quantile(s, 0.5)).toBe(2.5);
    expect(quantile(s, 0.25)).toBeCloseTo(1.75, 12);
  });
});

describe('mulberry32', () => {
  it('is reproducible and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});

describe('bootstrapRun', () => {
  const run = synthetic(400, 10); // 40 wrong
  const points = Array.from(run.points);
  const ok = Array.from(run.correct);
  const score = points.reduce((s, p, i) => s + p * (ok[i] as number), 0) / points.reduce((s, p) => s + p, 0);
  const acc = ok.reduce((s, c) => s + c, 0) / ok.length;

  it('contains the point estimates', () => {
    const ci = bootstrapRun(run, { resamples: 2000 });
    expect(ci.score.low).toBeLessThanOrEqual(score);
    expect(ci.score.high).toBeGreaterThanOrEqual(score);
    expect(ci.accuracy.low).toBeLessThanOrEqual(acc);
    expect(ci.accuracy.high).toBeGreaterThanOrEqual(acc);
    expect(ci.score.low).toBeLessThan(ci.score.high);
    expect(ci.score.level).toBe(0.95);
  });

  it('is close to the normal approximation for accuracy', () => {
    const ci = bootstrapRun(run);
    const se = Math.sqrt((acc * (1 - acc)) / 400);
    expect(ci.accuracy.high - ci.accuracy.low).toBeGreaterThan(2 * 1.96 * se * 0.85);
    expect(ci.accuracy.high - ci.accuracy.low).toBeLessThan(2 * 1.96 * se * 1.15);
  });

  it('narrows as questions are added', () => {
    const widths = [100, 400, 1600].map((n) => {
      const ci = bootstrapRun(synthetic(n, 10), { resamples: 2000 });
      return { score: ci.score.high - ci.score.low, acc: ci.accuracy.high - ci.accuracy.low };
    });
    expect(widths[1]!.score).toBeLessThan(widths[0]!.score);
    expect(widths[2]!.score).toBeLessThan(widths[1]!.score);
    expect(widths[1]!.acc).toBeLessThan(widths[0]!.acc);
    expect(widths[2]!.acc).toBeLessThan(widths[1]!.acc);
  });

  it('is reproducible with a seed and changes with another', () => {
    const a = bootstrapRun(run, { resamples: 500, seed: 7 });
    const b = bootstrapRun(run, { resamples: 500, seed: 7 });
    const c = bootstrapRun(run, { resamples: 500, seed: 8 });
    expect(a).toEqual(b);
    expect(c.score.low !== a.score.low || c.score.high !== a.score.high || c.accuracy.low !== a.accuracy.low).toBe(true);
  });

  it('gives a zero-width interval for a perfect run', () => {
    const ci = bootstrapRun(vectors([1, 3, 1], [1, 1, 1]), { resamples: 200 });
    expect(ci.score).toMatchObject({ low: 1, high: 1 });
    expect(ci.accuracy).toMatchObject({ low: 1, high: 1 });
  });

  it('follows the level', () => {
    const ci90 = bootstrapRun(run, { level: 0.9 });
    const ci99 = bootstrapRun(run, { level: 0.99 });
    expect(ci99.score.high - ci99.score.low).toBeGreaterThan(ci90.score.high - ci90.score.low);
  });

  it('rejects a bad number of resamples', () => {
    expect(() => bootstrapRun(run, { resamples: 0 })).toThrow(RangeError);
  });
});

/** The textbook algorithm: draw n indices per resample, recompute, take percentiles. */
function naiveBootstrap(v: QuestionVectors, resamples: number, seed: number) {
  const rand = mulberry32(seed);
  const n = v.points.length;
  const scores = new Float64Array(resamples);
  const accs = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let earned = 0;
    let max = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      max += v.points[j]!;
      earned += v.points[j]! * v.correct[j]!;
      correct += v.correct[j]!;
    }
    scores[b] = earned / max;
    accs[b] = correct / n;
  }
  scores.sort();
  accs.sort();
  return { score: [quantile(scores, 0.025), quantile(scores, 0.975)], accuracy: [quantile(accs, 0.025), quantile(accs, 0.975)] };
}

describe('bootstrapRun equals the textbook algorithm', () => {
  it('gives the same interval as drawing indices directly, for the same seed', () => {
    for (const [n, k, seed] of [
      [400, 9, 1],
      [302, 4, 20260207],
      [37, 3, 99],
    ] as const) {
      const v = synthetic(n, k);
      const fast = bootstrapRun(v, { resamples: 3000, seed });
      const slow = naiveBootstrap(v, 3000, seed);
      expect([fast.score.low, fast.score.high]).toEqual(slow.score);
      expect([fast.accuracy.low, fast.accuracy.high]).toEqual(slow.accuracy);
    }
  });
});

describe('pairedBootstrap', () => {
  it('identical runs: zero difference, zero-width interval, p = 1', () => {
    const r = synthetic(400, 7);
    const p = pairedBootstrap(r.points, r.correct, r.correct);
    expect(p.scoreDiff).toBe(0);
    expect(p.accuracyDiff).toBe(0);
    expect(p.score).toMatchObject({ low: 0, high: 0 });
    expect(p.accuracy).toMatchObject({ low: 0, high: 0 });
    const d = discordance(r.correct, r.correct);
    expect(mcnemarExact(d.onlyA, d.onlyB)).toBe(1);
  });

  it('brackets the observed difference and is tighter than unpaired intervals', () => {
    const a = synthetic(400, 10);
    const b = Uint8Array.from(a.correct);
    // B also misses 12 questions A got right, and gets 2 right that A missed.
    let flippedDown = 0;
    for (let i = 1; i < 400 && flippedDown < 12; i += 13)
      if (b[i] === 1) {
        b[i] = 0;
        flippedDown++;
      }
    b[0] = 1;
    b[10] = 1;
    const p = pairedBootstrap(a.points, a.correct, b);
    const pts = Array.from(a.points);
    const total = pts.reduce((s, x) => s + x, 0);
    const diff = pts.reduce((s, x, i) => s + x * ((a.correct[i] as number) - (b[i] as number)), 0) / total;
    expect(p.scoreDiff).toBeCloseTo(diff, 12);
    expect(p.accuracyDiff).toBeCloseTo(10 / 400, 12);
    expect(p.score.low).toBeLessThanOrEqual(diff);
    expect(p.score.high).toBeGreaterThanOrEqual(diff);
    expect(p.accuracy.low).toBeGreaterThan(0); // 12 vs 2 discordant: the interval excludes 0
    const unpairedWidth = 2 * 1.96 * Math.sqrt((2 * (0.9 * 0.1)) / 400);
    expect(p.accuracy.high - p.accuracy.low).toBeLessThan(unpairedWidth);
  });

  it('rejects vectors of different lengths', () => {
    expect(() => pairedBootstrap(Float64Array.from([1, 1]), Uint8Array.from([1, 0]), Uint8Array.from([1]))).toThrow(RangeError);
  });
});
