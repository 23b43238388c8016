import { fitBetaPrior, type BetaPrior } from './betabinom.js';
import type { ExamDesign } from './design.js';
import { checkOutcomes, correctCounts, kinkiCounts, questionMeans, type RunOutcomes } from './outcomes.js';
import { CLUSTER_STREAM, resolveOptions, subSeed, TWO_LEVEL_STREAM, type StatsOptions } from './options.js';
import { resamplingPlan } from './plan.js';
import { meanParts, resampleEpochs } from './resample.js';

/**
 * P(pass): the probability that the model passes under the official rules
 * (required ≥ mark, general ≥ mark, 禁忌肢 ≤ limit where disclosed), in two
 * readings:
 * - on a rerun of this exam: the same questions asked again (one new epoch);
 *   the only uncertainty is the model's own sampling, learnt from its epochs.
 * - on an exam like this one: new questions drawn like these (serial cases,
 *   blocks, points), answered once.
 * Both are predictive probabilities of an event one could observe, and both
 * are checked for calibration by simulation (test/unit/stats-calibration.test.ts).
 */
export interface PassProbability {
  /** Between 0 and 1; null when it cannot be estimated (`reason`). */
  readonly p: number | null;
  readonly reason: 'one-epoch' | 'incomplete' | null;
  /**
   * Whether the 禁忌肢 criterion is part of `p`. False where the exam does not
   * disclose its prohibited choices: `p` is then the probability of passing the
   * required and general marks, and 禁忌肢 is unknown.
   */
  readonly kinkiIncluded: boolean;
}

function notEstimable(design: ExamDesign, reason: 'one-epoch' | 'incomplete'): PassProbability {
  return { p: null, reason, kinkiIncluded: design.kinkiKnown };
}

/**
 * Exact P(pass) when each question is right with probability `pRight[i]` and
 * selects a prohibited choice with probability `pKinki[i]` (exclusive
 * outcomes), independently across questions: dynamic programming over points
 * (capped at the mark, since a part that reached it stays passed) and 禁忌肢
 * counts (capped at the limit + 1), per part, then combined. Points must be
 * integers (they are: 1 or 3).
 */
export function passProbabilityIndependent(design: ExamDesign, pRight: ArrayLike<number>, pKinki: ArrayLike<number> | null): number {
  const r = design.rules;
  const kinkiStates = pKinki ? r.kinkiMax + 2 : 1;
  const part = (req: 0 | 1, mark: number) => {
    const t = Math.max(0, mark);
    // dist[s·J + j] = P(points so far = s (capped at the mark t), 禁忌肢 so far = j (capped)).
    const J = kinkiStates;
    const dist = new Float64Array((t + 1) * J);
    dist[0] = 1;
    let reach = 0; // highest reachable capped score so far
    if (J === 1) {
      // Without 禁忌肢: the same recursion on scores alone (the common case, kept lean).
      for (let i = 0; i < design.ids.length; i++) {
        if (design.required[i] !== req) continue;
        const pts = design.points[i] as number;
        const c = pRight[i] as number;
        reach = Math.min(t, reach + pts);
        let capped = dist[t] as number;
        for (let from = Math.max(0, t - pts); from < t; from++) capped += (dist[from] as number) * c;
        dist[t] = capped;
        for (let s = Math.min(reach, t - 1); s >= 0; s--) dist[s] = (dist[s] as number) * (1 - c) + (s >= pts ? (dist[s - pts] as number) * c : 0);
      }
      return dist.subarray(t, t + 1);
    }
    for (let i = 0; i < design.ids.length; i++) {
      if (design.required[i] !== req) continue;
      const pts = design.points[i] as number;
      const c = pRight[i] as number;
      const k = pKinki ? (pKinki[i] as number) : 0;
      const w = 1 - c - k;
      reach = Math.min(t, reach + pts);
      // In place, from high scores down, so every state reads its predecessors before they change.
      for (let s = reach; s >= 0; s--) {
        for (let j = J - 1; j >= 0; j--) {
          const stay = dist[s * J + j] as number;
          let v = stay * (s === t ? c + w : w); // at the cap a right answer stays at the cap
          if (s === t) for (let from = Math.max(0, t - pts); from < t; from++) v += (dist[from * J + j] as number) * c;
          else if (s >= pts) v += (dist[(s - pts) * J + j] as number) * c;
          if (k > 0) {
            if (j === J - 1) v += stay * k; // 禁忌肢 count already past the limit
            if (j > 0) v += (dist[s * J + j - 1] as number) * k;
          }
          dist[s * J + j] = v;
        }
      }
    }
    // P(score ≥ mark and j 禁忌肢), j = 0…limit+1.
    return dist.subarray(t * J, (t + 1) * J);
  };
  const req = part(1, r.requiredPass);
  const gen = part(0, r.generalPass);
  if (!pKinki) return Math.min(1, (req[0] as number) * (gen[0] as number));
  let p = 0;
  for (let i = 0; i <= r.kinkiMax; i++) for (let j = 0; i + j <= r.kinkiMax; j++) p += (req[i] as number) * (gen[j] as number);
  return Math.min(1, p);
}

