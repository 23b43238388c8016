import type { ExamDesign } from './design.js';

/**
 * Analytic variance of a weighted mean over the design's questions under the
 * same sampling model as the bootstrap (clusters drawn with replacement within
 * strata, separate ratio per stratum), by linearisation:
 *
 *   v = Σ_h m_h/(m_h − 1) · Σ_{c ∈ h} (Y_c − r_h X_c)² / W²
 *
 * with X_c = Σ_{q∈c} w_q, Y_c = Σ_{q∈c} w_q y_q, r_h = Y_h / X_h, W = Σ w_q
 * (Miller 2024, eq. for clustered standard errors, with strata). A stratum
 * with one cluster adds nothing (as in the bootstrap).
 */
export function designVariance(design: ExamDesign, y: ArrayLike<number>, weight: 'points' | 'questions', include?: (i: number) => boolean): number {
  const C = design.clusterCount;
  const S = design.strata.length;
  const X = new Float64Array(C);
  const Y = new Float64Array(C);
  const used = new Uint8Array(C);
  for (let i = 0; i < design.ids.length; i++) {
    if (include && !include(i)) continue;
    const c = design.cluster[i] as number;
    const w = weight === 'points' ? (design.points[i] as number) : 1;
    X[c] = (X[c] as number) + w;
    Y[c] = (Y[c] as number) + w * (y[i] as number);
    used[c] = 1;
  }
  const Xh = new Float64Array(S);
  const Yh = new Float64Array(S);
  const m = new Float64Array(S);
  let W = 0;
  for (let c = 0; c < C; c++) {
    if (!used[c]) continue;
    const s = design.clusterStratum[c] as number;
    Xh[s] = (Xh[s] as number) + (X[c] as number);
    Yh[s] = (Yh[s] as number) + (Y[c] as number);
    m[s] = (m[s] as number) + 1;
    W += X[c] as number;
  }
  if (W === 0) return 0;
  const ss = new Float64Array(S);
  for (let c = 0; c < C; c++) {
    if (!used[c]) continue;
    const s = design.clusterStratum[c] as number;
    const u = (Y[c] as number) - ((Yh[s] as number) / (Xh[s] as number)) * (X[c] as number);
    ss[s] = (ss[s] as number) + u * u;
  }
  let v = 0;
  for (let s = 0; s < S; s++) {
    const mh = m[s] as number;
    if (mh > 1) v += ((mh / (mh - 1)) * (ss[s] as number)) / (W * W);
  }
  return v;
}

/** Kish's effective number of questions for unequal weights: (Σw)² / Σw². */
export function kishSize(design: ExamDesign, weight: 'points' | 'questions', include?: (i: number) => boolean): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < design.ids.length; i++) {
    if (include && !include(i)) continue;
    const w = weight === 'points' ? (design.points[i] as number) : 1;
    s1 += w;
    s2 += w * w;
  }
  return s2 > 0 ? (s1 * s1) / s2 : 0;
}
