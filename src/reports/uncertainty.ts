import type { Exam } from '../exam/types.js';
import { epochLists } from '../results/epochs.js';
import type { ResultRecord } from '../results/schema.js';
import type { LoadedRun } from '../runs/collection.js';
import { completeEpochs, runEpochs } from '../scoring/epochs.js';
import {
  examDesign,
  leaderboardUncertainty,
  outcomesFromRecords,
  preparePassOnSimilarExam,
  runUncertainty,
  type LeaderboardOptions,
  type RunUncertainty,
  type StatsOptions,
} from '../stats/index.js';

/**
 * How sure the numbers are, for reports: the statistics of src/stats applied
 * to loaded runs (README, "Uncertainty: how sure the numbers are"). Which of
 * a run's epochs count is `runEpochs`'s rule, the same as its summary's.
 */

/** A run's uncertainty from its records by epoch; null when it answered no scored question. */
export function runUncertaintyOf(epochs: readonly (readonly ResultRecord[])[], exam: Exam, opts: StatsOptions = {}): RunUncertainty | null {
  const run = runEpochs(epochs, exam);
  return run ? runUncertainty(run.design, run.outcomes, opts) : null;
}

/**
 * Do ahead what `runUncertaintyOf` will need for a run of these questions and
 * epochs: the design and the resampling plans (see `preparePassOnSimilarExam`),
 * then one rehearsal of the whole computation on made-up records (every other
 * answer right), shaped as a run's are. The rehearsal's result is thrown away
 * (no cache keys on its records); what it leaves is compiled, optimised code,
 * so the real computation after the last answer does not run its first pass
 * through the resampling loops in the interpreter. A run calls this while its
 * first requests are out.
 */
export function prepareRunUncertainty(exam: Exam, questionIds: readonly string[], epochs: number, opts: StatsOptions = {}): void {
  const design = examDesign(exam, questionIds);
  if (design.ids.length === 0) return;
  preparePassOnSimilarExam(design, epochs, opts);
  runUncertaintyOf(rehearsalRecords(exam, design.ids, epochs), exam, opts);
}

/**
 * Made-up records of a run, one list per epoch, for rehearsing what a run's
 * end computes (statistics, summary) while its requests are out: every other
 * answer right (the key), the others unanswered, shaped as a run's records are.
 */
export function rehearsalRecords(exam: Exam, questionIds: readonly string[], epochs: number): ResultRecord[][] {
  return Array.from({ length: epochs }, (_, e) =>
    questionIds.map((id, i): ResultRecord => {
      const gold = [...(exam.byId.get(id)?.answer ?? [])];
      const right = i % 2 === 0;
      const record = {
        question_id: id,
        predicted: right ? gold : [],
        gold,
        correct: right,
        raw_response: '',
        parse_success: right,
        error: null,
        latency_ms: 1,
      };
      return e === 0 ? record : { ...record, epoch: e + 1 };
    }),
  );
}

/** Which questions a leaderboard table is over: every scored question, or the text-only ones. */
export type TableScope = 'all' | 'text';

export interface TableUncertainty {
  /** Per run, in input order; null where the run does not cover the table's questions (partial). */
  readonly runs: (RunUncertainty | null)[];
  /** Rank ranges of the runs that cover them, by input index. */
  readonly ranks: Map<number, { low: number; high: number; label: string; leader: boolean; tiedWithLeader: boolean }>;
}

/**
 * A table's statistics: every run that answered all of the table's questions
 * (in each epoch counted), resampled jointly on the same questions, so rank
 * ranges are paired.
 */
export function tableUncertainty(runs: readonly LoadedRun[], scope: TableScope, opts: LeaderboardOptions = {}): TableUncertainty {
  const first = runs[0];
  if (!first) return { runs: [], ranks: new Map() };
  const exam = first.exam;
  const ids = exam.questions.filter((q) => q.points > 0 && (scope === 'all' || !q.requiresImage)).map((q) => q.id);
  const design = examDesign(exam, ids);
  const covered: number[] = [];
  const outcomes = runs.flatMap((run, i) => {
    const complete = completeEpochs(epochLists(run.file), design.ids);
    if (complete.length === 0) return [];
    covered.push(i);
    return [outcomesFromRecords(design, exam, complete)];
  });
  const out: (RunUncertainty | null)[] = runs.map(() => null);
  const ranks = new Map<number, { low: number; high: number; label: string; leader: boolean; tiedWithLeader: boolean }>();
  if (outcomes.length === 0) return { runs: out, ranks };
  const lb = leaderboardUncertainty(design, outcomes, { ...opts, pairs: opts.pairs ?? 'none' });
  covered.forEach((runIndex, k) => {
    out[runIndex] = lb.runs[k] ?? null;
    const r = lb.ranks.ranges[k];
    if (r) ranks.set(runIndex, { low: r.low, high: r.high, label: r.label, leader: r.leader, tiedWithLeader: r.tiedWithLeader });
  });
  return { runs: out, ranks };
}
