import { logBeta } from './special.js';

/**
 * Empirical Bayes for per-question success probabilities: with k_q of K
 * epochs right on question q, fit the Beta(a, b) prior of p_q that makes the
 * observed counts most likely (beta-binomial maximum marginal likelihood),
 * then every question's posterior is Beta(a + k_q, b + K − k_q). The prior
 * learns how a model's questions are spread (most near 1, a tail of hard
 * ones), so 5 of 5 right means "very likely right next time", not "certainly".
 */
export interface BetaPrior {
  readonly a: number;
  readonly b: number;
}

const LOGIT_BOUND = 14; // prior means within about 1e-6 of 0 or 1
const LOG_S_MIN = -5; // a + b ≥ 0.007: strongly U-shaped priors allowed
const LOG_S_MAX = 12; // a + b ≤ 160,000: effectively no spread between questions

/** Beta-binomial log likelihood (up to a constant) of a histogram of counts (`hist[k]` questions with k right of K). */
export function betaBinomialLogLik(hist: ArrayLike<number>, K: number, a: number, b: number): number {
  const base = logBeta(a, b);
  let ll = 0;
  for (let k = 0; k <= K; k++) {
    const h = hist[k] as number;
    if (h > 0) ll += h * (logBeta(k + a, K - k + b) - base);
  }
  return ll;
}

/**
 * Fit Beta(a, b) to counts k_q of K (K ≥ 2; with one epoch the spread between
 * questions cannot be told from sampling noise, so there is nothing to fit).
 * Maximises over (logit mean, log(a + b)) by Nelder–Mead from the moment
 * estimate, inside bounds that keep the prior proper; deterministic.
 */
export function fitBetaPrior(counts: ArrayLike<number>, K: number): BetaPrior {
  if (!(Number.isInteger(K) && K >= 2)) throw new RangeError(`a beta prior needs at least two epochs, got ${K}`);
  const hist = new Float64Array(K + 1);
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const k = counts[i] as number;
    hist[k] = (hist[k] as number) + 1;
    n++;
    sum += k;
    sum2 += k * k;
  }
  if (n === 0) return { a: 1, b: 1 };
  // Moment start: Var(k) = K μ(1−μ)(s + K)/(s + 1) with s = a + b.
  const mu = Math.min(1 - 1e-4, Math.max(1e-4, sum / (n * K)));
  const varK = Math.max(0, sum2 / n - (sum / n) ** 2);
  const ratio = varK / (K * mu * (1 - mu));
  const s0 = ratio <= 1.0001 ? Math.exp(LOG_S_MAX) : ratio >= K ? Math.exp(LOG_S_MIN) : (K - ratio) / (ratio - 1);
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const toPrior = (v: readonly number[]): BetaPrior => {
    const m = 1 / (1 + Math.exp(-clamp(v[0] as number, -LOGIT_BOUND, LOGIT_BOUND)));
    const s = Math.exp(clamp(v[1] as number, LOG_S_MIN, LOG_S_MAX));
    return { a: m * s, b: (1 - m) * s };
  };
  const f = (v: readonly number[]) => {
    const { a, b } = toPrior(v);
    return -betaBinomialLogLik(hist, K, a, b);
  };
  const start = [clamp(Math.log(mu / (1 - mu)), -LOGIT_BOUND, LOGIT_BOUND), clamp(Math.log(s0), LOG_S_MIN, LOG_S_MAX)];
  return toPrior(nelderMead(f, start, [0.5, 0.5]));
}

/** Nelder–Mead minimisation in two dimensions (standard coefficients), with one restart from the optimum. */
function nelderMead(f: (v: readonly number[]) => number, start: readonly number[], step: readonly number[]): number[] {
  let best = start.slice();
  for (let restart = 0; restart < 2; restart++) {
    const simplex: { v: number[]; y: number }[] = [
      best,
      [(best[0] as number) + (step[0] as number), best[1] as number],
      [best[0] as number, (best[1] as number) + (step[1] as number)],
    ].map((v) => ({ v, y: f(v) }));
    for (let iter = 0; iter < 400; iter++) {
      simplex.sort((p, q) => p.y - q.y);
      const [lo, mid, hi] = simplex as [{ v: number[]; y: number }, { v: number[]; y: number }, { v: number[]; y: number }];
      if (
        Math.abs(hi.y - lo.y) <= 1e-10 * (1 + Math.abs(lo.y)) &&
        Math.abs((hi.v[0] as number) - (lo.v[0] as number)) + Math.abs((hi.v[1] as number) - (lo.v[1] as number)) < 1e-7
      )
        break;
      const centroid = [0, 1].map((d) => ((lo.v[d] as number) + (mid.v[d] as number)) / 2);
      const along = (t: number) => [0, 1].map((d) => (centroid[d] as number) + t * ((hi.v[d] as number) - (centroid[d] as number)));
      const r = along(-1);
      const yr = f(r);
      if (yr < lo.y) {
        const e = along(-2);
        const ye = f(e);
        simplex[2] = ye < yr ? { v: e, y: ye } : { v: r, y: yr };
      } else if (yr < mid.y) {
        simplex[2] = { v: r, y: yr };
      } else {
        const c = yr < hi.y ? along(-0.5) : along(0.5);
        const yc = f(c);
        if (yc < Math.min(yr, hi.y)) simplex[2] = { v: c, y: yc };
        else {
          for (const k of [1, 2]) {
            const p = simplex[k] as { v: number[]; y: number };
            const v = [0, 1].map((d) => (lo.v[d] as number) + 0.5 * ((p.v[d] as number) - (lo.v[d] as number)));
            simplex[k] = { v, y: f(v) };
          }
        }
      }
    }
    simplex.sort((p, q) => p.y - q.y);
    best = (simplex[0] as { v: number[] }).v;
  }
  return best;
}
