import { mulberry32 } from '../util/prng.js';
import type { ExamDesign } from './design.js';

/**
 * Resampling plans: which clusters (and, for the two-level bootstrap, which
 * epochs) each resample draws. A plan depends only on the design, the number
 * of resamples, the seed and the number of epochs, never on a run's outcomes,
 * so every run on the design shares it: resampling many runs jointly (paired,
 * rank ranges) is then free, and a run's resampled scores only need the
 * questions it got wrong. Plans are cached per design.
 *
 * Each resample is a whole exam: within every stratum (block × points) it
 * draws, with replacement, as many serial-case clusters as the stratum has.
 */
export interface ResamplingPlan {
  readonly resamples: number;
  readonly seed: number;
  /**
   * Epochs drawn per cluster draw: 1 = clusters only (a run's per-question
   * mean over epochs is used as is); K = two-level, every cluster draw also
   * draws one epoch in 0…K−1, shared by the questions of the case.
   */
  readonly epochs: number;
  /** `counts[(c * epochs + e) * resamples + b]`: times cluster c was drawn with epoch e in resample b. */
  readonly counts: Uint8Array | Uint16Array;
  /** `clusterCounts[c * resamples + b]`: times cluster c was drawn in resample b, whatever the epoch. */
  readonly clusterCounts: Uint8Array | Uint16Array;
  /** `drawnPoints[s * resamples + b]`: points of the questions stratum s drew in resample b. */
  readonly drawnPoints: Float64Array;
  /** `drawnQuestions[s * resamples + b]`: questions stratum s drew in resample b. */
  readonly drawnQuestions: Float64Array;
}

const CACHE_PER_DESIGN = 6;
const cache = new WeakMap<ExamDesign, Map<string, ResamplingPlan>>();

/** The plan for (design, resamples, seed, epochs), from the cache when it was built before. */
export function resamplingPlan(design: ExamDesign, resamples: number, seed: number, epochs = 1): ResamplingPlan {
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  let plans = cache.get(design);
  if (!plans) {
    plans = new Map();
    cache.set(design, plans);
  }
  const key = `${resamples}:${seed >>> 0}:${epochs}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const plan = drawPlan(design, resamples, seed >>> 0, epochs);
  if (plans.size >= CACHE_PER_DESIGN) plans.delete(plans.keys().next().value as string);
  plans.set(key, plan);
  return plan;
}

function drawPlan(design: ExamDesign, B: number, seed: number, K: number): ResamplingPlan {
  const C = design.clusterCount;
  const S = design.strata.length;
  const largest = design.strata.reduce((m, s) => Math.max(m, s.clusters.length), 0);
  const counts = largest <= 0xff ? new Uint8Array(C * K * B) : new Uint16Array(C * K * B);
  const clusterCounts = K === 1 ? counts : largest <= 0xff ? new Uint8Array(C * B) : new Uint16Array(C * B);
  const clusterPoints = new Float64Array(C);
  const clusterQuestions = new Float64Array(C);
  for (let i = 0; i < design.ids.length; i++) {
    const c = design.cluster[i] as number;
    clusterPoints[c] = (clusterPoints[c] as number) + (design.points[i] as number);
    clusterQuestions[c] = (clusterQuestions[c] as number) + 1;
  }
  const drawnPoints = new Float64Array(S * B);
  const drawnQuestions = new Float64Array(S * B);
  const rand = mulberry32(seed);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const clusters = (design.strata[s] as { clusters: Int32Array }).clusters;
      const m = clusters.length;
      let pts = 0;
      let qs = 0;
      for (let j = 0; j < m; j++) {
        const c = clusters[(rand() * m) | 0] as number;
        const e = K > 1 ? (rand() * K) | 0 : 0;
        const k = (c * K + e) * B + b;
        counts[k] = (counts[k] as number) + 1;
        if (K > 1) clusterCounts[c * B + b] = (clusterCounts[c * B + b] as number) + 1;
        pts += clusterPoints[c] as number;
        qs += clusterQuestions[c] as number;
      }
      drawnPoints[s * B + b] = pts;
      drawnQuestions[s * B + b] = qs;
    }
  }
  return { resamples: B, seed, epochs: K, counts, clusterCounts, drawnPoints, drawnQuestions };
}
