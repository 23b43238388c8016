import { describe, expect, it } from 'vitest';
import { buildDesign, type ExamDesign } from '../../src/stats/design.js';
import { accuracyEstimate, scoreEstimate } from '../../src/stats/interval.js';
import { percentileInterval } from '../../src/stats/options.js';
import { correctCounts, questionMeans } from '../../src/stats/outcomes.js';
import { passOnRerun, passOnSimilarExam, passProbabilityIndependent, similarExamDraws } from '../../src/stats/pass.js';
import { resamplingPlan } from '../../src/stats/plan.js';
import { resampleMeans, totalFraction } from '../../src/stats/resample.js';
import {
  drawAbilities,
  drawOutcomes,
  logitForMean,
  modelTruth,
  newExamPassProbability,
  syntheticDesign120,
  type SyntheticModel,
} from '../../src/stats/simulate.js';
import { mulberry32 } from '../../src/util/prng.js';

/**
 * Calibration by simulation, not by example. Synthetic models on an exam with
 * the 120th's structure (400 questions, blocks A–F, B/E required with 3-point
 * questions, serial cases of 2–3) whose per-question probabilities of being
 * right are known: most questions near 1, a tail of hard ones (logit-normal),
 * questions of one case correlated. Each experiment draws a model, its exam
 * and its answers, then checks the statistic against the model's truth.
 *
 * Sizes are kept small so the file runs in a few seconds: 300–1000
 * experiments per statement, and 200 bootstrap resamples (one shared plan)
 * inside the resampling-based estimators — their Monte Carlo noise is part of
 * what is measured, and the statements hold with it. bench/stats.mjs runs the
 * same experiments at larger sizes and writes the tables to BENCHMARKS.md.
 */

const design = syntheticDesign120();
const uniform = (rand: () => number, lo: number, hi: number) => lo + (hi - lo) * rand();

/** A model drawn by expected accuracy per part (flat in accuracy, so calibration is judged against a flat population). */
function drawModel(rand: () => number, required: [number, number], general: [number, number]): SyntheticModel {
  const spread = uniform(rand, 1.5, 2.5);
  return {
    requiredLogit: logitForMean(uniform(rand, ...required), spread),
    generalLogit: logitForMean(uniform(rand, ...general), spread),
    spread,
    caseCorrelation: uniform(rand, 0, 0.8),
  };
}

/** Reliability by bins of width 0.2: per bin the mean estimate and the mean truth; ECE = Σ share × |gap|. */
function reliability(pairs: readonly (readonly [number, number])[]) {
  const bins = Array.from({ length: 5 }, () => ({ n: 0, estimate: 0, truth: 0 }));
  for (const [e, t] of pairs) {
    const b = bins[Math.min(4, Math.floor(e * 5))] as { n: number; estimate: number; truth: number };
    b.n++;
    b.estimate += e;
    b.truth += t;
  }
  const table = bins.map((b) => ({ n: b.n, estimate: b.n ? b.estimate / b.n : NaN, truth: b.n ? b.truth / b.n : NaN }));
  const ece = table.reduce((s, b) => s + (b.n ? (b.n / pairs.length) * Math.abs(b.estimate - b.truth) : 0), 0);
  return { table, ece };
}

/** Every bin with at least `minN` experiments within `tolerance`, and the whole within `eceMax`. */
function expectCalibrated(pairs: readonly (readonly [number, number])[], tolerance: number, eceMax: number, minN = 30): number {
  const { table, ece } = reliability(pairs);
  for (const b of table) if (b.n >= minN) expect(Math.abs(b.estimate - b.truth), JSON.stringify(table)).toBeLessThanOrEqual(tolerance);
  expect(table.filter((b) => b.n >= minN).length, `bins with ≥ ${minN} experiments: ${JSON.stringify(table)}`).toBeGreaterThanOrEqual(4);
  expect(ece, JSON.stringify(table)).toBeLessThanOrEqual(eceMax);
  return ece;
}

const covers = (i: { low: number; high: number }, x: number) => i.low <= x && x <= i.high;

