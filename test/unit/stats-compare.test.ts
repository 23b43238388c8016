import { describe, expect, it } from 'vitest';
import { buildDesign } from '../../src/stats/design.js';
import { holmAdjust } from '../../src/stats/holm.js';
import type { RunOutcomes } from '../../src/stats/outcomes.js';
import { pairedDifference, pairwiseTests } from '../../src/stats/paired.js';
import { rankRanges } from '../../src/stats/ranks.js';
import { leaderboardUncertainty } from '../../src/stats/run.js';
import { drawAbilities, drawOutcomes, RULES_120, syntheticDesign120 } from '../../src/stats/simulate.js';
import { mcnemarExact } from '../../src/scoring/mcnemar.js';
import { mulberry32 } from '../../src/util/prng.js';

const design = syntheticDesign120();
const n = design.ids.length;

/** One epoch, wrong exactly on the given positions. */
function wrongOn(positions: Iterable<number>, epochs = 1): RunOutcomes {
  const correct = new Uint8Array(epochs * n).fill(1);
  for (const i of positions) for (let e = 0; e < epochs; e++) correct[e * n + i] = 0;
  return { epochs, correct, kinki: null };
}
const every = (k: number, offset = 0) => Array.from({ length: Math.floor((n - offset) / k) }, (_, j) => offset + j * k);

describe('rank ranges', () => {
  it('clearly separated runs keep their ranks in every resample', () => {
    const r = rankRanges(design, [wrongOn(every(40)), wrongOn(every(4)), wrongOn(every(2))], { resamples: 1000 });
    expect(r.ranges.map((x) => x.label)).toEqual(['1', '2', '3']);
    expect(r.ranges.map((x) => x.tiedWithLeader)).toEqual([false, false, false]);
    expect(r.ranges[0]?.leader).toBe(true);
  });

  it('identical runs share every rank, and are tied with the leader', () => {
    const same = () => wrongOn(every(9));
    const r = rankRanges(design, [same(), same(), same()], { resamples: 500 });
    expect(r.ranges.map((x) => [x.rank, x.label])).toEqual([
      [1, '1'],
      [1, '1'],
      [1, '1'],
    ]);
    expect(r.ranges.map((x) => [x.leader, x.tiedWithLeader])).toEqual([
      [true, false],
      [false, true],
      [false, true],
    ]);
  });

  it('runs a few questions apart get overlapping ranges ("1–2"), in input order of the observed scores', () => {
    // B misses 9 one-point questions, A 10 others, C far behind.
    const a = wrongOn(every(40, 1));
    const b = wrongOn(every(44, 3));
    const r = rankRanges(design, [a, b, wrongOn(every(3))], { resamples: 2000 });
    expect(r.ranges[1]?.leader).toBe(true);
    expect(r.ranges[0]?.label).toBe('1–2');
    expect(r.ranges[0]?.tiedWithLeader).toBe(true);
    expect(r.ranges[2]?.label).toBe('3');
  });

  it('is reproducible: same seed, same ranges', () => {
    const runs = [wrongOn(every(40, 1)), wrongOn(every(44, 3)), wrongOn(every(41, 2))];
    expect(rankRanges(design, runs, { resamples: 300, seed: 5 })).toEqual(rankRanges(design, runs, { resamples: 300, seed: 5 }));
  });
});

