import type { Exam, ImageMode } from '../exam/types.js';
import { EXTRACTION_RULES, type ExtractionRule } from '../extract/extract.js';
import { providerEntry } from '../providers/registry.js';
import { SettingProblem } from '../providers/settings.js';
import type { GenerationSettings } from '../providers/types.js';
import { UserError } from '../util/errors.js';

/**
 * A run, declared as plain data and split by concern: what is asked (task),
 * of whom (model), how fast (schedule) and where it goes (output). The
 * defaults live here and nowhere else; the CLI, a resumed run's metadata and
 * library code all fill a `RunSpecInput`, and `resolveRunSpec` completes and
 * checks it. Nothing here is secret: the API key is passed apart from the spec.
 */

export const IMAGE_MODES: readonly ImageMode[] = ['skip', 'blind', 'vision'];

/** The one table of defaults. */
export const RUN_DEFAULTS = {
  imageMode: 'blind',
  epochs: 1,
  extraction: 'jmle-bench',
  provider: 'openai',
  parallel: 8,
  maxParallel: 64,
  maxRetries: 5,
  timeoutS: 300,
  batch: false,
  cache: false,
} as const satisfies {
  imageMode: ImageMode;
  epochs: number;
  extraction: ExtractionRule;
  provider: string;
  parallel: number;
  maxParallel: number;
  maxRetries: number;
  timeoutS: number;
  batch: boolean;
  cache: boolean;
};

/** Node's timers hold at most 2^31−1 ms; a longer timeout would fire at once. */
export const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);
export const MAX_EPOCHS = 1000;
export const MAX_PARALLEL = 1024;

export interface TaskSpec {
  readonly exam: Exam;
  /** Only these blocks (null: all). */
  readonly blocks: readonly string[] | null;
  /** Only these questions (null: all). */
  readonly questionIds: readonly string[] | null;
  readonly imageMode: ImageMode;
  /** Independent samples per question. */
  readonly epochs: number;
  /** How answers are read: jmle-bench's rule, or the reference harness's exactly. */
  readonly extraction: ExtractionRule;
}

export interface ModelSpec {
  /** Provider id in the registry (providers/registry.ts). */
  readonly provider: string;
  readonly model: string;
  /** The API's base URL as given (it may hold credentials: files and logs get `publicUrl` of it); null = the provider's default. */
  readonly baseUrl: string | null;
  readonly settings: GenerationSettings;
  /** Name on the leaderboard (null: the model). */
  readonly displayName: string | null;
  /** USD per million prompt / completion tokens, for the run's cost. */
  readonly priceIn: number | null;
  readonly priceOut: number | null;
}

export interface ScheduleSpec {
  /** Requests in flight at most (every epoch's requests count), or `auto`: found while the run goes (providers/adaptive.ts). */
  readonly parallel: number | 'auto';
  /** With `parallel: 'auto'`, the most it may reach. */
  readonly maxParallel: number;
  /** Requests started per minute at most (null: no cap). */
  readonly rpm: number | null;
  /** Retries per request on 429/5xx/timeouts/dropped connections. */
  readonly maxRetries: number;
  /** Per-request timeout in seconds. */
  readonly timeoutS: number;
  /**
   * Send the samples through the provider's batch API (half price, up to a
   * day): see runner/batch.ts. A run's open batches are re-attached on resume
   * whether or not this is set; it decides only whether new ones are submitted.
   */
  readonly batch: boolean;
  /** Answer from the local response cache what it holds, and store every new answer (providers/cache.ts). */
  readonly cache: boolean;
}

export interface OutputSpec {
  /** The result file (relative paths are taken from `cwd`); its journal is `<out>.jsonl`. */
  readonly out: string;
  readonly cwd: string;
  /** Replace an existing `out` that is not the resumed run's. */
  readonly overwrite: boolean;
}

export interface RunSpec {
  readonly task: TaskSpec;
  readonly model: ModelSpec;
  readonly schedule: ScheduleSpec;
  readonly output: OutputSpec;
}

type Optional<T> = { readonly [K in keyof T]?: T[K] | undefined };

