/**
 * jmle-bench library API: load an exam, build prompts, extract an answer,
 * score records and read/write result files.
 */
export type { Exam, ExamRules, Question, QuestionType, ImageMode, DatasetIssue, SerialGroup } from './exam/types.js';
export { EDITIONS, DEFAULT_EXAM } from './exam/editions.js';
export { loadExam, examEntries, type LoadOptions } from './exam/registry.js';
export { resolveDataRoot, cacheRoot } from './exam/data-root.js';
export { pullDataset, pullSource, datasetInfo, loadManifest, type PullResult, type PullEvent, type DatasetInfo, type Manifest } from './dataset/index.js';
export { buildPrompt, systemPrompt, userText, type Prompt, type ChatMessage } from './prompt/prompt.js';
export {
  extractAnswer,
  referenceParse,
  referenceExtract,
  normaliseNumber,
  EXTRACTION_RULES,
  type Extraction,
  type ExtractionNote,
  type ExtractionRule,
} from './extract/extract.js';
export { isCorrect, numericEqual } from './scoring/correct.js';
export { scoreResponse, rescoreRecord } from './scoring/record.js';
export { computeSummary, type Summary, type Tally } from './scoring/summary.js';
export { ResultFileSchema, displayName, type ResultFile, type ResultRecord, type Metadata } from './results/schema.js';
export { readResultFile, readResultFileSync, writeResultFile, parseResultFile } from './results/io.js';
export { rescoreFile, type Rescored, type Change } from './results/rescore.js';
export { loadResultDir, loadResultFile, type LoadedRun, type ResultCollection, type SkippedFile } from './results/collection.js';
export { bootstrapRun, pairedBootstrap, mcnemarExact, questionVectors, type Interval, type BootstrapOptions } from './scoring/stats.js';
export { mulberry32 } from './util/prng.js';
export { buildLeaderboard, leaderboardMarkdown, leaderboardJson, leaderboardCsv, type Leaderboard, type LeaderboardRow } from './reports/leaderboard.js';
export { updateReadmeLeaderboard, replaceMarkerBlocks, updateReadmeBlocks } from './reports/readme.js';
export { renderChartSvg, renderPng, writeChart, chartEntries } from './reports/chart.js';
export { compareRuns, comparisonText, comparisonJson, type Comparison } from './reports/compare.js';
export { runBenchmark, planRun, loadPriorRun, type BenchmarkOptions, type BenchmarkResult, type RunPlan, type PriorRun } from './runner/index.js';
export {
  openAICompatible,
  randomProvider,
  withRetry,
  withRateLimit,
  ProviderError,
  type Provider,
  type Completion,
  type CompletionRequest,
  type TokenUsage,
} from './providers/index.js';
export { IGAKUQA_SOURCE, IGAKUQA_EXAMS, IGAKUQA_EXCEPTIONS, loadIgakuqa } from './exam/sources/igakuqa.js';
export { IGAKUQA119_SOURCE, IGAKUQA119_EXCEPTIONS, CHOICE_REPAIRS, loadIgakuqa119 } from './exam/sources/igakuqa119.js';
export { normaliseKinki, selectedKinki, type KinkiResult } from './exam/kinki.js';
export { parseAnswerTemplate, keyFromTemplate, type ParsedTemplate } from './exam/answer-template.js';
export { compareWithExaminees, type ExamineeComparison, type ExamineeQuestion, type ExamineeOptions } from './scoring/examinees.js';
export { importIgakuqa, igakuqaSystems, importFileName, IGAKUQA_SYSTEM_NAMES, type Imported, type ImportOptions } from './results/import-igakuqa.js';
export { listExams, type ExamListing } from './exam/listing.js';
export { UserError, DatasetError } from './util/errors.js';
export { VERSION } from './version.js';
