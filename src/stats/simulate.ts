import { buildDesign, type ExamDesign, type PassRules } from './design.js';
import type { RunOutcomes } from './outcomes.js';
import { logGamma } from './special.js';

/**
 * Synthetic exams and models whose truths are known, for calibration by
 * simulation (unit tests, bench/stats.mjs). Nothing here reads data: the exam
 * is the 120th's structure written by hand, the models are distributions.
 */

/** The 120th's pass rules (MHLW): required ≥ 160/200, general ≥ 224/300, 禁忌肢 ≤ 3. */
export const RULES_120: PassRules = { requiredMax: 200, generalMax: 300, requiredPass: 160, generalPass: 224, kinkiMax: 3, kinkiDisclosed: false };

/**
 * A design with the 120th's structure: 400 questions in blocks A–F (75, 50,
 * 75, 75, 50, 75), B and E required with Q26–50 worth 3 points, serial cases
 * of two questions at B/E 41–50 and of three at C/F 61–75. With
 * `kinkiEvery`, 禁忌肢 is disclosed and every k-th question has a prohibited choice.
 */
export function syntheticDesign120(opts: { kinkiEvery?: number } = {}): ExamDesign {
  const ids: string[] = [];
  const points: number[] = [];
  const required: boolean[] = [];
  const block: string[] = [];
  const group: (string | null)[] = [];
  const sizes: Record<string, number> = { A: 75, B: 50, C: 75, D: 75, E: 50, F: 75 };
  for (const [b, count] of Object.entries(sizes)) {
    const req = b === 'B' || b === 'E';
    for (let q = 1; q <= count; q++) {
      ids.push(`S${b}-${q}`);
      points.push(req && q >= 26 ? 3 : 1);
      required.push(req);
      block.push(b);
      if (req && q >= 41) group.push(`S${b}-${q - ((q - 41) % 2)}`);
      else if (!req && (b === 'C' || b === 'F') && q >= 61) group.push(`S${b}-${q - ((q - 61) % 3)}`);
      else group.push(null);
    }
  }
  const every = opts.kinkiEvery;
  return buildDesign({
    ids,
    points,
    required,
    block,
    group,
    rules: every ? { ...RULES_120, kinkiDisclosed: true } : RULES_120,
    kinkiChoices: every ? ids.map((_, i) => i % every === 0) : null,
  });
}

/**
 * A model: on the logit scale, question q's probability of being right is
 * θ_part + σ·u_q with u_q standard normal (most questions near 1, a tail of
 * hard ones); within a serial case u_q = √ρ·z_case + √(1−ρ)·ε_q, so ρ is the
 * latent correlation of the questions of one case.
 */
export interface SyntheticModel {
  readonly requiredLogit: number;
  readonly generalLogit: number;
  readonly spread: number;
  readonly caseCorrelation: number;
  /** P(a prohibited choice | wrong) on questions that have one (default 0.3). */
  readonly kinkiGivenWrong?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A standard normal draw (Box–Muller on the seeded PRNG). */
export function normalDraw(rand: () => number): number {
  let u = rand();
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Draw the true per-question probabilities of being right for one exam. */
export function drawAbilities(design: ExamDesign, model: SyntheticModel, rand: () => number): Float64Array {
  const n = design.ids.length;
  const p = new Float64Array(n);
  const rho = model.caseCorrelation;
  for (let c = 0; c < design.clusterCount; c++) {
    const z = normalDraw(rand);
    const start = design.clusterStart[c] as number;
    const end = design.clusterStart[c + 1] as number;
    for (let j = start; j < end; j++) {
      const i = design.clusterMembers[j] as number;
      const u = end - start > 1 ? Math.sqrt(rho) * z + Math.sqrt(1 - rho) * normalDraw(rand) : z;
      const theta = design.required[i] ? model.requiredLogit : model.generalLogit;
      p[i] = sigmoid(theta + model.spread * u);
    }
  }
  return p;
}

/**
 * K independent epochs of a model with known probabilities `p`: outcome,
 * 禁忌肢 (where disclosed: on wrong answers to questions with a prohibited
 * choice, with probability `kinkiGivenWrong`), and answer keys ("R" right,
 * "W1"–"W3" three distinct wrong answers) for the majority vote.
 */
export function drawOutcomes(design: ExamDesign, p: Float64Array, epochs: number, rand: () => number, kinkiGivenWrong = 0.3): RunOutcomes {
  const n = design.ids.length;
  const correct = new Uint8Array(epochs * n);
  const kinki = design.kinkiKnown ? new Uint8Array(epochs * n) : null;
  const answers: string[] = new Array<string>(epochs * n);
  const keys = ['R', 'W1', 'W2', 'W3'] as const;
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < n; i++) {
      const k = e * n + i;
      const ok = rand() < (p[i] as number);
      correct[k] = ok ? 1 : 0;
      answers[k] = keys[ok ? 0 : 1 + ((rand() * 3) | 0)] as string;
      if (kinki && !ok && design.kinkiChoices?.[i] && rand() < kinkiGivenWrong) kinki[k] = 1;
    }
  }
  return { epochs, correct, kinki, answers };
}

