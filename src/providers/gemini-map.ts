import { SettingProblem } from './settings.js';
import type { Completion, CompletionRequest, GenerationSettings, TokenUsage } from './types.js';
import { field, num, parseDataUrl, splitPrompt, str } from './wire.js';

/**
 * The Gemini API (generateContent), as data (no SDK here): settings → the
 * SDK's request (`{model, contents, config}`), reply → `Completion`.
 *
 * - the reference prompt: its system prompt → `systemInstruction`; the user
 *   text → a text part; each clinical image (vision mode) → an `inlineData`
 *   base64 part, in the reference's order (text, then images);
 * - `--max-tokens` → `maxOutputTokens` (thinking counts toward it);
 *   `--seed` → `seed` (plus the epoch's index);
 * - `--thinking-budget N` → `thinkingConfig.thinkingBudget` (0 turns thinking off);
 *   `--reasoning-effort E` → `thinkingConfig.thinkingLevel` (minimal, low,
 *   medium, high: Gemini 3 models); the API refuses both at once, so the
 *   harness does first; with either, `includeThoughts` asks for the thought
 *   summaries, kept as the record's reasoning;
 * - `--extra-body` is deep-merged by the SDK into the REST body, e.g.
 *   `{"generationConfig":{"temperature":0}}`.
 */

export const GEMINI_THINKING_LEVELS: readonly string[] = ['minimal', 'low', 'medium', 'high'];

/** Finish reasons that mean the answer was cut short. */
const CUT: ReadonlySet<string> = new Set(['MAX_TOKENS']);

/** Gemini's limits checked (throws `SettingProblem`). */
export function geminiSettings(s: GenerationSettings): GenerationSettings {
  if (s.reasoningEffort !== null) {
    if (!GEMINI_THINKING_LEVELS.includes(s.reasoningEffort)) {
      throw new SettingProblem(
        'reasoningEffort',
        `must be one of ${GEMINI_THINKING_LEVELS.join(', ')} for provider gemini (its thinking level), got "${s.reasoningEffort}"`,
      );
    }
    if (s.thinkingBudget !== null) {
      throw new SettingProblem(
        'reasoningEffort',
        'cannot go with a thinking budget for provider gemini: the API takes a thinking level or a thinking budget, not both',
      );
    }
  }
  return s;
}

/** What Gemini's batch mode cannot take: an extra body. */
export function geminiBatchProblem(s: GenerationSettings): SettingProblem | null {
  return s.extraBody !== null
    ? new SettingProblem('extraBody', "cannot be used in batch mode for provider gemini: the SDK's inlined batch requests carry no extra body")
    : null;
}

/** The request as `ai.models.generateContent` takes it (and, without `httpOptions`, as a batch's inlined request). */
export interface GeminiRequest {
  readonly model: string;
  readonly contents: { role: 'user'; parts: Record<string, unknown>[] }[];
  readonly config: Record<string, unknown>;
}

export function geminiRequest(model: string, request: CompletionRequest, settings: GenerationSettings): GeminiRequest {
  const { system, turns } = splitPrompt(request.messages);
  const contents = turns.map((parts) => ({
    role: 'user' as const,
    parts: parts.map((p): Record<string, unknown> => {
      if (p.type === 'text') return { text: p.text };
      const data = parseDataUrl(p.image_url.url);
      return data ? { inlineData: { mimeType: data.mediaType, data: data.data } } : { fileData: { fileUri: p.image_url.url } };
    }),
  }));
  const budget = settings.thinkingBudget;
  const level = settings.reasoningEffort;
  const thinking =
    budget !== null || level !== null
      ? {
          thinkingConfig: {
            ...(budget !== null ? { thinkingBudget: budget } : {}),
            ...(level !== null ? { thinkingLevel: level.toUpperCase() } : {}),
            ...(budget !== 0 ? { includeThoughts: true } : {}),
          },
        }
      : {};
  const config: Record<string, unknown> = {
    ...(system !== null ? { systemInstruction: system } : {}),
    ...(settings.maxTokens !== null ? { maxOutputTokens: settings.maxTokens } : {}),
    ...(settings.seed !== null ? { seed: settings.seed + request.epoch - 1 } : {}),
    ...thinking,
    ...(settings.extraBody ? { httpOptions: { extraBody: settings.extraBody } } : {}),
  };
  return { model, contents, config };
}

/** Usage as the harness counts it: completion tokens include the thinking tokens (Gemini reports them apart). */
export function geminiUsage(u: unknown): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const candidates = num(field(u, 'candidatesTokenCount'));
  const thoughts = num(field(u, 'thoughtsTokenCount'));
  const cached = num(field(u, 'cachedContentTokenCount'));
  return {
    prompt_tokens: num(field(u, 'promptTokenCount')),
    completion_tokens: candidates === null && thoughts === null ? null : (candidates ?? 0) + (thoughts ?? 0),
    reasoning_tokens: thoughts,
    ...(cached !== null ? { cached_tokens: cached } : {}),
    total_tokens: num(field(u, 'totalTokenCount')),
  };
}

/**
 * A generateContent reply → the completion: thought parts are the reasoning,
 * the others the content. A prompt the API blocked is an empty answer with the
 * block reason as its finish reason. Null when the reply is none of these.
 */
export function geminiCompletion(reply: unknown): Completion | null {
  const usage = geminiUsage(field(reply, 'usageMetadata'));
  const candidates = field(reply, 'candidates');
  const first: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
  if (first === undefined) {
    const blocked = str(field(field(reply, 'promptFeedback'), 'blockReason'));
    return blocked === null ? null : { content: '', reasoning: null, usage, finishReason: blocked, truncated: false, attempts: 1 };
  }
  const parts = field(field(first, 'content'), 'parts');
  const text: string[] = [];
  const thoughts: string[] = [];
  for (const p of Array.isArray(parts) ? parts : []) {
    const t = str(field(p, 'text'));
    if (t === null) continue;
    if (field(p, 'thought') === true) thoughts.push(t);
    else text.push(t);
  }
  const finish = str(field(first, 'finishReason'));
  const reasoning = thoughts.join('');
  return {
    content: text.join(''),
    reasoning: reasoning === '' ? null : reasoning,
    usage,
    finishReason: finish,
    truncated: finish !== null && CUT.has(finish),
    attempts: 1,
  };
}