/** What the rerun reading learnt from the epochs: the beta priors per part and each question's predictive P(right), P(禁忌肢). */
export interface RerunModel {
  readonly prior: { readonly required: BetaPrior; readonly general: BetaPrior };
  readonly pRight: Float64Array;
  readonly pKinki: Float64Array | null;
}

/**
 * Per-question predictive probabilities for one more epoch: P(right) is the
 * posterior mean (a + k)/(a + b + K) under the part's fitted beta prior
 * (required questions are easier, so each part has its own). P(禁忌肢) is
 * P(wrong) × the question's share of prohibited choices among its wrong
 * epochs, shrunk by one pseudo-observation towards the run's pooled share
 * (itself (Σm + ½)/(Σw + 1), over questions that have a prohibited choice).
 */
export function rerunModel(design: ExamDesign, o: RunOutcomes): RerunModel {
  const K = o.epochs;
  const k = correctCounts(design, o);
  const n = design.ids.length;
  const partCounts = (req: number) => Array.from(k).filter((_, i) => design.required[i] === req);
  const prior = { required: fitBetaPrior(partCounts(1), K), general: fitBetaPrior(partCounts(0), K) };
  const pRight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { a, b } = design.required[i] ? prior.required : prior.general;
    pRight[i] = (a + (k[i] as number)) / (a + b + K);
  }
  const m = kinkiCounts(design, o);
  let pKinki: Float64Array | null = null;
  if (m && design.kinkiChoices) {
    let sm = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) {
      if (!design.kinkiChoices[i]) continue;
      sm += m[i] as number;
      sw += K - (k[i] as number);
    }
    const pooled = (sm + 0.5) / (sw + 1);
    pKinki = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!design.kinkiChoices[i]) continue;
      const share = ((m[i] as number) + pooled) / (K - (k[i] as number) + 1);
      pKinki[i] = (1 - (pRight[i] as number)) * Math.min(1, share);
    }
  }
  return { prior, pRight, pKinki };
}

/**
 * P(pass) on a rerun of this exam: one more epoch of the same questions,
 * predicted from the epochs (`rerunModel`), computed exactly. With one epoch
 * it cannot be estimated (a single sample cannot tell a sure answer from a
 * lucky one): `p` is null with reason 'one-epoch', never 0 or 1.
 */
export function passOnRerun(design: ExamDesign, o: RunOutcomes): PassProbability {
  checkOutcomes(design, o);
  if (!design.requiredComplete || !design.generalComplete) return notEstimable(design, 'incomplete');
  if (o.epochs < 2) return notEstimable(design, 'one-epoch');
  const m = rerunModel(design, o);
  return { p: passProbabilityIndependent(design, m.pRight, m.pKinki), reason: null, kinkiIncluded: design.kinkiKnown };
}

