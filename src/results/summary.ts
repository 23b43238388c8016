import { z } from 'zod';
import { EXTRACTION_RULES, VERDICTS } from './vocabulary.js';

export { EXTRACTION_RULES, VERDICTS, type ExtractionRule, type Verdict } from './vocabulary.js';

/**
 * The summary of a result file: field names and rounding (4 decimals, Python's)
 * are the reference harness's; the fields after `by_image` are jmle-bench
 * additions. It is always recomputed from the records (scoring/summary.ts);
 * a stored summary is read only so that a file round-trips, never trusted.
 */

export const TallySchema = z.object({
  correct: z.number(),
  total: z.number(),
  accuracy: z.number(),
});
export type Tally = z.infer<typeof TallySchema>;

export const KinkiSummarySchema = z.object({
  /** Whether the exam publishes its prohibited choices. */
  disclosed: z.boolean(),
  /**
   * How many questions the run answered with a prohibited choice (the official
   * criterion counts questions: 禁忌肢問題選択数 ≤ 3); null = unknown.
   */
  selected: z.number().nullable(),
  max: z.number(),
  pass: z.boolean().nullable(),
  /** Question ids where a prohibited choice was selected. */
  questions: z.array(z.string()),
  /** Which prohibited choices were selected, per question (same order as `questions`). */
  selections: z.array(z.object({ question_id: z.string(), choices: z.array(z.string()) })),
});
export type KinkiSummary = z.infer<typeof KinkiSummarySchema>;

export const UsageSummarySchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  reasoning_tokens: z.number(),
  /** Records that reported usage. */
  records_with_usage: z.number(),
  requests: z.number(),
  latency_ms_total: z.number(),
  latency_ms_mean: z.number().nullable(),
  latency_ms_p50: z.number().nullable(),
  latency_ms_p95: z.number().nullable(),
});
export type UsageSummary = z.infer<typeof UsageSummarySchema>;

/** One epoch's official score (or the majority vote's). */
export const EpochScoreSchema = z.object({
  score: z.number(),
  required_score: z.number(),
  general_score: z.number(),
  correct: z.number(),
  /** Questions answered with a prohibited choice; null = unknown (not disclosed). */
  kinki_selected: z.number().nullable(),
  verdict: z.enum(VERDICTS),
});
export type EpochScore = z.infer<typeof EpochScoreSchema>;

/** Mean, standard deviation (n − 1; null with one epoch), min and max over epochs. */
export const SpreadSchema = z.object({ mean: z.number(), sd: z.number().nullable(), min: z.number(), max: z.number() });
export type Spread = z.infer<typeof SpreadSchema>;

export const EpochsSummarySchema = z.object({
  /** Epochs that answered every question of the first: the ones the figures below are over. */
  count: z.number(),
  /** Epochs with any answer (more than `count` when a run stopped inside an epoch). */
  recorded: z.number(),
  /** Each epoch's official score, epoch 1 first. */
  scores: z.array(EpochScoreSchema.extend({ epoch: z.number() })),
  score: SpreadSchema,
  required_score: SpreadSchema,
  general_score: SpreadSchema,
  correct: SpreadSchema,
  /** Per question the most frequent answer over epochs (ties: the earliest epoch's), scored. */
  majority_vote: EpochScoreSchema.nullable(),
  /** Share of epochs that pass every criterion that can be judged; null when a part is not covered. */
  pass_share: z.number().nullable(),
});
export type EpochsSummary = z.infer<typeof EpochsSummarySchema>;

export const SummarySchema = z.object({
  // The reference's fields, in its order.
  accuracy: z.number(),
  correct: z.number(),
  incorrect: z.number(),
  score: z.number(),
  score_max: z.number(),
  score_pct: z.number(),
  text_only_score: z.number(),
  text_only_score_max: z.number(),
  text_only_score_pct: z.number(),
  required_score: z.number(),
  required_score_max: z.number(),
  required_score_pct: z.number(),
  general_score: z.number(),
  general_score_max: z.number(),
  general_score_pct: z.number(),
  required_pass: z.boolean().nullable(),
  general_pass: z.boolean().nullable(),
  parse_failures: z.number(),
  errors: z.number(),
  by_block: z.record(z.string(), TallySchema),
  by_type: z.record(z.string(), TallySchema),
  by_image: z.record(z.string(), TallySchema),
  // Additions (jmle-bench).
  /** Records of questions excluded from scoring (0 points): not in correct/incorrect/accuracy or the tallies. */
  excluded: z.number(),
  /**
   * Answers cut off by the token limit (records with `truncated: true`): the
   * commonest silent cause of low scores for reasoning models (raise --max-tokens).
   */
  truncated: z.number(),
  exam: z.string(),
  required_pass_threshold: z.number(),
  general_pass_threshold: z.number(),
  kinki: KinkiSummarySchema,
  /** Pass on every criterion; null when a criterion cannot be judged (partial run, undisclosed 禁忌肢). See scoring/verdict.ts. */
  passed: z.boolean().nullable(),
  usage: UsageSummarySchema,
  /** Which extraction rule scored the records: jmle-bench's, or the reference harness's exactly (`--extraction reference`). */
  extraction: z.enum(EXTRACTION_RULES),
  /** Repeated runs (`--epochs K`, K > 1): every epoch's official score and their spread. */
  epochs: EpochsSummarySchema.optional(),
});
/** A summary as jmle-bench computes it: every field present. */
export type Summary = z.infer<typeof SummarySchema>;

/**
 * A summary as found in a file: the reference writes only its own fields, older
 * files lack newer additions, a hand-edited one may hold anything. It is kept so
 * that a file round-trips, and never read for a number: every consumer
 * recomputes the summary from the records.
 */
export const StoredSummarySchema = z.record(z.string(), z.unknown());
export type StoredSummary = z.infer<typeof StoredSummarySchema>;
