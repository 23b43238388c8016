import type { ExamDesign } from './design.js';
import { kinkiCounts, questionMeans, type RunOutcomes } from './outcomes.js';
import type { ResamplingPlan } from './plan.js';

/**
 * A run's part scores in every resample of a plan.
 *
 * A resampled stratum may draw more or fewer questions than it has (serial
 * cases of 2–3 questions sit beside single questions), so each stratum's
 * score is its share of the points it drew, times the points it has: the
 * separate ratio estimator. Every resample thus keeps the exam's maxima
 * (required 200, general 300 for the 120th) and each block's weight; the
 * 3-point questions stay 3-point questions. 禁忌肢 counts are scaled the same
 * way by questions.
 */
export interface ResampledParts {
  readonly resamples: number;
  /** Required points per resample, on the design's scale (0…requiredMax). */
  readonly required: Float64Array;
  /** General points per resample (0…generalMax). */
  readonly general: Float64Array;
  /** 禁忌肢 questions per resample; null = unknown. */
  readonly kinki: Float64Array | null;
}

function finish(design: ExamDesign, plan: ResamplingPlan, lost: Float64Array, kin: Float64Array | null): ResampledParts {
  const B = plan.resamples;
  const required = new Float64Array(B);
  const general = new Float64Array(B);
  const kinki = kin ? new Float64Array(B) : null;
  for (let s = 0; s < design.strata.length; s++) {
    const st = design.strata[s] as ExamDesign['strata'][number];
    // Which part a stratum is in: all its questions share it (a case never spans parts).
    const first = design.clusterMembers[design.clusterStart[st.clusters[0] as number] as number] as number;
    addShare(design.required[first] ? required : general, st.maxPoints, lost, plan.drawnPoints, s * B, B, true);
    if (kinki && kin) addShare(kinki, st.questions, kin, plan.drawnQuestions, s * B, B, false);
  }
  return { resamples: B, required, general, kinki };
}

/**
 * `acc[b] += W · (1 − part[b] / drawn[b])` (`kept`), or `W · part[b] / drawn[b]`,
 * for one stratum's rows. A leaf with every operand a local: it runs once per
 * stratum and resample, and after a run it runs cold, where V8's interpreter
 * pays for each closure or property read inside the loop (the report's
 * statistics after a run's last answer; BENCHMARKS.md, "run overhead").
 */
function addShare(acc: Float64Array, W: number, part: Float64Array, drawn: Float64Array, base: number, B: number, kept: boolean): void {
  if (kept) for (let b = 0; b < B; b++) acc[b] = (acc[b] as number) + W * (1 - (part[base + b] as number) / (drawn[base + b] as number));
  else for (let b = 0; b < B; b++) acc[b] = (acc[b] as number) + (W * (part[base + b] as number)) / (drawn[base + b] as number);
}

/** Add `weight × counts[row]` into `acc[s·B …]`: the one inner loop every resampled statistic runs. */
function accumulate(acc: Float64Array, accBase: number, counts: ArrayLike<number>, countBase: number, weight: number, B: number): void {
  for (let b = 0; b < B; b++) acc[accBase + b] = (acc[accBase + b] as number) + weight * (counts[countBase + b] as number);
}

/**
 * Clusters only (a plan with `epochs` 1): the run's per-question outcome is
 * its mean over epochs. `miss[i]` = 1 − mean correctness of question i;
 * `kinkiMean[i]` = share of epochs with a prohibited choice (null = unknown).
 * Only questions with something missed touch the resamples.
 */
export function resampleMeans(design: ExamDesign, plan: ResamplingPlan, miss: Float64Array, kinkiMean: Float64Array | null): ResampledParts {
  if (plan.epochs !== 1) throw new RangeError('resampleMeans needs a clusters-only plan (epochs 1)');
  const B = plan.resamples;
  const S = design.strata.length;
  const lost = new Float64Array(S * B);
  const kin = kinkiMean ? new Float64Array(S * B) : null;
  for (let c = 0; c < design.clusterCount; c++) {
    let w = 0;
    let k = 0;
    for (let j = design.clusterStart[c] as number; j < (design.clusterStart[c + 1] as number); j++) {
      const i = design.clusterMembers[j] as number;
      w += (design.points[i] as number) * (miss[i] as number);
      if (kinkiMean) k += kinkiMean[i] as number;
    }
    const s = design.clusterStratum[c] as number;
    if (w !== 0) accumulate(lost, s * B, plan.counts, c * B, w, B);
    if (kin && k !== 0) accumulate(kin, s * B, plan.counts, c * B, k, B);
  }
  return finish(design, plan, lost, kin);
}

/**
 * Two-level (a plan with `epochs` = the run's K): each cluster draw takes the
 * outcomes of one drawn epoch, so a resample is one run on a resampled exam.
 */
