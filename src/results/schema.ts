import { z } from 'zod';
import { StoredSummarySchema } from './summary.js';

/**
 * The result file: the reference harness's format (`metadata`, `summary`,
 * `results`), read by every consumer through this one schema. Our additions are
 * optional fields; unknown fields are kept as they are (loose objects), so a
 * file round-trips without losing anything.
 */

export const UsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  reasoning_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ResultRecordSchema = z.looseObject({
  // Reference fields, in the reference's order.
  question_id: z.string(),
  predicted: z.array(z.string()),
  gold: z.array(z.unknown()).transform((g) => g.map(String)),
  correct: z.boolean(),
  raw_response: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  parse_success: z.boolean(),
  error: z.string().nullish().transform((e) => e ?? null),
  reasoning: z.string().nullish(),
  // Additions (jmle-bench).
  points: z.number().optional(),
  earned: z.number().optional(),
  parse_source: z.enum(['content', 'reasoning']).nullish(),
  parse_notes: z.array(z.string()).optional(),
  usage: UsageSchema.nullish(),
  latency_ms: z.number().nullish(),
  attempts: z.number().int().nullish(),
  finish_reason: z.string().nullish(),
  /** Cut off by the token limit (finish reason length / max_tokens): written only when true. */
  truncated: z.boolean().optional(),
  /** Which sample of the question (repeated runs, `--epochs`); absent = 1. */
  epoch: z.number().int().min(1).optional(),
  /** Answered through a provider's batch API (`--batch`, priced at half): written only when true. */
  batch: z.boolean().optional(),
  /** Answered from the local response cache (`--cache`), not by a request in this run: written only when true. */
  cached: z.boolean().optional(),
});
export type ResultRecord = z.infer<typeof ResultRecordSchema>;

export const ImageModeSchema = z.enum(['skip', 'blind', 'vision']);

export const MetadataSchema = z.looseObject({
  model: z.string(),
  base_url: z.string().nullish(),
  timestamp: z.string().nullish(),
  image_mode: ImageModeSchema.nullish(),
  extra_body: z.unknown().optional(),
  total_questions: z.number().nullish(),
  attempted: z.number().nullish(),
  skipped_image: z.number().nullish(),
  display_name: z.string().nullish(),
  // Additions (jmle-bench).
  exam: z.string().optional(),
  dataset_version: z.string().optional(),
  harness: z.looseObject({ name: z.string(), version: z.string() }).optional(),
  seed: z.number().nullish(),
  provider: z.string().optional(),
  /** Samples per question (`--epochs`); absent = 1. */
  epochs: z.number().int().min(1).optional(),
});
export type Metadata = z.infer<typeof MetadataSchema>;

/** The records of one epoch after the first (repeated runs). */
export const EpochResultsSchema = z.looseObject({
  epoch: z.number().int().min(2),
  results: z.array(ResultRecordSchema),
});
export type EpochResults = z.infer<typeof EpochResultsSchema>;

/**
 * A run with `--epochs K` keeps the reference format for its first epoch
 * (`results`, and `summary` of it), so the reference's tools read it with
 * correct numbers for what they show; epochs 2…K are in `extra_epochs`.
 */
export const ResultFileSchema = z.looseObject({
  metadata: MetadataSchema,
  summary: StoredSummarySchema.optional(),
  results: z.array(ResultRecordSchema),
  extra_epochs: z.array(EpochResultsSchema).optional(),
});
export type ResultFile = z.infer<typeof ResultFileSchema>;

/** Display name as the reference uses it: `display_name`, else `model`. */
export function displayName(meta: Metadata): string {
  return meta.display_name || meta.model;
}
