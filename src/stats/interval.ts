import type { ExamDesign } from './design.js';
import type { Interval } from './options.js';
import { designVariance, kishSize } from './variance.js';
import { wilsonFromProportion } from './wilson.js';

/**
 * Confidence intervals for a run's score % and accuracy on exams like this
 * one: the expected value over new questions drawn like these, of the mean
 * over epochs (Miller 2024's "super-population" view).
 *
 * Wilson interval with the design's effective sample size (Korn & Graubard
 * 1998): n_eff = p̂(1 − p̂)/v̂, where v̂ is the stratified, clustered variance
 * of p̂ (`designVariance`; it already holds the epoch-to-epoch noise through
 * the per-question means). With independent questions, equal points and one
 * epoch n_eff ≈ the number of questions and this is the textbook Wilson
 * interval. Where v̂ says nothing (p̂ = 0 or 1, e.g. a run with every question
 * right), n_eff falls back to Kish's size for the points weights; it never
 * exceeds K times that.
 */
export interface MeanEstimate {
  /** Point estimate, a fraction 0–1 (mean over epochs). */
  readonly value: number;
  readonly interval: Interval;
  /** Standard error of `value` (clustered, stratified). */
  readonly se: number;
  readonly effectiveN: number;
}

export function designWilson(
  design: ExamDesign,
  means: ArrayLike<number>,
  weight: 'points' | 'questions',
  epochs: number,
  level: number,
  include?: (i: number) => boolean,
): MeanEstimate {
  let num = 0;
  let den = 0;
  for (let i = 0; i < design.ids.length; i++) {
    if (include && !include(i)) continue;
    const w = weight === 'points' ? (design.points[i] as number) : 1;
    num += w * (means[i] as number);
    den += w;
  }
  const p = den > 0 ? num / den : 0;
  const v = designVariance(design, means, weight, include);
  const kish = kishSize(design, weight, include);
  const raw = p > 0 && p < 1 && v > 0 ? (p * (1 - p)) / v : kish;
  const effectiveN = Math.min(raw, epochs * kish);
  return { value: p, interval: wilsonFromProportion(Math.min(1, Math.max(0, p)), effectiveN, level), se: Math.sqrt(v), effectiveN };
}

/** Score % (points earned / points) of a run, mean over epochs, with its interval. */
export function scoreEstimate(design: ExamDesign, means: ArrayLike<number>, epochs: number, level = 0.95): MeanEstimate {
  return designWilson(design, means, 'points', epochs, level);
}

/** Accuracy (questions right / questions) of a run, mean over epochs, with its interval. */
export function accuracyEstimate(design: ExamDesign, means: ArrayLike<number>, epochs: number, level = 0.95): MeanEstimate {
  return designWilson(design, means, 'questions', epochs, level);
}