/** A spec with what is left out to be filled by defaults. */
export interface RunSpecInput {
  readonly task: { readonly exam: Exam } & Optional<Omit<TaskSpec, 'exam'>>;
  readonly model: { readonly model: string } & Optional<Omit<ModelSpec, 'model' | 'settings'>> & { readonly settings?: Optional<GenerationSettings> };
  readonly schedule?: Optional<ScheduleSpec>;
  readonly output: { readonly out: string } & Optional<Omit<OutputSpec, 'out'>>;
}

/** The settings of a spec by name, as errors name them; the CLI words each as its flag. */
export type SettingName =
  | 'task.blocks'
  | 'task.questionIds'
  | 'task.imageMode'
  | 'task.epochs'
  | 'task.extraction'
  | 'model.model'
  | 'model.baseUrl'
  | 'model.settings.seed'
  | 'model.settings.maxTokens'
  | 'model.settings.reasoningEffort'
  | 'model.settings.thinkingBudget'
  | 'model.settings.extraBody'
  | 'model.priceIn'
  | 'model.priceOut'
  | 'schedule.parallel'
  | 'schedule.maxParallel'
  | 'schedule.rpm'
  | 'schedule.maxRetries'
  | 'schedule.timeoutS'
  | 'schedule.batch';

/**
 * A setting that cannot be used: names the setting and the problem ("must be
 * at least 1, got 0"). A problem of several settings together (nothing left
 * to ask) names them all, placed in the sentence by `phrase`.
 */
export class SettingError extends UserError {
  /** The setting at fault; the first, where several are. */
  readonly setting: SettingName;
  readonly settings: readonly SettingName[];
  readonly problem: string;
  readonly #phrase: (names: string) => string;
  constructor(setting: SettingName | readonly [SettingName, ...SettingName[]], problem: string, phrase?: (names: string) => string) {
    const settings: readonly SettingName[] = typeof setting === 'string' ? [setting] : setting;
    const place = phrase ?? ((names: string) => `${names} ${problem}`);
    super(place(settings.join(' / ')));
    this.setting = settings[0] as SettingName;
    this.settings = settings;
    this.problem = problem;
    this.#phrase = place;
  }

  /** The message with each setting called by `name` (the CLI: its flag). */
  worded(name: (setting: SettingName) => string): string {
    return this.#phrase(this.settings.map(name).join(' / '));
  }
}

function int(setting: SettingName, v: number, min: number, max: number): number {
  if (!Number.isInteger(v)) throw new SettingError(setting, `must be a whole number, got ${v}`);
  if (v < min) throw new SettingError(setting, `must be at least ${min}, got ${v}`);
  if (v > max) throw new SettingError(setting, `must be at most ${max}, got ${v}`);
  return v;
}

function nonNegative(setting: SettingName, v: number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (!Number.isFinite(v) || v < 0) throw new SettingError(setting, `must be a number of at least 0, got ${v}`);
  return v;
}

function selection(
  setting: 'task.blocks' | 'task.questionIds',
  v: readonly string[] | null | undefined,
  known: (x: string) => boolean,
  example: string,
): string[] | null {
  if (v === null || v === undefined) return null;
  if (v.length === 0) throw new SettingError(setting, `is empty; give at least one, e.g. ${example}`);
  const unknown = v.filter((x) => !known(x));
  if (unknown.length > 0) {
    const list = unknown
      .slice(0, 3)
      .map((u) => `"${u}"`)
      .join(', ');
    throw new SettingError(setting, `has ${list}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}, not in this exam (e.g. ${example})`);
  }
  return [...new Set(v)];
}

function asSettingError(e: unknown): unknown {
  return e instanceof SettingProblem ? new SettingError(`model.settings.${e.setting}`, e.problem) : e;
}

/** The provider's own defaults and limits (registry), e.g. Anthropic's required max_tokens. */
function providerSettings(provider: string, settings: GenerationSettings): GenerationSettings {
  const refine = providerEntry(provider).settings;
  try {
    return refine ? refine(settings) : settings;
  } catch (e) {
    throw asSettingError(e);
  }
}

function checkBatch(provider: string, settings: GenerationSettings): void {
  const batch = providerEntry(provider).batch;
  if (!batch) throw new SettingError('schedule.batch', `is not available for provider ${provider}: it has no batch API`);
  const problem = batch.check?.(settings);
  if (problem) throw asSettingError(problem);
}

