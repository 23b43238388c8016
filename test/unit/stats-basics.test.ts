import { describe, expect, it } from 'vitest';
import { fitBetaPrior } from '../../src/stats/betabinom.js';
import { buildDesign, type ExamDesign } from '../../src/stats/design.js';
import { holmAdjust } from '../../src/stats/holm.js';
import { quantile } from '../../src/stats/options.js';
import { passProbabilityIndependent } from '../../src/stats/pass.js';
import { resamplingPlan } from '../../src/stats/plan.js';
import { resampledMean, resampleMeans, totalFraction } from '../../src/stats/resample.js';
import { signFlipTest } from '../../src/stats/signflip.js';
import { normalDraw, RULES_120 } from '../../src/stats/simulate.js';
import { logGamma, normalQuantile, normalUpperTail } from '../../src/stats/special.js';
import { designVariance } from '../../src/stats/variance.js';
import { wilsonInterval } from '../../src/stats/wilson.js';
import { mcnemarExact } from '../../src/scoring/mcnemar.js';
import { mulberry32 } from '../../src/util/prng.js';

describe('special functions', () => {
  it('normal quantile matches published values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalQuantile(0)).toBe(-Infinity);
  });

  it('the normal tail inverts the quantile (to the 1e-7 of the tail approximation)', () => {
    for (const p of [1e-6, 0.001, 0.025, 0.3, 0.5, 0.9]) expect(normalUpperTail(-normalQuantile(p)) / p).toBeCloseTo(1, 6);
  });

  it('log Γ matches factorials and Γ(½) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
  });
});

describe('Wilson interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i → [%f, %f]', (x, n, low, high) => {
    const ci = wilsonInterval(x, n);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
    expect(ci.level).toBe(0.95);
  });

  it('stays inside [0, 1] and is not degenerate at 0% or 100%', () => {
    const all = wilsonInterval(400, 400);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(400 / (400 + 1.959963984540054 ** 2), 12); // n/(n + z²)
    const none = wilsonInterval(0, 400);
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0);
  });

  it('widens with the level', () => {
    const a = wilsonInterval(393, 400, 0.9);
    const b = wilsonInterval(393, 400, 0.99);
    expect(b.low).toBeLessThan(a.low);
    expect(b.high).toBeGreaterThan(a.high);
  });
});

describe('Holm adjustment', () => {
  it('follows the worked example: sorted p × (m − rank), running maximum, original order', () => {
    // Sorted: 0.005×4 = 0.02, 0.01×3 = 0.03, 0.03×2 = 0.06, 0.04×1 = 0.04 → max(0.06, 0.04) = 0.06.
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adj[i]).toBeCloseTo(x, 15));
  });

  it('caps at 1 and leaves a single test alone', () => {
    expect(holmAdjust([0.4, 0.5, 0.6])).toEqual([1, 1, 1]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('is never below the raw p nor above Bonferroni', () => {
    const rand = mulberry32(3);
    const p = Array.from({ length: 30 }, () => rand() ** 3);
    holmAdjust(p).forEach((a, i) => {
      expect(a).toBeGreaterThanOrEqual(p[i] as number);
      expect(a).toBeLessThanOrEqual(Math.min(1, 30 * (p[i] as number)) + 1e-15);
    });
  });
});

describe('sign-flip test', () => {
  it('is McNemar’s exact test for one epoch, single questions, equal weights', () => {
    for (const [b, c] of [
      [1, 9],
      [0, 5],
      [9, 4],
      [3, 3],
      [20, 35],
      [0, 0],
    ] as const) {
      const d = [...Array<number>(b).fill(1), ...Array<number>(c).fill(-1), 0, 0];
      expect(signFlipTest(d)).toBeCloseTo(mcnemarExact(b, c), 12);
    }
  });

  it('matches enumeration of all sign patterns for weighted differences', () => {
    const d = [3, -1, 5, 2, -3, 1, 4, -2, 6, 1];
    const t = Math.abs(d.reduce((s, x) => s + x, 0));
    let extreme = 0;
    for (let mask = 0; mask < 1 << d.length; mask++) {
      const s = d.reduce((acc, x, i) => acc + ((mask >> i) & 1 ? Math.abs(x) : -Math.abs(x)), 0);
      if (Math.abs(s) >= t) extreme++;
    }
    expect(signFlipTest(d)).toBeCloseTo(extreme / 2 ** d.length, 14);
  });

  it('falls back to the normal limit for huge tables, close to the exact value', () => {
    // 300 cases, a mild excess of positive differences: p in the range where decisions are made.
    const d = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 || i % 11 === 0 ? 1 : -1) * (1 + (i % 5)));
    const exact = signFlipTest(d);
    const approx = signFlipTest(d, 10);
    expect(exact).toBeGreaterThan(0.001);
    expect(exact).toBeLessThan(0.2);
    expect(Math.abs(approx - exact)).toBeLessThan(0.1 * exact);
  });

  it('refuses non-integer differences (callers scale to whole units)', () => {
    expect(() => signFlipTest([0.5, 1])).toThrow(RangeError);
  });
});

