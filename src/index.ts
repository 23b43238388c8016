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
export { extractAnswer, referenceParse, normaliseNumber, type Extraction } from './extract/extract.js';
export { isCorrect, numericEqual } from './scoring/correct.js';
export { scoreResponse, rescoreRecord } from './scoring/record.js';
export { computeSummary, type Summary, type Tally } from './scoring/summary.js';
export { ResultFileSchema, displayName, type ResultFile, type ResultRecord, type Metadata } from './results/schema.js';
export { readResultFile, readResultFileSync, writeResultFile, parseResultFile } from './results/io.js';
export { rescoreFile, type Rescored, type Change } from './results/rescore.js';
export { loadResultDir, loadResultFile, type LoadedRun, type ResultCollection, type SkippedFile } from './results/collection.js';
export { bootstrapRun, pairedBootstrap, mcnemarExact, questionVectors, mulberry32, type Interval, type BootstrapOptions } from './scoring/stats.js';
export { buildLeaderboard, leaderboardMarkdown, leaderboardJson, leaderboardCsv, type Leaderboard, type LeaderboardRow } from './reports/leaderboard.js';
export { updateReadmeLeaderboard, replaceMarkerBlocks, updateReadmeBlocks } from './reports/readme.js';
export { renderChartSvg, renderPng, writeChart, chartEntries } from './reports/chart.js';
export { compareRuns, comparisonText, comparisonJson, type Comparison } from './reports/compare.js';
export { UserError, DatasetError } from './util/errors.js';
export { VERSION } from './version.js';