describe('95% intervals cover the true score % and accuracy 93–97% of the time', () => {
  for (const epochs of [1, 5]) {
    it(`with ${epochs} epoch(s), models of 80–98% accuracy`, () => {
      const rand = mulberry32(100 + epochs);
      const N = 1000;
      let score = 0;
      let accuracy = 0;
      for (let x = 0; x < N; x++) {
        const m = drawModel(rand, [0.8, 0.99], [0.78, 0.98]);
        const truth = modelTruth(design, m);
        const means = questionMeans(design, drawOutcomes(design, drawAbilities(design, m, rand), epochs, rand));
        if (covers(scoreEstimate(design, means, epochs).interval, truth.scoreFraction)) score++;
        if (covers(accuracyEstimate(design, means, epochs).interval, truth.accuracy)) accuracy++;
      }
      for (const c of [score / N, accuracy / N]) {
        expect(c).toBeGreaterThanOrEqual(0.93);
        expect(c).toBeLessThanOrEqual(0.97);
      }
    });
  }

  it('near 100% too, where the percentile bootstrap falls short', () => {
    const rand = mulberry32(7);
    const N = 800;
    const plan = resamplingPlan(design, 200, 3);
    let wilson = 0;
    let percentile = 0;
    for (let x = 0; x < N; x++) {
      const m = drawModel(rand, [0.96, 0.998], [0.95, 0.995]);
      const truth = modelTruth(design, m).scoreFraction;
      const means = questionMeans(design, drawOutcomes(design, drawAbilities(design, m, rand), 1, rand));
      if (covers(scoreEstimate(design, means, 1).interval, truth)) wilson++;
      const miss = Float64Array.from(means, (v) => 1 - v);
      if (covers(percentileInterval(totalFraction(design, resampleMeans(design, plan, miss, null)), 0.95), truth)) percentile++;
    }
    expect(wilson / N).toBeGreaterThanOrEqual(0.93);
    expect(wilson / N).toBeLessThanOrEqual(0.97);
    expect(percentile / N).toBeLessThan(0.92);
  });
});

describe('clustered intervals are wider than naive ones when questions of a case are correlated', () => {
  /** A case-based exam: 297 one-point questions in 3 blocks, all in cases of three. */
  const ids = Array.from({ length: 297 }, (_, i) => `Q${i}`);
  const caseExam = (grouped: boolean): ExamDesign =>
    buildDesign({
      ids,
      points: ids.map(() => 1),
      required: ids.map(() => 0),
      block: ids.map((_, i) => 'ABC'[Math.floor(i / 99)] as string),
      group: ids.map((_, i) => (grouped ? `case${Math.floor(i / 3)}` : null)),
      rules: { requiredMax: 0, generalMax: 297, requiredPass: 0, generalPass: 200, kinkiMax: 3, kinkiDisclosed: false },
    });
  const clustered = caseExam(true);
  const naive = caseExam(false);

  function experiment(rho: number, seed: number) {
    const rand = mulberry32(seed);
    const N = 600;
    let widthC = 0;
    let widthN = 0;
    let coverC = 0;
    let coverN = 0;
    for (let x = 0; x < N; x++) {
      const spread = uniform(rand, 1.5, 2.5);
      const g = logitForMean(uniform(rand, 0.75, 0.97), spread);
      const m = { requiredLogit: g, generalLogit: g, spread, caseCorrelation: rho };
      const truth = modelTruth(clustered, m).scoreFraction;
      const means = questionMeans(clustered, drawOutcomes(clustered, drawAbilities(clustered, m, rand), 1, rand));
      const c = scoreEstimate(clustered, means, 1).interval;
      const nv = scoreEstimate(naive, means, 1).interval;
      widthC += c.high - c.low;
      widthN += nv.high - nv.low;
      if (covers(c, truth)) coverC++;
      if (covers(nv, truth)) coverN++;
    }
    return { ratio: widthC / widthN, coverC: coverC / N, coverN: coverN / N };
  }

  it('correlated cases (ρ = 0.9): about a quarter wider, and only the clustered interval keeps its coverage', () => {
    const r = experiment(0.9, 21);
    expect(r.ratio).toBeGreaterThan(1.15);
    expect(r.coverC).toBeGreaterThanOrEqual(0.93);
    expect(r.coverN).toBeLessThan(0.92);
  });

  it('independent questions (ρ = 0): about as wide, both cover', () => {
    const r = experiment(0, 22);
    expect(r.ratio).toBeLessThan(1.05);
    expect(r.coverC).toBeGreaterThanOrEqual(0.93);
    expect(r.coverN).toBeGreaterThanOrEqual(0.93);
  });

  it('on the 120th’s structure (50 of 400 questions in cases) the effect is small but in the same direction', () => {
    const flat = buildDesign({
      ids: design.ids,
      points: design.points,
      required: design.required,
      block: design.ids.map((id) => id[1] as string),
      group: design.ids.map(() => null),
      rules: design.rules,
    });
    const rand = mulberry32(23);
    let ratio = 0;
    const N = 300;
    for (let x = 0; x < N; x++) {
      const m = { ...drawModel(rand, [0.8, 0.99], [0.78, 0.98]), caseCorrelation: 0.95 };
      const means = questionMeans(design, drawOutcomes(design, drawAbilities(design, m, rand), 1, rand));
      const c = scoreEstimate(design, means, 1).interval;
      const nv = scoreEstimate(flat, means, 1).interval;
      ratio += (c.high - c.low) / (nv.high - nv.low) / N;
    }
    expect(ratio).toBeGreaterThan(1.01);
  });
});

