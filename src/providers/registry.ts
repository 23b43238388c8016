import { UserError } from '../util/errors.js';
import { anthropicSettings } from './anthropic-map.js';
import type { BatchApi } from './batch-api.js';
import { geminiBatchProblem, geminiSettings } from './gemini-map.js';
import type { SettingProblem } from './settings.js';
import type { GenerationSettings, Provider, ProviderOptions } from './types.js';

/**
 * The provider registry: provider id → how to make one, which environment
 * variables hold its key, its default base URL and what to tell a user when
 * the key, the model or the URL is wrong. The CLI and the runner read this
 * table only; adding a provider is one new file and one entry here (or one
 * `registerProvider` call from a library user or a test).
 */
export interface ProviderEntry {
  readonly id: string;
  /** Shown in help and errors, e.g. "OpenAI-compatible chat completions". */
  readonly title: string;
  /** The base URL when none is given (null: the provider needs none, e.g. offline baselines). */
  readonly defaultBaseUrl: string | null;
  /** Environment variables that may hold the key, in the order they are tried, for this base URL. */
  keyEnv(baseUrl: URL | null): readonly string[];
  /** Whether a key is required at this base URL (a local server usually needs none). */
  needsKey(baseUrl: URL | null): boolean;
  /** No network at all (offline baselines): no base URL, no key, no fail-fast on connection. */
  readonly offline?: boolean;
  /** Make the provider (SDKs are imported here, so choosing another provider does not load them). */
  create(options: ProviderOptions): Promise<Provider>;
  /** What to check when the first request fails so (worded as the setting, e.g. "the model name"). */
  readonly hints?: { readonly notFound?: string; readonly badResponse?: string };
  /**
   * The provider's defaults and limits for the generation settings, applied
   * when a run is declared (so the metadata records what is sent): returns the
   * settings to use, or throws `SettingProblem` for one the API cannot take.
   * Pure: no SDK is loaded.
   */
  readonly settings?: (settings: GenerationSettings) => GenerationSettings;
  /** The provider's batch API (`--batch`), where it has one. */
  readonly batch?: BatchEntry;
}

export interface BatchEntry {
  /** Make the batch client (its SDK imported here). */
  create(options: ProviderOptions): Promise<BatchApi>;
  /** A setting the batch API cannot take, or null (pure). */
  check?(settings: GenerationSettings): SettingProblem | null;
}

function isLocalUrl(u: URL): boolean {
  const h = u.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '127.0.0.1' || h === '::1' || h === '0.0.0.0' || h.endsWith('.localhost');
}

function isOpenRouter(u: URL | null): boolean {
  return u !== null && (u.hostname === 'openrouter.ai' || u.hostname.endsWith('.openrouter.ai'));
}

const entries = new Map<string, ProviderEntry>();

/** Add (or replace) a provider. */
export function registerProvider(entry: ProviderEntry): void {
  entries.set(entry.id, entry);
}

export function providerIds(): string[] {
  return [...entries.keys()];
}

/** The entry of a provider id; an unknown id is a user error naming the known ones. */
export function providerEntry(id: string): ProviderEntry {
  const e = entries.get(id);
  if (!e) throw new UserError(`unknown provider "${id}"; available: ${providerIds().join(', ')}`);
  return e;
}

/** The key for a provider and where it came from (for messages; never the key itself). */
export interface ResolvedKey {
  readonly key: string | null;
  /** How the user passes it, e.g. "--api-key / OPENAI_API_KEY". */
  readonly hint: string;
}

/**
 * Find the API key: the given one (a flag), else the entry's environment
 * variables in order; a local server may go without. Throws a one-line error
 * naming the variable to set.
 */
export function resolveApiKey(entry: ProviderEntry, given: string | undefined, baseUrl: URL | null, env: NodeJS.ProcessEnv): ResolvedKey {
  const names = entry.keyEnv(baseUrl);
  const hint = ['--api-key', ...names].join(' / ');
  if (entry.offline) return { key: null, hint };
  if (given) return { key: given, hint: '--api-key' };
  for (const name of names) {
    const v = env[name];
    if (v) return { key: v, hint: name };
  }
  if (!entry.needsKey(baseUrl)) return { key: null, hint };
  const where = baseUrl ? ` for ${baseUrl.host}` : '';
  throw new UserError(`no API key${where}: pass --api-key or set ${names.join(' or ')}`);
}

// ---------------------------------------------------------------- the built-in providers

registerProvider({
  id: 'openai',
  title: 'OpenAI-compatible chat completions (OpenAI, OpenRouter, vLLM, SGLang, Ollama, …)',
  defaultBaseUrl: 'https://api.openai.com/v1',
  keyEnv: (u) => (isOpenRouter(u) ? ['OPENROUTER_API_KEY', 'OPENAI_API_KEY'] : ['OPENAI_API_KEY']),
  needsKey: (u) => u === null || !isLocalUrl(u),
  async create(options) {
    const { openAICompatible } = await import('./openai.js');
    return openAICompatible(options);
  },
  hints: { badResponse: 'does not answer like an OpenAI-compatible API' },
  batch: {
    async create(options) {
      const { openAIBatch } = await import('./openai-batch.js');
      return openAIBatch(options);
    },
  },
});

/** `--model random` is the random provider; its runs are shown under this name unless given one. */
export const RANDOM_MODEL = 'random';
export const RANDOM_DISPLAY_NAME = 'Random (chance level)';

registerProvider({
  id: 'random',
  title: 'offline chance-level baseline (--model random): no key, no network',
  defaultBaseUrl: null,
  keyEnv: () => [],
  needsKey: () => false,
  offline: true,
  async create(options) {
    const { randomProvider } = await import('./random.js');
    return randomProvider(options.settings.seed ?? 0);
  },
});

registerProvider({
  id: 'anthropic',
  title: 'Anthropic Messages API (Claude), with extended thinking and Message Batches',
  defaultBaseUrl: 'https://api.anthropic.com',
  keyEnv: () => ['ANTHROPIC_API_KEY'],
  needsKey: (u) => u === null || !isLocalUrl(u),
  settings: anthropicSettings,
  async create(options) {
    const { anthropicProvider } = await import('./anthropic.js');
    return anthropicProvider(options);
  },
  hints: { badResponse: 'does not answer like the Anthropic Messages API (--base-url is the host without /v1)' },
  batch: {
    async create(options) {
      const { anthropicBatch } = await import('./anthropic-batch.js');
      return anthropicBatch(options);
    },
  },
});

registerProvider({
  id: 'gemini',
  title: 'Google Gemini API (Gemini Developer API key), with thinking and batch mode',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  keyEnv: () => ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  needsKey: (u) => u === null || !isLocalUrl(u),
  settings: geminiSettings,
  async create(options) {
    const { geminiProvider } = await import('./gemini.js');
    return geminiProvider(options);
  },
  hints: { badResponse: 'does not answer like the Gemini API (--base-url is the host without /v1beta)' },
  batch: {
    check: geminiBatchProblem,
    async create(options) {
      const { geminiBatch } = await import('./gemini-batch.js');
      return geminiBatch(options);
    },
  },
});