/** A small design: 6 questions in two blocks, one 3-point, a case of two. */
function tinyDesign(): ExamDesign {
  return buildDesign({
    ids: ['a', 'b', 'c', 'd', 'e', 'f'],
    points: [1, 3, 1, 1, 1, 1],
    required: [1, 1, 0, 0, 0, 0],
    block: ['B', 'B', 'A', 'A', 'A', 'A'],
    group: [null, null, 'x', 'x', null, null],
    rules: { requiredMax: 4, generalMax: 4, requiredPass: 3, generalPass: 3, kinkiMax: 1, kinkiDisclosed: true },
    kinkiChoices: [1, 0, 1, 1, 0, 1],
  });
}

describe('exact P(pass) for independent questions', () => {
  it('equals enumeration of every outcome (right / wrong / 禁忌肢) of a small exam', () => {
    const d = tinyDesign();
    const pRight = [0.9, 0.7, 0.8, 0.6, 0.95, 0.5];
    const pKinki = [0.05, 0, 0.1, 0.2, 0, 0.3];
    let expected = 0;
    for (let code = 0; code < 3 ** 6; code++) {
      let prob = 1;
      let req = 0;
      let gen = 0;
      let kinki = 0;
      for (let i = 0, c = code; i < 6; i++, c = Math.floor(c / 3)) {
        const o = c % 3; // 0 right, 1 wrong, 2 禁忌肢
        const pr = pRight[i] as number;
        const pk = pKinki[i] as number;
        prob *= o === 0 ? pr : o === 1 ? 1 - pr - pk : pk;
        if (o === 0) {
          if (d.required[i]) req += d.points[i] as number;
          else gen += d.points[i] as number;
        }
        if (o === 2) kinki++;
      }
      if (req >= 3 && gen >= 3 && kinki <= 1) expected += prob;
    }
    expect(passProbabilityIndependent(d, pRight, pKinki)).toBeCloseTo(expected, 14);
  });

  it('without 禁忌肢 is the product of the parts’ tails', () => {
    const d = tinyDesign();
    const p = [0.9, 0.7, 0.8, 0.6, 0.95, 0.5];
    // Required: needs b (3 pts) right: 0.7. General: at least 3 of c, d, e, f right.
    const [c, dd, e, f] = [0.8, 0.6, 0.95, 0.5];
    const all = c * dd * e * f;
    const three = (1 - c) * dd * e * f + c * (1 - dd) * e * f + c * dd * (1 - e) * f + c * dd * e * (1 - f);
    expect(passProbabilityIndependent(d, p, null)).toBeCloseTo(0.7 * (all + three), 14);
  });
});

describe('beta prior (empirical Bayes)', () => {
  it('recovers the prior that generated the counts', () => {
    const rand = mulberry32(11);
    // Beta(8, 1): mean 0.89, most questions near 1 — drawn as the 1st order statistic of uniforms.
    const K = 5;
    const counts = Array.from({ length: 4000 }, () => {
      let p = 0;
      for (let j = 0; j < 8; j++) p = Math.max(p, rand());
      let k = 0;
      for (let e = 0; e < K; e++) if (rand() < p) k++;
      return k;
    });
    const prior = fitBetaPrior(counts, K);
    expect(prior.a / (prior.a + prior.b)).toBeCloseTo(8 / 9, 2);
    expect(prior.a + prior.b).toBeGreaterThan(6);
    expect(prior.a + prior.b).toBeLessThan(13);
  });

  it('stays proper when every question was right every time', () => {
    const prior = fitBetaPrior(Array<number>(100).fill(5), 5);
    expect(Number.isFinite(prior.a) && prior.a > 0 && prior.b > 0).toBe(true);
    expect(prior.a / (prior.a + prior.b)).toBeGreaterThan(0.99);
  });

  it('needs two epochs', () => {
    expect(() => fitBetaPrior([1, 0, 1], 1)).toThrow(RangeError);
  });
});

