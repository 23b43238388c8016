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

/**
 * Beta-binomial log likelihood (up to a constant) of a histogram of counts
 * (`hist[k]` questions with k right of K). Uses Γ(x + k)/Γ(x) = x(x+1)…(x+k−1),
 * so it needs K logarithms per parameter and no log Γ.
 */
function betaBinomialLogLik(hist: ArrayLike<number>, K: number, a: number, b: number): number {
  // prefixA[k] = Σ_{j<k} log(a + j), likewise for b and a + b.
  let ll = 0;
  let la = 0;
  for (let k = 0; k <= K; k++) {
    if (k > 0) la += Math.log(a + k - 1);
    const h = hist[k] as number;
    if (h === 0) continue;
    let lb = 0;
    for (let j = 0; j < K - k; j++) lb += Math.log(b + j);
    ll += h * (la + lb);
  }
  let lab = 0;
  for (let j = 0; j < K; j++) lab += Math.log(a + b + j);
  let n = 0;
  for (let k = 0; k <= K; k++) n += hist[k] as number;
  return ll - n * lab;
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
  const toPrior = (logitMean: number, logSize: number): BetaPrior => {
    const m = 1 / (1 + Math.exp(-clamp(logitMean, -LOGIT_BOUND, LOGIT_BOUND)));
    const s = Math.exp(clamp(logSize, LOG_S_MIN, LOG_S_MAX));
    return { a: m * s, b: (1 - m) * s };
  };
  const f = (x: number, y: number) => {
    const { a, b } = toPrior(x, y);
    return -betaBinomialLogLik(hist, K, a, b);
  };
  const [x, y] = nelderMead(f, clamp(Math.log(mu / (1 - mu)), -LOGIT_BOUND, LOGIT_BOUND), clamp(Math.log(s0), LOG_S_MIN, LOG_S_MAX), 0.5);
  return toPrior(x, y);
}

/** Nelder–Mead minimisation in two dimensions (standard coefficients), with one restart from the optimum. */
function nelderMead(f: (x: number, y: number) => number, x0: number, y0: number, step: number): [number, number] {
  let bx = x0;
  let by = y0;
  for (let restart = 0; restart < 2; restart++) {
    // Vertices (x, y, value), kept sorted best (1) to worst (3).
    let x1 = bx;
    let y1 = by;
    let f1 = f(x1, y1);
    let x2 = bx + step;
    let y2 = by;
    let f2 = f(x2, y2);
    let x3 = bx;
    let y3 = by + step;
    let f3 = f(x3, y3);
    for (let iter = 0; iter < 400; iter++) {
      // Sort the three vertices by value.
      if (f2 < f1) [x1, y1, f1, x2, y2, f2] = [x2, y2, f2, x1, y1, f1];
      if (f3 < f2) [x2, y2, f2, x3, y3, f3] = [x3, y3, f3, x2, y2, f2];
      if (f2 < f1) [x1, y1, f1, x2, y2, f2] = [x2, y2, f2, x1, y1, f1];
      if (Math.abs(f3 - f1) <= 1e-9 * (1 + Math.abs(f1)) && Math.abs(x3 - x1) + Math.abs(y3 - y1) < 1e-5) break;
      const cx = (x1 + x2) / 2;
      const cy = (y1 + y2) / 2;
      const rx = 2 * cx - x3;
      const ry = 2 * cy - y3;
      const fr = f(rx, ry);
      if (fr < f1) {
        const ex = 3 * cx - 2 * x3;
        const ey = 3 * cy - 2 * y3;
        const fe = f(ex, ey);
        if (fe < fr) [x3, y3, f3] = [ex, ey, fe];
        else [x3, y3, f3] = [rx, ry, fr];
      } else if (fr < f2) {
        [x3, y3, f3] = [rx, ry, fr];
      } else {
        // Contract towards the centroid (outside if the reflection was at least better than the worst).
        const t = fr < f3 ? 0.5 : -0.5;
        const kx = cx + t * (cx - x3);
        const ky = cy + t * (cy - y3);
        const fk = f(kx, ky);
        if (fk < Math.min(fr, f3)) [x3, y3, f3] = [kx, ky, fk];
        else {
          x2 = x1 + 0.5 * (x2 - x1);
          y2 = y1 + 0.5 * (y2 - y1);
          f2 = f(x2, y2);
          x3 = x1 + 0.5 * (x3 - x1);
          y3 = y1 + 0.5 * (y3 - y1);
          f3 = f(x3, y3);
        }
      }
    }
    // The best vertex: after the last sort and one more step it may be any of the three.
    const best = f1 <= f2 && f1 <= f3 ? [x1, y1] : f2 <= f3 ? [x2, y2] : [x3, y3];
    bx = best[0] as number;
    by = best[1] as number;
  }
  return [bx, by];
}