describe('P(pass) is calibrated (reliability bins of width 0.2)', () => {
  // Models around the marks (required 80%, general 74.7%), flat in expected accuracy per part.
  const nearMarks = (rand: () => number) => drawModel(rand, [0.66, 0.98], [0.62, 0.95]);

  // A rerun's score varies less than a new exam's: models closer to the marks fill the middle bins.
  const closeToMarks = (rand: () => number) => drawModel(rand, [0.72, 0.9], [0.66, 0.84]);

  it('on a rerun, from 5 epochs: every bin within 0.06, ECE ≤ 0.02; the plug-in k/K is worse', () => {
    const rand = mulberry32(31);
    const eb: [number, number][] = [];
    const plugIn: [number, number][] = [];
    for (let x = 0; x < 500; x++) {
      const p = drawAbilities(design, closeToMarks(rand), rand);
      const truth = passProbabilityIndependent(design, p, null); // one more epoch of these very questions
      const o = drawOutcomes(design, p, 5, rand);
      eb.push([passOnRerun(design, o).p as number, truth]);
      plugIn.push([
        passProbabilityIndependent(
          design,
          Float64Array.from(correctCounts(design, o), (k) => k / 5),
          null,
        ),
        truth,
      ]);
    }
    const ece = expectCalibrated(eb, 0.06, 0.02, 25);
    expect(reliability(plugIn).ece).toBeGreaterThan(ece);
  });

  it('on a rerun with 禁忌肢 disclosed: every bin within 0.08, ECE ≤ 0.03', () => {
    const dk = syntheticDesign120({ kinkiEvery: 4 });
    const rand = mulberry32(32);
    const pairs: [number, number][] = [];
    for (let x = 0; x < 300; x++) {
      const p = drawAbilities(dk, closeToMarks(rand), rand);
      const kinkiGivenWrong = uniform(rand, 0.01, 0.1);
      const pKinki = Float64Array.from(p, (v, i) => (dk.kinkiChoices?.[i] ? (1 - v) * kinkiGivenWrong : 0));
      const truth = passProbabilityIndependent(dk, p, pKinki);
      pairs.push([passOnRerun(dk, drawOutcomes(dk, p, 5, rand, kinkiGivenWrong)).p as number, truth]);
    }
    expectCalibrated(pairs, 0.08, 0.03, 25);
  });

  it('on an exam like this one, from 1 epoch: every bin within 0.10, ECE ≤ 0.03; the plug-in bootstrap is worse', () => {
    const rand = mulberry32(33);
    const predictive: [number, number][] = [];
    const plugIn: [number, number][] = [];
    const B = 200;
    for (let x = 0; x < 500; x++) {
      const m = nearMarks(rand);
      const truth = newExamPassProbability(design, m); // a new exam, answered once
      const o = drawOutcomes(design, drawAbilities(design, m, rand), 1, rand);
      predictive.push([passOnSimilarExam(design, o, { resamples: B, seed: 1 }).p as number, truth]);
      const d = similarExamDraws(design, o, { resamples: B, seed: 1, plugIn: true });
      let pass = 0;
      for (let b = 0; b < B; b++) if ((d.required[b] as number) >= 159.5 && (d.general[b] as number) >= 223.5) pass++;
      plugIn.push([pass / B, truth]);
    }
    const ece = expectCalibrated(predictive, 0.1, 0.03);
    expect(reliability(plugIn).ece).toBeGreaterThan(ece);
  });

  it('on an exam like this one, from 5 epochs (two-level): every bin within 0.10, ECE ≤ 0.03', () => {
    const rand = mulberry32(34);
    const pairs: [number, number][] = [];
    for (let x = 0; x < 400; x++) {
      const m = nearMarks(rand);
      const o = drawOutcomes(design, drawAbilities(design, m, rand), 5, rand);
      pairs.push([passOnSimilarExam(design, o, { resamples: 200, seed: 1 }).p as number, newExamPassProbability(design, m)]);
    }
    expectCalibrated(pairs, 0.1, 0.03);
  });
});
