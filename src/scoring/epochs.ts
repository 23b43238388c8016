import type { Exam } from '../exam/types.js';
import type { EpochScore, EpochsSummary } from '../results/summary.js';
import type { ResultRecord } from '../results/schema.js';
// The modules themselves, not the stats index: a run's summary needs these few, not the resampling machinery.
import { examDesign, type ExamDesign } from '../stats/design.js';
import { epochStats } from '../stats/epochs.js';
import type { OfficialScore } from '../stats/official.js';
import { outcomesFromRecords, type RunOutcomes } from '../stats/outcomes.js';
import { verdictOf } from './verdict.js';

/**
 * The summary of a repeated run (`--epochs K`): each epoch's official score,
 * their spread, the majority vote and the share of epochs that pass, over the
 * epochs that answered every question the first epoch did (a run stopped
 * inside an epoch leaves that epoch out of the figures, and says so).
 */

function epochScore(s: OfficialScore): EpochScore {
  return {
    score: s.score,
    required_score: s.required,
    general_score: s.general,
    correct: s.correct,
    kinki_selected: s.kinki,
    verdict: verdictOf({ required_pass: s.requiredPass, general_pass: s.generalPass, kinki: { pass: s.kinkiPass } }),
  };
}

/** Epochs (in order) holding a record of every question of `ids`. */
export function completeEpochs(lists: readonly (readonly ResultRecord[])[], ids: readonly string[]): (readonly ResultRecord[])[] {
  return lists.filter((list) => {
    const have = new Set(list.map((r) => r.question_id));
    return ids.every((id) => have.has(id));
  });
}

/** A run's outcomes over its epochs, and what they were built on. */
export interface RunEpochs {
  /** The scored questions the first epoch answered. */
  readonly design: ExamDesign;
  /** The epochs that answered all of them, in order: the only ones counted. */
  readonly complete: readonly (readonly ResultRecord[])[];
  readonly outcomes: RunOutcomes;
}

/**
 * The one rule for a run's repeated answers, shared by its summary and its
 * statistics: the design is the scored questions its first epoch answered,
 * and only the epochs that answered all of them count. Null when there is
 * nothing to count (no scored question, or no complete epoch).
 */
export function runEpochs(lists: readonly (readonly ResultRecord[])[], exam: Exam): RunEpochs | null {
  const design = examDesign(
    exam,
    (lists[0] ?? []).map((r) => r.question_id),
  );
  if (design.ids.length === 0) return null;
  const complete = completeEpochs(lists, design.ids);
  if (complete.length === 0) return null;
  return { design, complete, outcomes: outcomesFromRecords(design, exam, complete) };
}

/** Null for a single epoch: there is nothing to summarise over epochs. */
export function summariseEpochs(lists: readonly (readonly ResultRecord[])[], exam: Exam): EpochsSummary | null {
  if (lists.length < 2) return null;
  const run = runEpochs(lists, exam);
  if (!run) return null;
  const { complete } = run;
  const stats = epochStats(run.design, run.outcomes);
  const spread = (x: { mean: number; sd: number | null; min: number; max: number }) => ({ mean: x.mean, sd: x.sd, min: x.min, max: x.max });
  return {
    count: complete.length,
    recorded: lists.length,
    scores: stats.perEpoch.map((s, i) => ({ epoch: complete[i]?.[0]?.epoch ?? 1, ...epochScore(s) })),
    score: spread(stats.score),
    required_score: spread(stats.required),
    general_score: spread(stats.general),
    correct: spread(stats.correct),
    majority_vote: stats.majority ? epochScore(stats.majority) : null,
    pass_share: stats.passShare,
  };
}
