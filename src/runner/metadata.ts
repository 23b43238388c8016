import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Exam, ImageMode } from '../exam/types.js';
import type { Metadata } from '../results/schema.js';
import { HARNESS } from '../version.js';

/**
 * The result file's metadata: the reference's keys in its order (model,
 * base_url, timestamp, image_mode, extra_body, total_questions, attempted,
 * skipped_image, display_name only when given), then jmle-bench additions.
 * Never holds the API key.
 */
export interface MetadataInput {
  readonly model: string;
  readonly baseUrl: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly imageMode: ImageMode;
  readonly extraBody: Readonly<Record<string, unknown>> | null;
  readonly attempted: number;
  readonly skippedImage: number;
  readonly displayName?: string | null;
  readonly exam: Exam;
  readonly provider: string;
  readonly seed: number | null;
  readonly parallel: number;
  readonly maxRetries: number;
  readonly rpm: number | null;
  readonly blocks: readonly string[] | null;
  readonly questionIds: readonly string[] | null;
  readonly priceIn: number | null;
  readonly priceOut: number | null;
  readonly costUsd: number | null;
  readonly status: 'running' | 'complete' | 'interrupted';
  readonly planned: number;
}

/** The reference's `datetime.now(timezone.utc).strftime("%Y%m%d_%H%M%S")`. */
export function utcStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export function buildMetadata(m: MetadataInput): Metadata {
  const when = m.finishedAt ?? m.startedAt;
  return {
    model: m.model,
    base_url: m.baseUrl,
    timestamp: utcStamp(when),
    image_mode: m.imageMode,
    extra_body: m.extraBody,
    total_questions: m.attempted + m.skippedImage,
    attempted: m.attempted,
    skipped_image: m.skippedImage,
    ...(m.displayName ? { display_name: m.displayName } : {}),
    exam: m.exam.id,
    dataset_version: m.exam.version,
    harness: { ...HARNESS },
    provider: m.provider,
    seed: m.seed,
    parallel: m.parallel,
    max_retries: m.maxRetries,
    rpm: m.rpm,
    blocks: m.blocks ? [...m.blocks] : null,
    questions: m.questionIds ? [...m.questionIds] : null,
    questions_planned: m.planned,
    status: m.status,
    price_in: m.priceIn,
    price_out: m.priceOut,
    cost_usd: m.costUsd,
    started_at: m.startedAt.toISOString(),
    finished_at: m.finishedAt ? m.finishedAt.toISOString() : null,
  };
}

/** USD for the run's tokens, when prices (USD per million tokens) are given. Reasoning tokens are part of completion tokens. */
export function costUsd(usage: { prompt_tokens: number; completion_tokens: number }, priceIn: number | null, priceOut: number | null): number | null {
  if (priceIn === null && priceOut === null) return null;
  const c = (usage.prompt_tokens * (priceIn ?? 0) + usage.completion_tokens * (priceOut ?? 0)) / 1e6;
  return Math.round(c * 1e6) / 1e6;
}

/**
 * The reference's default `results/{model with / as _}_{UTC stamp}.json`. A second
 * run started in the same second gets `_2`, `_3`… instead of colliding with the first.
 */
export function defaultOutPath(cwd: string, model: string, now: Date): string {
  const base = `results/${model.replace(/\//g, '_')}_${utcStamp(now)}`;
  const taken = (p: string) => existsSync(resolve(cwd, p)) || existsSync(resolve(cwd, `${p}.jsonl`));
  let out = `${base}.json`;
  for (let n = 2; taken(out); n++) out = `${base}_${n}.json`;
  return out;
}