describe('clustered variance', () => {
  it('is the textbook p(1 − p)/(n − 1) for independent, equally weighted questions in one stratum', () => {
    const n = 50;
    const d = buildDesign({
      ids: Array.from({ length: n }, (_, i) => `q${i}`),
      points: Array<number>(n).fill(1),
      required: Array<number>(n).fill(0),
      block: Array<string>(n).fill('A'),
      group: Array<null>(n).fill(null),
      rules: RULES_120,
    });
    const y = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const p = 0.8;
    expect(designVariance(d, y, 'questions')).toBeCloseTo((p * (1 - p)) / (n - 1), 14);
  });

  it('counts a case as one unit: two perfectly correlated questions double the variance', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const base = { ids, points: Array<number>(40).fill(1), required: Array<number>(40).fill(0), block: Array<string>(40).fill('A'), rules: RULES_120 };
    const y = ids.map((_, i) => (Math.floor(i / 2) % 4 === 0 ? 0 : 1)); // pairs share their outcome
    const single = designVariance(buildDesign({ ...base, group: ids.map(() => null) }), y, 'questions');
    const paired = designVariance(buildDesign({ ...base, group: ids.map((_, i) => `g${Math.floor(i / 2)}`) }), y, 'questions');
    // Twice the squared deviations, over 20 units instead of 40: 2 × (20/19)/(40/39).
    expect(paired / single).toBeCloseTo((2 * (20 / 19)) / (40 / 39), 12);
  });
});

describe('resampling plans', () => {
  /** The textbook stratified cluster bootstrap: draw clusters directly, score each resample. */
  function naive(d: ExamDesign, miss: Float64Array, B: number, seed: number): Float64Array {
    const rand = mulberry32(seed);
    const out = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let total = 0;
      for (const st of d.strata) {
        let lost = 0;
        let drawn = 0;
        for (let j = 0; j < st.clusters.length; j++) {
          const c = st.clusters[Math.floor(rand() * st.clusters.length)] as number;
          for (let k = d.clusterStart[c] as number; k < (d.clusterStart[c + 1] as number); k++) {
            const i = d.clusterMembers[k] as number;
            lost += (d.points[i] as number) * (miss[i] as number);
            drawn += d.points[i] as number;
          }
        }
        total += st.maxPoints * (1 - lost / drawn);
      }
      out[b] = total / (d.requiredMax + d.generalMax);
    }
    return out;
  }

  it('give the same resampled scores as drawing clusters directly', () => {
    const rand = mulberry32(5);
    const d = buildDesign({
      ids: Array.from({ length: 60 }, (_, i) => `q${i}`),
      points: Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? 3 : 1)),
      required: Array.from({ length: 60 }, (_, i) => (i < 20 ? 1 : 0)),
      block: Array.from({ length: 60 }, (_, i) => (i < 20 ? 'B' : i < 40 ? 'C' : 'D')),
      group: Array.from({ length: 60 }, (_, i) => (i >= 40 && i < 52 ? `g${Math.floor(i / 3)}` : null)),
      rules: RULES_120,
    });
    const miss = Float64Array.from({ length: 60 }, () => (rand() < 0.3 ? rand() : 0));
    const plan = resamplingPlan(d, 500, 99);
    const fast = totalFraction(d, resampleMeans(d, plan, miss, null));
    const slow = naive(d, miss, 500, 99);
    for (let b = 0; b < 500; b++) expect(fast[b]).toBeCloseTo(slow[b] as number, 12);
    // The generic weighted mean agrees: score = 1 − mean of misses, points-weighted.
    const mean = resampledMean(d, plan, miss, 'points');
    for (let b = 0; b < 500; b++) expect(1 - (mean[b] as number)).toBeCloseTo(fast[b] as number, 12);
  });

  it('keep every resample a whole exam: each stratum keeps its points', () => {
    const d = tinyDesign();
    const plan = resamplingPlan(d, 200, 1);
    const all = totalFraction(d, resampleMeans(d, plan, new Float64Array(6), null));
    expect(Array.from(all).every((x) => x === 1)).toBe(true);
  });

  it('are shared: the same design, size and seed give the same plan object', () => {
    const d = tinyDesign();
    expect(resamplingPlan(d, 100, 7)).toBe(resamplingPlan(d, 100, 7));
    expect(resamplingPlan(d, 100, 8)).not.toBe(resamplingPlan(d, 100, 7));
  });

  it('quantile interpolates like numpy', () => {
    expect(quantile(Float64Array.from([1, 2, 3, 4]), 0.25)).toBeCloseTo(1.75, 12);
    expect(Number.isFinite(normalDraw(mulberry32(1)))).toBe(true);
  });
});
