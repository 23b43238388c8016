import { describe, expect, it } from 'vitest';
import { buildDesign } from '../../src/stats/design.js';
import type { RunOutcomes } from '../../src/stats/outcomes.js';
import { passOnRerun, passOnSimilarExam, preparePassOnSimilarExam, rerunModel } from '../../src/stats/pass.js';
import { runUncertainty } from '../../src/stats/run.js';
import { drawAbilities, drawOutcomes, logitForMean, syntheticDesign120, type SyntheticModel } from '../../src/stats/simulate.js';
import { mulberry32 } from '../../src/util/prng.js';

const design = syntheticDesign120();
const n = design.ids.length;

/** A model with the given expected accuracy in each part. */
function model(required: number, general: number, spread = 2): SyntheticModel {
  return { requiredLogit: logitForMean(required, spread), generalLogit: logitForMean(general, spread), spread, caseCorrelation: 0.5 };
}

function run(m: SyntheticModel, epochs: number, seed: number, d = design): RunOutcomes {
  const rand = mulberry32(seed);
  return drawOutcomes(d, drawAbilities(d, m, rand), epochs, rand);
}

describe('P(pass) on a rerun of this exam', () => {
  it('cannot be estimated from one epoch: null with a reason, never 0 or 1', () => {
    const p = passOnRerun(design, run(model(0.95, 0.95), 1, 1));
    expect(p).toEqual({ p: null, reason: 'one-epoch', kinkiIncluded: false });
  });

  it('is near 1 far above the marks and near 0 far below, but never certain from 5 epochs', () => {
    const strong = passOnRerun(design, run(model(0.97, 0.95), 5, 2));
    expect(strong.p).toBeGreaterThan(0.99);
    const weak = passOnRerun(design, run(model(0.7, 0.65), 5, 3));
    expect(weak.p).toBeLessThan(0.01);
    // 5 of 5 right is "very likely right", not "surely right": the fitted prior keeps some doubt.
    const m = rerunModel(design, run(model(0.97, 0.95), 5, 2));
    expect(Math.max(...m.pRight)).toBeLessThan(1);
  });

  it('is uncertain near the marks', () => {
    const p = passOnRerun(design, run(model(0.8, 0.75), 5, 4)).p;
    expect(p).toBeGreaterThan(0.02);
    expect(p).toBeLessThan(0.98);
  });

  it('includes 禁忌肢 where disclosed: many prohibited choices make a pass unlikely', () => {
    const dk = syntheticDesign120({ kinkiEvery: 2 });
    const rand = mulberry32(5);
    const o = drawOutcomes(dk, drawAbilities(dk, model(0.93, 0.9), rand), 5, rand, 0.5);
    const withKinki = passOnRerun(dk, o);
    expect(withKinki.kinkiIncluded).toBe(true);
    expect(withKinki.p).toBeLessThan(0.05);
    expect(passOnRerun(design, { ...o, kinki: null }).p).toBeGreaterThan(0.95); // same answers, 禁忌肢 unknown
  });
});

describe('P(pass) on an exam like this one', () => {
  it('is estimable from one epoch, strictly between 0 and 1 near the marks', () => {
    const p = passOnSimilarExam(design, run(model(0.8, 0.75), 1, 6), { resamples: 1000 });
    expect(p.reason).toBeNull();
    expect(p.p).toBeGreaterThan(0.02);
    expect(p.p).toBeLessThan(0.98);
  });

  it('is reproducible with a seed', () => {
    const o = run(model(0.8, 0.75), 3, 7);
    expect(passOnSimilarExam(design, o, { resamples: 500, seed: 9 })).toEqual(passOnSimilarExam(design, o, { resamples: 500, seed: 9 }));
  });

  it("is the same whether its plans were drawn ahead (while a run's requests are out) or not", () => {
    const o = run(model(0.8, 0.75), 3, 7);
    const cold = passOnSimilarExam(syntheticDesign120(), o, { resamples: 300, seed: 4 });
    const warmDesign = syntheticDesign120();
    preparePassOnSimilarExam(warmDesign, 3, { resamples: 300, seed: 4 });
    expect(passOnSimilarExam(warmDesign, o, { resamples: 300, seed: 4 })).toEqual(cold);
  });

  it('says "unknown" for 禁忌肢 where undisclosed, and includes it where disclosed', () => {
    expect(passOnSimilarExam(design, run(model(0.9, 0.9), 1, 8), { resamples: 200 }).kinkiIncluded).toBe(false);
    const dk = syntheticDesign120({ kinkiEvery: 3 });
    expect(passOnSimilarExam(dk, run(model(0.9, 0.9), 1, 8, dk), { resamples: 200 }).kinkiIncluded).toBe(true);
  });
});

describe('both readings need the whole exam', () => {
  it('are null ("incomplete") on a design that does not cover both parts', () => {
    const part = buildDesign({
      ids: design.ids.slice(0, 75),
      points: design.points.slice(0, 75),
      required: design.required.slice(0, 75),
      block: Array<string>(75).fill('A'),
      group: Array<null>(75).fill(null),
      rules: design.rules,
    });
    const o: RunOutcomes = { epochs: 2, correct: new Uint8Array(150).fill(1), kinki: null };
    expect(passOnRerun(part, o).reason).toBe('incomplete');
    expect(passOnSimilarExam(part, o).reason).toBe('incomplete');
  });
});

describe('runUncertainty', () => {
  it('gathers the epoch spread, the intervals and both P(pass) for a run summary', () => {
    const u = runUncertainty(design, run(model(0.9, 0.85), 3, 10), { resamples: 500 });
    expect(u.epochs).toBe(3);
    expect(u.maxPoints).toBe(500);
    expect(u.epochStats.perEpoch).toHaveLength(3);
    expect(u.score.interval.low).toBeLessThan(u.score.value);
    expect(u.score.interval.high).toBeGreaterThan(u.score.value);
    expect(u.score.value * u.maxPoints).toBeCloseTo(u.epochStats.score.mean, 10); // the point estimate is the mean over epochs
    expect(u.passRerun.p).not.toBeNull();
    expect(u.passExam.p).not.toBeNull();
    expect(u.epochStats.correctCounts.length).toBe(n);
  });
});