/**
 * P(pass) on an exam like this one: one run on new questions drawn like
 * these. Predictive bootstrap, per resample b:
 *
 *   part_b = part_obs + (A_b − part_obs) + (T_b − part_obs)
 *
 * A_b: the cluster bootstrap of the run's mean-over-epochs score (how far the
 * run's true level may be from the observed one); T_b: an independent
 * two-level bootstrap (clusters, then one epoch per drawn case) — one run on
 * a resampled exam (how far a single run on new questions scatters around
 * that level). Using T_b alone (the plug-in) ignores that the level itself is
 * estimated and is overconfident; the simulation shows it. Parts and 禁忌肢
 * counts are compared with the marks after rounding to whole points
 * (≥ mark − ½, ≤ limit + ½), as a real score is whole.
 */
export function passOnSimilarExam(design: ExamDesign, o: RunOutcomes, opts: StatsOptions = {}): PassProbability {
  checkOutcomes(design, o);
  if (!design.requiredComplete || !design.generalComplete) return notEstimable(design, 'incomplete');
  const draws = similarExamDraws(design, o, opts);
  const r = design.rules;
  // Locals only inside the loop: it runs cold after a run (see resample.ts, addShare).
  const { resamples, required, general, kinki } = draws;
  const requiredMark = r.requiredPass - 0.5;
  const generalMark = r.generalPass - 0.5;
  const kinkiLimit = r.kinkiMax + 0.5;
  let pass = 0;
  for (let b = 0; b < resamples; b++) {
    if ((required[b] as number) < requiredMark) continue;
    if ((general[b] as number) < generalMark) continue;
    if (kinki && (kinki[b] as number) > kinkiLimit) continue;
    pass++;
  }
  return { p: pass / resamples, reason: null, kinkiIncluded: kinki !== null };
}

/**
 * Draw ahead the resampling plans `passOnSimilarExam` will use for a run of
 * `epochs` epochs on this design (plans depend on the design alone, never on
 * outcomes): a run's report calls it while the run's requests are out.
 */
export function preparePassOnSimilarExam(design: ExamDesign, epochs: number, opts: StatsOptions = {}): void {
  const { resamples, seed } = resolveOptions(opts);
  resamplingPlan(design, resamples, subSeed(seed, TWO_LEVEL_STREAM), epochs);
  resamplingPlan(design, resamples, subSeed(seed, CLUSTER_STREAM), 1);
}

/** The predictive draws behind `passOnSimilarExam` (part scores and 禁忌肢 per resample); `plugIn` = T_b alone. */
export function similarExamDraws(
  design: ExamDesign,
  o: RunOutcomes,
  opts: StatsOptions & { readonly plugIn?: boolean } = {},
): { resamples: number; required: Float64Array; general: Float64Array; kinki: Float64Array | null } {
  const { resamples, seed } = resolveOptions(opts);
  const single = resampleEpochs(design, resamplingPlan(design, resamples, subSeed(seed, TWO_LEVEL_STREAM), o.epochs), o);
  if (opts.plugIn) return single;
  const n = design.ids.length;
  const means = questionMeans(design, o);
  const km = kinkiCounts(design, o);
  const kinkiMean = km ? Float64Array.from(km, (x) => x / o.epochs) : null;
  const level = meanParts(design, resamplingPlan(design, resamples, subSeed(seed, CLUSTER_STREAM), 1), o);
  // Observed part scores and 禁忌肢 mean (the centre both deviations are taken from).
  let reqObs = 0;
  let genObs = 0;
  let kinObs = 0;
  for (let i = 0; i < n; i++) {
    const pts = (design.points[i] as number) * (means[i] as number);
    if (design.required[i]) reqObs += pts;
    else genObs += pts;
    if (kinkiMean) kinObs += kinkiMean[i] as number;
  }
  return {
    resamples,
    required: deviationSum(level.required, single.required, reqObs),
    general: deviationSum(level.general, single.general, genObs),
    kinki: single.kinki && level.kinki ? deviationSum(level.kinki, single.kinki, kinObs) : null,
  };
}

/** `a[b] + c[b] − centre` per resample: a leaf with locals only (it runs cold after a run; see resample.ts, addShare). */
function deviationSum(a: Float64Array, c: Float64Array, centre: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let b = 0; b < a.length; b++) out[b] = (a[b] as number) + (c[b] as number) - centre;
  return out;
}