export function resampleEpochs(design: ExamDesign, plan: ResamplingPlan, o: RunOutcomes): ResampledParts {
  const K = o.epochs;
  if (plan.epochs !== K) throw new RangeError(`resampleEpochs needs a plan with ${K} epochs, got ${plan.epochs}`);
  const n = design.ids.length;
  const B = plan.resamples;
  const S = design.strata.length;
  const lost = new Float64Array(S * B);
  const kin = o.kinki && design.kinkiKnown ? new Float64Array(S * B) : null;
  const w = new Float64Array(K);
  const k = new Float64Array(K);
  for (let c = 0; c < design.clusterCount; c++) {
    const s = design.clusterStratum[c] as number;
    w.fill(0);
    k.fill(0);
    for (let j = design.clusterStart[c] as number; j < (design.clusterStart[c + 1] as number); j++) {
      const i = design.clusterMembers[j] as number;
      for (let e = 0; e < K; e++) {
        if (!o.correct[e * n + i]) w[e] = (w[e] as number) + (design.points[i] as number);
        if (kin && o.kinki) k[e] = (k[e] as number) + (o.kinki[e * n + i] as number);
      }
    }
    // What every epoch shares goes through the cluster's total draws once (a question wrong in
    // every epoch costs one pass, not K); only the epochs that differ need their own rows.
    addEpochRows(lost, s * B, plan, c, w, B);
    if (kin) addEpochRows(kin, s * B, plan, c, k, B);
  }
  return finish(design, plan, lost, kin);
}

function addEpochRows(acc: Float64Array, accBase: number, plan: ResamplingPlan, c: number, w: Float64Array, B: number): void {
  const K = plan.epochs;
  let common = Infinity;
  for (let e = 0; e < K; e++) common = Math.min(common, w[e] as number);
  if (common !== 0) accumulate(acc, accBase, plan.clusterCounts, c * B, common, B);
  for (let e = 0; e < K; e++) {
    const extra = (w[e] as number) - common;
    if (extra !== 0) accumulate(acc, accBase, plan.counts, (c * K + e) * B, extra, B);
  }
}

/** Total score as a fraction of the design's points, per resample. */
export function totalFraction(design: ExamDesign, parts: ResampledParts): Float64Array {
  const max = design.requiredMax + design.generalMax;
  const out = new Float64Array(parts.resamples);
  for (let b = 0; b < parts.resamples; b++) out[b] = ((parts.required[b] as number) + (parts.general[b] as number)) / max;
  return out;
}

/**
 * A weighted mean of per-question values in every resample of a clusters-only
 * plan, by the same separate ratio estimator: Σ_s W_s · (Σ drawn w·v / Σ drawn w) / W,
 * with w = points or 1. Values may be negative (differences between runs);
 * only questions with a non-zero value touch the resamples.
 */
export function resampledMean(design: ExamDesign, plan: ResamplingPlan, values: ArrayLike<number>, weight: 'points' | 'questions'): Float64Array {
  if (plan.epochs !== 1) throw new RangeError('resampledMean needs a clusters-only plan (epochs 1)');
  const B = plan.resamples;
  const S = design.strata.length;
  const sums = new Float64Array(S * B);
  for (let c = 0; c < design.clusterCount; c++) {
    let v = 0;
    for (let j = design.clusterStart[c] as number; j < (design.clusterStart[c + 1] as number); j++) {
      const i = design.clusterMembers[j] as number;
      v += (weight === 'points' ? (design.points[i] as number) : 1) * (values[i] as number);
    }
    if (v !== 0) accumulate(sums, (design.clusterStratum[c] as number) * B, plan.counts, c * B, v, B);
  }
  const drawn = weight === 'points' ? plan.drawnPoints : plan.drawnQuestions;
  let W = 0;
  const out = new Float64Array(B);
  design.strata.forEach((st, s) => {
    const Ws = weight === 'points' ? st.maxPoints : st.questions;
    W += Ws;
    const base = s * B;
    for (let b = 0; b < B; b++) out[b] = (out[b] as number) + (Ws * (sums[base + b] as number)) / (drawn[base + b] as number);
  });
  for (let b = 0; b < B; b++) out[b] = (out[b] as number) / W;
  return out;
}

const meanPartsCache = new WeakMap<RunOutcomes, { plan: ResamplingPlan; parts: ResampledParts }>();

/**
 * `resampleMeans` of a run's own outcomes (1 − k/K, and 禁忌肢 shares), kept
 * per outcomes object for the last plan used: rank ranges and P(pass) on a
 * similar exam need the same draws, and a leaderboard asks for both.
 * Outcomes are treated as immutable.
 */
export function meanParts(design: ExamDesign, plan: ResamplingPlan, o: RunOutcomes): ResampledParts {
  const hit = meanPartsCache.get(o);
  if (hit && hit.plan === plan) return hit.parts;
  const means = questionMeans(design, o);
  const miss = new Float64Array(means.length);
  for (let i = 0; i < means.length; i++) miss[i] = 1 - (means[i] as number);
  const km = kinkiCounts(design, o);
  const parts = resampleMeans(design, plan, miss, km ? Float64Array.from(km, (x) => x / o.epochs) : null);
  meanPartsCache.set(o, { plan, parts });
  return parts;
}
