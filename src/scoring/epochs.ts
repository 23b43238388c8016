import type { Exam } from '../exam/types.js';
import type { EpochScore, EpochsSummary } from '../results/summary.js';
import type { ResultRecord } from '../results/schema.js';
// The modules themselves, not the stats index: a run's summary needs these few, not the resampling machinery.
import { examDesign } from '../stats/design.js';
import { epochStats } from '../stats/epochs.js';
import type { OfficialScore } from '../stats/official.js';
import { outcomesFromRecords } from '../stats/outcomes.js';
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
export function completeEpochs(lists: readonly (readonly ResultRecord[])[], ids: readonly string[]): ResultRecord[][] {
  return lists
    .filter((list) => {
      const have = new Set(list.map((r) => r.question_id));
      return ids.every((id) => have.has(id));
    })
    .map((list) => [...list]);
}

/** Null for a single epoch: there is nothing to summarise over epochs. */
export function summariseEpochs(lists: readonly (readonly ResultRecord[])[], exam: Exam): EpochsSummary | null {
  if (lists.length < 2) return null;
  const first = lists[0] ?? [];
  const design = examDesign(
    exam,
    first.map((r) => r.question_id),
  );
  const complete = completeEpochs(lists, design.ids);
  if (complete.length === 0 || design.ids.length === 0) return null;
  const stats = epochStats(design, outcomesFromRecords(design, exam, complete));
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
