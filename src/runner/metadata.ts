import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Metadata, ResultRecord } from '../results/schema.js';
import { HARNESS } from '../version.js';
import type { RunSpec } from './spec.js';

/**
 * The result file's metadata: the reference's keys in its order (model,
 * base_url, timestamp, image_mode, extra_body, total_questions, attempted,
 * skipped_image, display_name only when given), then jmle-bench additions,
 * all read off the run spec. Never holds the API key (nor credentials in the
 * base URL: `base_url` is the public form).
 */
export interface RunState {
  /** The base URL as files show it (credentials removed), or null for offline providers. */
  readonly shownBaseUrl: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** Questions answered (the reference's `attempted`). */
  readonly attempted: number;
  readonly skippedImage: number;
  /** Questions of the selection. */
  readonly planned: number;
  readonly costUsd: number | null;
  /** `interrupted`: stopped before every sample was answered (resumable). */
  readonly status: 'running' | 'complete' | 'interrupted';
  /** What the requests met, once the run has ended: the most in flight at once and the rejections (429/503/529). */
  readonly traffic?: { readonly peak: number; readonly rejected: number };
}

/** The reference's `datetime.now(timezone.utc).strftime("%Y%m%d_%H%M%S")`. */
export function utcStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export function buildMetadata(spec: RunSpec, st: RunState): Metadata {
  const { task, model, schedule } = spec;
  const when = st.finishedAt ?? st.startedAt;
  return {
    model: model.model,
    base_url: st.shownBaseUrl,
    timestamp: utcStamp(when),
    image_mode: task.imageMode,
    extra_body: model.settings.extraBody,
    total_questions: st.attempted + st.skippedImage,
    attempted: st.attempted,
    skipped_image: st.skippedImage,
    ...(model.displayName ? { display_name: model.displayName } : {}),
    exam: task.exam.id,
    dataset_version: task.exam.version,
    harness: { ...HARNESS },
    provider: model.provider,
    seed: model.settings.seed,
    ...(task.epochs > 1 ? { epochs: task.epochs } : {}),
    ...(task.extraction !== 'jmle-bench' ? { extraction: task.extraction } : {}),
    ...(model.settings.maxTokens !== null ? { max_tokens: model.settings.maxTokens } : {}),
    ...(model.settings.reasoningEffort !== null ? { reasoning_effort: model.settings.reasoningEffort } : {}),
    ...(model.settings.thinkingBudget !== null ? { thinking_budget: model.settings.thinkingBudget } : {}),
    parallel: schedule.parallel,
    ...(schedule.parallel === 'auto' ? { max_parallel: schedule.maxParallel } : {}),
    ...(schedule.parallel === 'auto' && st.traffic ? { parallel_peak: st.traffic.peak, rejected_requests: st.traffic.rejected } : {}),
    ...(schedule.cache ? { cache: true } : {}),
    max_retries: schedule.maxRetries,
    rpm: schedule.rpm,
    ...(schedule.batch ? { batch: true } : {}),
    blocks: task.blocks ? [...task.blocks] : null,
    questions: task.questionIds ? [...task.questionIds] : null,
    questions_planned: st.planned,
    status: st.status,
    price_in: model.priceIn,
    price_out: model.priceOut,
    cost_usd: st.costUsd,
    started_at: st.startedAt.toISOString(),
    finished_at: st.finishedAt ? st.finishedAt.toISOString() : null,
  };
}

/** The batch APIs (OpenAI, Anthropic, Gemini) bill half the list price. */
export const BATCH_PRICE_FACTOR = 0.5;

/**
 * USD for the records' tokens at the given list prices: answers that came
 * through a batch (`batch: true`) at the batch rate, the others (a run's
 * normal requests, batch items asked again one by one) at the list price.
 * Reasoning tokens are part of completion tokens.
 */
export function recordsCostUsd(records: readonly Pick<ResultRecord, 'usage' | 'batch'>[], priceIn: number | null, priceOut: number | null): number | null {
  if (priceIn === null && priceOut === null) return null;
  let c = 0;
  for (const r of records) {
    if (!r.usage) continue;
    const tokens = (r.usage.prompt_tokens ?? 0) * (priceIn ?? 0) + (r.usage.completion_tokens ?? 0) * (priceOut ?? 0);
    c += (tokens / 1e6) * (r.batch ? BATCH_PRICE_FACTOR : 1);
  }
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