// ---------------------------------------------------------------- exact truths by quadrature

/**
 * Nodes and weights of E[f(Z)], Z standard normal: the trapezoid rule on [−8, 8]
 * with step ½, exponentially accurate for the analytic integrands here (about
 * 1e-8 for a logistic of slope ≤ 2.5).
 */
const NODES: readonly { readonly z: number; readonly w: number }[] = (() => {
  const h = 0.5;
  const out: { z: number; w: number }[] = [];
  let total = 0;
  for (let z = -8; z <= 8 + 1e-9; z += h) {
    const w = Math.exp(-0.5 * z * z);
    out.push({ z, w });
    total += w;
  }
  return out.map((x) => ({ z: x.z, w: x.w / total }));
})();

/** E[sigmoid(θ + s·Z)]. */
function meanSigmoid(theta: number, s: number): number {
  let m = 0;
  for (const { z, w } of NODES) m += w * sigmoid(theta + s * z);
  return m;
}

/** The expected score fraction and accuracy of a model on exams like the design (the targets intervals must cover). */
export function modelTruth(design: ExamDesign, model: SyntheticModel): { scoreFraction: number; accuracy: number } {
  const mr = meanSigmoid(model.requiredLogit, model.spread);
  const mg = meanSigmoid(model.generalLogit, model.spread);
  let pts = 0;
  let earned = 0;
  let right = 0;
  for (let i = 0; i < design.ids.length; i++) {
    const m = design.required[i] ? mr : mg;
    pts += design.points[i] as number;
    earned += (design.points[i] as number) * m;
    right += m;
  }
  return { scoreFraction: earned / pts, accuracy: right / design.ids.length };
}

/** Convolve `dist` (in place, over its first `len` entries) with `kernel`; returns the new length. */
function convolveInPlace(dist: Float64Array, len: number, kernel: Float64Array): number {
  const out = len + kernel.length - 1;
  const at: number[] = [];
  for (let k = 0; k < kernel.length; k++) if (kernel[k] !== 0) at.push(k);
  for (let s = out - 1; s >= 0; s--) {
    let v = 0;
    for (const k of at) if (s - k >= 0 && s - k < len) v += (kernel[k] as number) * (dist[s - k] as number);
    dist[s] = v;
  }
  return out;
}

/** Binomial(m, g) probabilities, in log space (no underflow for m in the hundreds and g near 1). */
function binomial(m: number, g: number): Float64Array {
  const out = new Float64Array(m + 1);
  if (g <= 0 || g >= 1) {
    out[g >= 1 ? m : 0] = 1;
    return out;
  }
  const lg = Math.log(g);
  const l1 = Math.log(1 - g);
  const lm = logGamma(m + 1);
  for (let k = 0; k <= m; k++) out[k] = Math.exp(lm - logGamma(k + 1) - logGamma(m - k + 1) + k * lg + (m - k) * l1);
  return out;
}

