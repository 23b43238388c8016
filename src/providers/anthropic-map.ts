import { SettingProblem } from './settings.js';
import type { Completion, CompletionRequest, GenerationSettings, TokenUsage } from './types.js';
import { field, num, parseDataUrl, splitPrompt, str } from './wire.js';

/**
 * The Anthropic Messages API, as data (no SDK here, so the registry can check
 * settings and the unit tier can test the mapping without a network):
 * settings → request body, reply → `Completion`.
 *
 * - the reference prompt: its system prompt → `system`; the user text → a text
 *   block; each clinical image (vision mode) → a base64 image block, in the
 *   reference's order (text, then images);
 * - `--max-tokens` → `max_tokens`, which the API requires: the default is
 *   16,000, or the thinking budget + 8,000 (thinking counts toward it);
 * - `--thinking-budget N` → extended thinking `{type: 'enabled', budget_tokens: N}`
 *   (at least 1,024; 0 → `{type: 'disabled'}`);
 * - `--reasoning-effort E` → `output_config.effort` (low, medium, high, xhigh, max);
 * - no seed: the API has none, so `--seed` is refused rather than ignored;
 * - `--extra-body` is merged last into the body (top level), so it can add or
 *   override anything, e.g. `{"thinking":{"type":"adaptive"}}`.
 */

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 16_000;
/** Room left for the answer after the thinking budget, when --max-tokens is not given. */
export const ANTHROPIC_ANSWER_HEADROOM = 8_000;
export const ANTHROPIC_MIN_THINKING_BUDGET = 1_024;
export const ANTHROPIC_EFFORTS: readonly string[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/** Stop reasons that mean the answer was cut short. */
const CUT: ReadonlySet<string> = new Set(['max_tokens', 'model_context_window_exceeded']);

/** Anthropic's defaults filled in and its limits checked (throws `SettingProblem`). */
export function anthropicSettings(s: GenerationSettings): GenerationSettings {
  if (s.seed !== null) throw new SettingProblem('seed', 'cannot be used with provider anthropic: the Messages API takes no seed');
  const budget = s.thinkingBudget;
  if (budget !== null && budget > 0 && budget < ANTHROPIC_MIN_THINKING_BUDGET) {
    throw new SettingProblem('thinkingBudget', `must be 0 (no thinking) or at least ${ANTHROPIC_MIN_THINKING_BUDGET} for provider anthropic, got ${budget}`);
  }
  if (s.reasoningEffort !== null && !ANTHROPIC_EFFORTS.includes(s.reasoningEffort)) {
    throw new SettingProblem('reasoningEffort', `must be one of ${ANTHROPIC_EFFORTS.join(', ')} for provider anthropic, got "${s.reasoningEffort}"`);
  }
  const thinking = budget !== null && budget > 0 ? budget : 0;
  if (s.maxTokens !== null && thinking > 0 && s.maxTokens <= thinking) {
    throw new SettingProblem('maxTokens', `must be greater than the thinking budget (${thinking}) for provider anthropic: thinking counts toward it`);
  }
  const maxTokens = s.maxTokens ?? (thinking > 0 ? thinking + ANTHROPIC_ANSWER_HEADROOM : ANTHROPIC_DEFAULT_MAX_TOKENS);
  return { ...s, maxTokens };
}

function contentBlocks(parts: ReturnType<typeof splitPrompt>['turns'][number]): Record<string, unknown>[] {
  return parts.map((p) => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    const data = parseDataUrl(p.image_url.url);
    return data
      ? { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } }
      : { type: 'image', source: { type: 'url', url: p.image_url.url } };
  });
}

/** The Messages API body for one request (settings already through `anthropicSettings`). */
export function anthropicBody(model: string, request: CompletionRequest, settings: GenerationSettings): Record<string, unknown> {
  const { system, turns } = splitPrompt(request.messages);
  const budget = settings.thinkingBudget;
  return {
    model,
    max_tokens: settings.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    ...(system !== null ? { system } : {}),
    messages: turns.map((parts) => ({ role: 'user', content: contentBlocks(parts) })),
    ...(budget !== null ? { thinking: budget > 0 ? { type: 'enabled', budget_tokens: budget } : { type: 'disabled' } } : {}),
    ...(settings.reasoningEffort !== null ? { output_config: { effort: settings.reasoningEffort } } : {}),
    ...(settings.extraBody ?? {}),
  };
}

/**
 * Usage as the rest of the harness counts it: prompt tokens include the
 * cached ones (Anthropic's `input_tokens` leaves out cache reads and writes);
 * reasoning tokens are part of completion tokens.
 */
export function anthropicUsage(u: unknown): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const input = num(field(u, 'input_tokens'));
  const cacheRead = num(field(u, 'cache_read_input_tokens'));
  const cacheWrite = num(field(u, 'cache_creation_input_tokens'));
  const output = num(field(u, 'output_tokens'));
  const prompt = input === null ? null : input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    reasoning_tokens: num(field(field(u, 'output_tokens_details'), 'thinking_tokens')),
    ...(cacheRead !== null ? { cached_tokens: cacheRead } : {}),
    total_tokens: prompt !== null && output !== null ? prompt + output : null,
  };
}

/** A Messages API reply → the completion: text blocks are the content, thinking blocks the reasoning. Null when it is not a message. */
export function anthropicCompletion(message: unknown): Completion | null {
  const blocks = field(message, 'content');
  if (!Array.isArray(blocks)) return null;
  const text: string[] = [];
  const thinking: string[] = [];
  for (const b of blocks) {
    const type = field(b, 'type');
    if (type === 'text') text.push(str(field(b, 'text')) ?? '');
    else if (type === 'thinking') thinking.push(str(field(b, 'thinking')) ?? '');
  }
  const stop = str(field(message, 'stop_reason'));
  const reasoning = thinking.filter((t) => t !== '').join('\n\n');
  return {
    content: text.join(''),
    reasoning: reasoning === '' ? null : reasoning,
    usage: anthropicUsage(field(message, 'usage')),
    finishReason: stop,
    truncated: stop !== null && CUT.has(stop),
    attempts: 1,
  };
}