/** Fill the defaults and check every setting; throws `SettingError` naming the first bad one. */
export function resolveRunSpec(input: RunSpecInput): RunSpec {
  const { exam } = input.task;
  const imageMode = input.task.imageMode ?? RUN_DEFAULTS.imageMode;
  if (!IMAGE_MODES.includes(imageMode)) throw new SettingError('task.imageMode', `must be one of ${IMAGE_MODES.join(', ')}; got "${String(imageMode)}"`);
  const task: TaskSpec = {
    exam,
    blocks: selection('task.blocks', input.task.blocks, (b) => exam.rules.blocks.includes(b), exam.rules.blocks.slice(0, 2).join(',')),
    questionIds: selection('task.questionIds', input.task.questionIds, (id) => exam.byId.has(id), exam.questions[0]?.id ?? ''),
    imageMode,
    epochs: int('task.epochs', input.task.epochs ?? RUN_DEFAULTS.epochs, 1, MAX_EPOCHS),
    extraction: input.task.extraction ?? RUN_DEFAULTS.extraction,
  };
  if (!EXTRACTION_RULES.includes(task.extraction))
    throw new SettingError('task.extraction', `must be one of ${EXTRACTION_RULES.join(', ')}; got "${String(task.extraction)}"`);

  const m = input.model;
  if (m.model.trim() === '') throw new SettingError('model.model', 'is empty; give the model name');
  const s = m.settings ?? {};
  if (s.reasoningEffort !== undefined && s.reasoningEffort !== null && s.reasoningEffort.trim() === '')
    throw new SettingError('model.settings.reasoningEffort', 'is empty');
  const provider = m.provider ?? RUN_DEFAULTS.provider;
  const model: ModelSpec = {
    provider,
    model: m.model,
    baseUrl: m.baseUrl ?? null,
    settings: providerSettings(provider, {
      seed: s.seed === undefined || s.seed === null ? null : int('model.settings.seed', s.seed, 0, 2 ** 32 - 1),
      maxTokens: s.maxTokens === undefined || s.maxTokens === null ? null : int('model.settings.maxTokens', s.maxTokens, 1, 10_000_000),
      reasoningEffort: s.reasoningEffort ?? null,
      thinkingBudget:
        s.thinkingBudget === undefined || s.thinkingBudget === null ? null : int('model.settings.thinkingBudget', s.thinkingBudget, 0, 10_000_000),
      extraBody: s.extraBody ?? null,
    }),
    displayName: m.displayName ?? null,
    priceIn: nonNegative('model.priceIn', m.priceIn),
    priceOut: nonNegative('model.priceOut', m.priceOut),
  };
  if (model.baseUrl !== null) {
    let u: URL | null;
    try {
      u = new URL(model.baseUrl);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new SettingError('model.baseUrl', `must be an http(s) URL; got "${model.baseUrl}"`);
  }

  const sc = input.schedule ?? {};
  const timeoutS = sc.timeoutS ?? RUN_DEFAULTS.timeoutS;
  if (!(timeoutS > 0)) throw new SettingError('schedule.timeoutS', `must be a positive number of seconds, got ${timeoutS}`);
  if (timeoutS > MAX_TIMEOUT_S)
    throw new SettingError('schedule.timeoutS', `must be at most ${MAX_TIMEOUT_S} seconds (24.8 days, the longest timer Node.js keeps), got ${timeoutS}`);
  const schedule: ScheduleSpec = {
    parallel: sc.parallel === 'auto' ? 'auto' : int('schedule.parallel', sc.parallel ?? RUN_DEFAULTS.parallel, 1, MAX_PARALLEL),
    maxParallel: int('schedule.maxParallel', sc.maxParallel ?? RUN_DEFAULTS.maxParallel, 1, MAX_PARALLEL),
    rpm: sc.rpm === undefined || sc.rpm === null ? null : int('schedule.rpm', sc.rpm, 1, Number.MAX_SAFE_INTEGER),
    maxRetries: int('schedule.maxRetries', sc.maxRetries ?? RUN_DEFAULTS.maxRetries, 0, 100),
    timeoutS,
    batch: sc.batch ?? RUN_DEFAULTS.batch,
    cache: sc.cache ?? RUN_DEFAULTS.cache,
  };
  if (schedule.batch) checkBatch(provider, model.settings);

  const output: OutputSpec = { out: input.output.out, cwd: input.output.cwd ?? process.cwd(), overwrite: input.output.overwrite ?? false };
  return { task, model, schedule, output };
}
