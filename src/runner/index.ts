export { runBenchmark, planRun, RunFailedError, type BenchmarkOptions, type BenchmarkResult, type RunPlan } from './benchmark.js';
export { runQuestions, type EngineOptions, type EngineResult } from './engine.js';
export { loadPriorRun, checkPriorRun, checkPriorSelection, mergeRecords, type PriorRun } from './resume.js';
export { Journal, readJournal, journalPathFor } from './journal.js';
export { selectQuestions, parseBlocks, parseQuestionIds } from './select.js';
export { buildMetadata, utcStamp, costUsd } from './metadata.js';