describe('paired difference (compare with epochs)', () => {
  it('is zero with a zero-width interval and p = 1 for identical runs', () => {
    const d = pairedDifference(design, wrongOn(every(7)), wrongOn(every(7)));
    expect([d.score.diff, d.score.interval.low, d.score.interval.high, d.score.p]).toEqual([0, 0, 0, 1]);
    expect(d.discordant).toEqual([]);
  });

  it('gives McNemar’s exact p for accuracy with one epoch and no serial cases', () => {
    const flat = buildDesign({
      ids: design.ids,
      points: design.points,
      required: design.required,
      block: design.ids.map((id) => id[1] as string),
      group: design.ids.map(() => null),
      rules: RULES_120,
    });
    const a = wrongOn(every(20)); // 20 wrong
    const b = wrongOn([...every(20).slice(0, 5), ...every(13, 1)]); // shares 5, adds its own
    const d = pairedDifference(flat, a, b);
    const onlyA = d.discordant.filter((x) => x.rightA > x.rightB).length;
    const onlyB = d.discordant.length - onlyA;
    expect(d.accuracy.p).toBeCloseTo(mcnemarExact(onlyA, onlyB), 12);
    expect(d.accuracy.diff).toBeCloseTo((onlyA - onlyB) / n, 14);
  });

  it('pairs runs with different numbers of epochs on mean correctness, and lists k/K for both', () => {
    // A: 3 epochs, wrong on question 0 in one of them; B: 1 epoch, wrong on question 0 and 1.
    const a = wrongOn([], 3);
    a.correct[0] = 0;
    const b = wrongOn([0, 1]);
    const d = pairedDifference(design, a, b);
    expect(d.epochs).toEqual({ a: 3, b: 1 });
    expect(d.discordant.map((x) => [x.id, x.rightA, x.rightB])).toEqual([
      [design.ids[0], 2, 0],
      [design.ids[1], 3, 0],
    ]);
    expect(d.accuracy.diff).toBeCloseTo((2 / 3 + 1) / n, 14);
  });

  it('has an interval that excludes 0 for a clear difference and includes it for noise', () => {
    const clear = pairedDifference(design, wrongOn(every(40)), wrongOn(every(8)));
    expect(clear.score.interval.low).toBeGreaterThan(0);
    expect(clear.score.p).toBeLessThan(0.001);
    const noise = pairedDifference(design, wrongOn(every(40, 1)), wrongOn(every(44, 3)));
    expect(noise.score.interval.low).toBeLessThan(0);
    expect(noise.score.interval.high).toBeGreaterThan(0);
    expect(noise.score.p).toBeGreaterThan(0.05);
  });
});

describe('pairwise tests', () => {
  const rand = mulberry32(4);
  const runs = [3.2, 3.0, 2.2].map((g) =>
    drawOutcomes(design, drawAbilities(design, { generalLogit: g, requiredLogit: g + 0.5, spread: 2, caseCorrelation: 0.5 }, rand), 2, rand),
  );

  it('tests every pair and adjusts with Holm over them', () => {
    const tests = pairwiseTests(design, runs);
    expect(tests.map((t) => [t.a, t.b])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    const adjusted = holmAdjust(tests.map((t) => t.p));
    tests.forEach((t, i) => expect(t.pHolm).toBe(adjusted[i]));
    expect(tests[1]?.pHolm).toBeLessThan(0.05); // the strongest against the weakest
  });

  it('agrees with the paired difference of each pair', () => {
    const t = pairwiseTests(design, runs, [[2, 0]])[0];
    const d = pairedDifference(design, runs[2] as RunOutcomes, runs[0] as RunOutcomes);
    expect(t?.diff).toBeCloseTo(d.score.diff, 14);
    expect(t?.p).toBeCloseTo(d.score.p, 14);
  });

  it('a leaderboard tests the leader against every other run by default', () => {
    const lb = leaderboardUncertainty(design, runs, { resamples: 300 });
    const leader = lb.ranks.ranges.findIndex((r) => r.leader);
    expect(lb.ranks.ranges[leader]?.rank).toBe(1);
    expect(lb.pairs.map((p) => [p.a, p.b])).toEqual([0, 1, 2].filter((j) => j !== leader).map((j) => [leader, j]));
    expect(lb.runs.map((r) => r.epochs)).toEqual([2, 2, 2]);
    expect(leaderboardUncertainty(design, runs, { resamples: 300, pairs: 'none' }).pairs).toEqual([]);
  });
});
