import { sha256Hex } from '../util/builtin.js';
import {
  passedThrough,
  type Completion,
  type CompleteOptions,
  type CompletionRequest,
  type GenerationSettings,
  type Provider,
  type TokenUsage,
} from './types.js';

/**
 * The response cache (`--cache`), as a provider wrapper: a request whose
 * answer the store already holds is answered from it, without a request, a
 * retry or a rate-limit slot (so it wraps `withRetry(withRateLimit(…))`); every
 * new answer is stored. Only answers are stored, never errors, so a failed
 * request is asked again next time.
 *
 * The key is a SHA-256 of everything that makes up the request as the
 * provider sends it: the provider id, the base URL (public form, without
 * credentials), the model, the generation settings (seed, token limit,
 * reasoning effort, thinking budget and the extra body, whose keys are sorted),
 * the messages (images included) and the epoch. The API key is never part of
 * the key nor of what is stored. The store is SQLite (providers/cache-sqlite.ts);
 * anything with `get`/`put` will do (tests use a Map).
 */

/** What identifies a run's requests apart from each request's messages and epoch. */
export interface CacheScope {
  readonly provider: string;
  /** The base URL as files show it (credentials removed), or null. */
  readonly baseUrl: string | null;
  readonly model: string;
  readonly settings: GenerationSettings;
}

/** An answer as the cache keeps it. */
export interface CachedAnswer {
  readonly content: string;
  readonly reasoning: string | null;
  readonly usage: TokenUsage | null;
  readonly finishReason: string | null;
  readonly truncated: boolean;
}

export interface ResponseStore {
  get(key: string): CachedAnswer | null;
  /** Keep an answer (the first one stored for a key stays). */
  put(key: string, scope: CacheScope, epoch: number, answer: CachedAnswer): void;
}

/** JSON with object keys sorted at every depth, so equal requests hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}

/** The cache key of one request: hex SHA-256 of the scope, the messages and the epoch. */
export function cacheKey(scope: CacheScope, request: Pick<CompletionRequest, 'messages' | 'epoch'>): string {
  const s = scope.settings;
  const parts = {
    v: 1,
    provider: scope.provider,
    baseUrl: scope.baseUrl,
    model: scope.model,
    settings: { seed: s.seed, maxTokens: s.maxTokens, reasoningEffort: s.reasoningEffort, thinkingBudget: s.thinkingBudget, extraBody: s.extraBody },
    messages: request.messages,
    epoch: request.epoch,
  };
  return sha256Hex(canonicalJson(parts));
}

export interface CachedProvider extends Provider {
  /** Requests answered from the cache. */
  readonly hits: number;
  /** Answers that could not be stored (the run goes on without them), and the first reason. */
  readonly storeFailures: number;
  readonly storeProblem: string | null;
  /** Whether the store holds this request's answer (no request is sent to find out). */
  holds(request: Pick<CompletionRequest, 'messages' | 'epoch'>): boolean;
  /** Keep an answer that came another way (a batch's): the next run asks no more for it. */
  keep(request: Pick<CompletionRequest, 'messages' | 'epoch'>, answer: Completion): void;
}

export function withCache(inner: Provider, store: ResponseStore, scope: CacheScope): CachedProvider {
  let hits = 0;
  let storeFailures = 0;
  let storeProblem: string | null = null;
  const keep = (request: Pick<CompletionRequest, 'messages' | 'epoch'>, c: Completion): void => {
    if (c.cached) return;
    try {
      store.put(cacheKey(scope, request), scope, request.epoch, {
        content: c.content,
        reasoning: c.reasoning,
        usage: c.usage,
        finishReason: c.finishReason,
        truncated: c.truncated ?? false,
      });
    } catch (e) {
      storeFailures++;
      storeProblem ??= (e as Error).message;
    }
  };
  return {
    name: inner.name,
    ...passedThrough(inner),
    get hits() {
      return hits;
    },
    get storeFailures() {
      return storeFailures;
    },
    get storeProblem() {
      return storeProblem;
    },
    holds(request) {
      return store.get(cacheKey(scope, request)) !== null;
    },
    keep,
    async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<Completion> {
      const held = store.get(cacheKey(scope, request));
      if (held) {
        hits++;
        return { ...held, attempts: 0, cached: true };
      }
      const c = await inner.complete(request, options);
      keep(request, c);
      return c;
    },
  };
}