/**
 * The probability that one run of the model on a new exam like the design
 * passes the required and general marks (禁忌肢 not modelled): exact, by
 * quadrature over each case's latent difficulty and convolution over cases.
 */
export function newExamPassProbability(design: ExamDesign, model: SyntheticModel): number {
  const rho = model.caseCorrelation;
  const s = model.spread;
  // Distribution of a case's points, per kind of case (part and points of its questions), and how many there are.
  const kinds = new Map<string, { req: boolean; kernel: Float64Array; count: number }>();
  for (let c = 0; c < design.clusterCount; c++) {
    const members: number[] = [];
    for (let j = design.clusterStart[c] as number; j < (design.clusterStart[c + 1] as number); j++) members.push(design.clusterMembers[j] as number);
    const req = design.required[members[0] as number] === 1;
    const pts = members.map((i) => design.points[i] as number);
    const key = `${req}:${pts.join(',')}`;
    const hit = kinds.get(key);
    if (hit) {
      hit.count++;
      continue;
    }
    const theta = req ? model.requiredLogit : model.generalLogit;
    const total = pts.reduce((x, y) => x + y, 0);
    const kernel = new Float64Array(total + 1);
    const d = new Float64Array(total + 1);
    for (const { z, w } of NODES) {
      // P(right | case latent z), the question's own part of the latent integrated out.
      const g = members.length > 1 ? meanSigmoid(theta + s * Math.sqrt(rho) * z, s * Math.sqrt(1 - rho)) : sigmoid(theta + s * z);
      d.fill(0);
      d[0] = 1;
      let len = 1;
      for (const p of pts) {
        const q = new Float64Array(p + 1);
        q[0] = 1 - g;
        q[p] = g;
        len = convolveInPlace(d, len, q);
      }
      for (let k = 0; k < len; k++) kernel[k] = (kernel[k] as number) + w * (d[k] as number);
    }
    kinds.set(key, { req, kernel, count: 1 });
  }
  const tail = (req: boolean, mark: number, max: number) => {
    const dist = new Float64Array(max + 1);
    dist[0] = 1;
    let len = 1;
    for (const kind of kinds.values()) {
      if (kind.req !== req) continue;
      const last = kind.kernel.length - 1;
      if (kind.kernel.every((x, k) => k === 0 || k === last || x === 0)) {
        // Single questions of one kind: their sum is binomial, spaced by the points.
        const b = binomial(kind.count, kind.kernel[last] as number);
        const binom = new Float64Array(kind.count * last + 1);
        for (let k = 0; k <= kind.count; k++) binom[k * last] = b[k] as number;
        len = convolveInPlace(dist, len, binom);
      } else for (let k = 0; k < kind.count; k++) len = convolveInPlace(dist, len, kind.kernel);
    }
    let x = 0;
    for (let k = mark; k < len; k++) x += dist[k] as number;
    return Math.min(1, x);
  };
  return tail(true, design.rules.requiredPass, design.requiredMax) * tail(false, design.rules.generalPass, design.generalMax);
}

/** The logit location θ with E[sigmoid(θ + s·Z)] = mean: draw models by their expected accuracy (bisection). */
export function logitForMean(mean: number, spread: number): number {
  if (!(mean > 0 && mean < 1)) throw new RangeError(`mean must be in (0, 1), got ${mean}`);
  // Newton's method on a bracket (the mean is increasing in θ), bisecting when a step leaves it.
  let lo = -40;
  let hi = 40;
  let theta = Math.log(mean / (1 - mean));
  for (let i = 0; i < 100; i++) {
    let m = 0;
    let slope = 0;
    for (const { z, w } of NODES) {
      const p = sigmoid(theta + spread * z);
      m += w * p;
      slope += w * p * (1 - p);
    }
    if (Math.abs(m - mean) < 1e-14) break;
    if (m < mean) lo = theta;
    else hi = theta;
    const next = theta - (m - mean) / slope;
    theta = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return theta;
}
