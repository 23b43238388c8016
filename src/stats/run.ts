import type { ExamDesign } from './design.js';
import { epochStats, type EpochStats } from './epochs.js';
import { accuracyEstimate, scoreEstimate, type MeanEstimate } from './interval.js';
import { resolveOptions, type StatsOptions } from './options.js';
import { questionMeans, type RunOutcomes } from './outcomes.js';
import { pairwiseTests, type PairTest } from './paired.js';
import { passOnRerun, passOnSimilarExam, type PassProbability } from './pass.js';
import { rankRanges, type RankRanges } from './ranks.js';

/**
 * Everything issue 11 asks of one run, and of a leaderboard of runs, in one
 * call each: what a run summary and a leaderboard row show.
 */
export interface RunUncertainty {
  readonly epochs: number;
  /** Points of the design (500 for the whole 120th): score fractions × this = points. */
  readonly maxPoints: number;
  /** Per-epoch official scores, their spread, the majority vote, k/K per question, share of epochs passing. */
  readonly epochStats: EpochStats;
  /** Score % (mean over epochs) with its 95% interval on exams like this one. */
  readonly score: MeanEstimate;
  /** Accuracy (mean over epochs) with its interval. */
  readonly accuracy: MeanEstimate;
  /** P(pass) on a rerun of this exam (null with one epoch). */
  readonly passRerun: PassProbability;
  /** P(pass) on an exam like this one. */
  readonly passExam: PassProbability;
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
}

export function runUncertainty(design: ExamDesign, o: RunOutcomes, opts: StatsOptions = {}): RunUncertainty {
  const resolved = resolveOptions(opts);
  const stats = epochStats(design, o);
  const means = questionMeans(design, o);
  return {
    epochs: o.epochs,
    maxPoints: design.requiredMax + design.generalMax,
    epochStats: stats,
    score: scoreEstimate(design, means, o.epochs, resolved.level),
    accuracy: accuracyEstimate(design, means, o.epochs, resolved.level),
    passRerun: passOnRerun(design, o),
    passExam: passOnSimilarExam(design, o, resolved),
    ...resolved,
  };
}

export interface LeaderboardUncertainty {
  /** Per run, in input order. */
  readonly runs: RunUncertainty[];
  /** Rank ranges, in input order. */
  readonly ranks: RankRanges;
  /** Paired score tests with Holm's correction (see `pairs`); empty with 'none'. */
  readonly pairs: PairTest[];
}

export interface LeaderboardOptions extends StatsOptions {
  /**
   * Which pairs to test: 'leader' (default: the leader against every other
   * run, Holm over those M − 1 tests), 'all' (every pair, Holm over all
   * M(M − 1)/2), or 'none'.
   */
  readonly pairs?: 'leader' | 'all' | 'none';
}

/** The statistics of a leaderboard: all runs on the same design (same questions), resampled jointly. */
export function leaderboardUncertainty(design: ExamDesign, runs: readonly RunOutcomes[], opts: LeaderboardOptions = {}): LeaderboardUncertainty {
  const perRun = runs.map((o) => runUncertainty(design, o, opts));
  const ranks = rankRanges(design, runs, opts);
  const mode = opts.pairs ?? 'leader';
  let pairs: PairTest[] = [];
  if (mode === 'all') pairs = pairwiseTests(design, runs);
  else if (mode === 'leader') {
    const leader = ranks.ranges.findIndex((r) => r.leader);
    const list: [number, number][] = [];
    for (let j = 0; j < runs.length; j++) if (j !== leader) list.push([leader, j]);
    pairs = leader >= 0 ? pairwiseTests(design, runs, list) : [];
  }
  return { runs: perRun, ranks, pairs };
}
