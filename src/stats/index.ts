/**
 * Statistics of repeated runs (issue 11): how sure the numbers are. Pure
 * functions of an `ExamDesign` (the exam's questions, points, parts, serial
 * cases) and `RunOutcomes` (what a run did over K epochs); every random draw
 * comes from a seeded PRNG, so the same input gives the same output.
 * The method is described in the README, "Uncertainty: how sure the numbers are".
 */
export { buildDesign, examDesign, type ExamDesign, type DesignInput, type PassRules, type Stratum } from './design.js';
export { outcomesFromRecords, answerKey, checkOutcomes, correctCounts, kinkiCounts, questionMeans, type RunOutcomes, type OutcomeRecord } from './outcomes.js';
export { officialScore, type OfficialScore } from './official.js';
export { epochStats, majorityVote, majorityEpochs, spread, type EpochStats, type Spread } from './epochs.js';
export { scoreEstimate, accuracyEstimate, designWilson, type MeanEstimate } from './interval.js';
export { wilsonInterval, wilsonFromProportion } from './wilson.js';
export { holmAdjust } from './holm.js';
export { signFlipTest } from './signflip.js';
export {
  passOnRerun,
  passOnSimilarExam,
  preparePassOnSimilarExam,
  passProbabilityIndependent,
  rerunModel,
  type PassProbability,
  type RerunModel,
} from './pass.js';
export { fitBetaPrior, type BetaPrior } from './betabinom.js';
export { rankRanges, type RankRange, type RankRanges } from './ranks.js';
export { pairedDifference, pairwiseTests, type PairedDifference, type DifferenceEstimate, type DiscordantQuestion, type PairTest } from './paired.js';
export { runUncertainty, leaderboardUncertainty, type RunUncertainty, type LeaderboardUncertainty, type LeaderboardOptions } from './run.js';
export { DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, type Interval, type StatsOptions } from './options.js';
