/**
 * jmle-bench's library API: what a program needs to load an exam, run a model
 * on it, score answers by the official rules, and read, write and report
 * result files. Internals (loaders' repair tables, PRNGs, the engine's parts)
 * stay private; the README's "Library" section shows how these fit together.
 */

// The exam: data and rules.
export type { Exam, ExamRules, Question, QuestionType, ImageMode, SerialGroup, DatasetIssue } from './exam/types.js';
export { EDITIONS, DEFAULT_EXAM } from './exam/editions.js';
export { loadExam, type ExamLoadOptions } from './exam/registry.js';
export { listExams, type ExamOverview } from './exam/overview.js';
export { resolveDataRoot } from './exam/data-root.js';
export { cacheRoot } from './util/cache-root.js';
export { pullDataset, type PullResult, type PullEvent } from './dataset/pull.js';
export { datasetInfo, type DatasetInfo } from './dataset/info.js';

// Prompting, extraction, scoring.
export { buildPrompt, systemPrompt, userText, answerFormat, type Prompt, type ChatMessage, type AnswerFormat } from './prompt/prompt.js';
export {
  extractAnswer,
  referenceParse,
  referenceExtract,
  EXTRACTION_RULES,
  type Extraction,
  type ExtractionNote,
  type ExtractionRule,
} from './extract/extract.js';
export { isCorrect } from './scoring/correct.js';
export { buildRecord, rescoreRecord, type ResponseInput } from './scoring/record.js';
export { computeSummary } from './scoring/summary.js';
export { verdictOf, referenceBold, VERDICT_LABELS, type Verdict } from './scoring/verdict.js';
export { compareWithExaminees, type ExamineeComparison } from './scoring/examinees.js';
export { mcnemarExact } from './scoring/mcnemar.js';

// Result files: one schema that every consumer reads.
export { ResultFileSchema, displayName, type ResultFile, type ResultRecord, type Metadata, type EpochResults } from './results/schema.js';
export { SummarySchema, type Summary, type Tally } from './results/summary.js';
export { readResultFile, readResultFileSync, parseResultFile } from './results/io.js';
export { writeResultFile } from './results/write.js';
export { loadResultDir, loadResultFile, type LoadedRun, type ResultCollection } from './runs/collection.js';
export { rescoreFile, type Rescored, type Change } from './runs/rescore.js';
export { importIgakuqa, type Imported, type ImportOptions } from './runs/import-igakuqa.js';

// Running a model.
export { resolveRunSpec, RUN_DEFAULTS, SettingError, type RunSpec, type RunSpecInput, type SettingName } from './runner/spec.js';
export { runBenchmark, planRun, RunFailedError, type RunOptions, type RunHooks, type RunPlan, type RunStop, type BenchmarkResult } from './runner/benchmark.js';
export { loadPriorRun } from './runner/prior-run.js';
export type { PriorRun } from './runner/resume.js';
export { registerProvider, providerEntry, providerIds, type ProviderEntry } from './providers/registry.js';
export { withRetry, type RetryOptions } from './providers/retry.js';
export { withRateLimit, type RateLimitOptions } from './providers/limit.js';
export {
  ProviderError,
  type Provider,
  type ProviderOptions,
  type GenerationSettings,
  type Completion,
  type CompletionRequest,
  type CompleteOptions,
  type TokenUsage,
  type FailureKind,
} from './providers/types.js';

// Reports.
export { buildLeaderboard, type Leaderboard, type LeaderboardRow, type RowUncertainty } from './reports/leaderboard.js';
export { leaderboardMarkdown, leaderboardJson, leaderboardCsv } from './reports/leaderboard-render.js';
export { compareRuns, comparisonText, comparisonJson, type Comparison } from './reports/compare.js';
export { renderChartSvg, renderPng, writeChart } from './reports/chart.js';
export { upsertReadmeRun, updateReadmeBlocks, type ReadmeRun } from './reports/readme.js';

// Statistics: how sure the numbers are (README, "Uncertainty").
export {
  examDesign,
  outcomesFromRecords,
  runUncertainty,
  leaderboardUncertainty,
  pairedDifference,
  passOnRerun,
  passOnSimilarExam,
  rankRanges,
  wilsonInterval,
  holmAdjust,
  type ExamDesign,
  type RunOutcomes,
  type RunUncertainty,
  type PassProbability,
  type RankRange,
  type Interval,
} from './stats/index.js';

export { UserError, DatasetError } from './util/errors.js';
export { VERSION } from './version.js';
