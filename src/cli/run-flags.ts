import type { Exam, ImageMode } from '../exam/types.js';
import { DEFAULT_EXAM } from '../exam/editions.js';
import { providerIds, RANDOM_DISPLAY_NAME, RANDOM_MODEL } from '../providers/registry.js';
import type { RecordedSettings } from '../runner/resume.js';
import { RUN_DEFAULTS, SettingError, type RunSpec, type RunSpecInput, type SettingName } from '../runner/spec.js';
import { UserError } from '../util/errors.js';
import { EXTRACTION_HELP, EXTRACTION_OPTION, extractionFlag, flag, numberOption, str, type OptionSpec, type Parsed } from './command.js';

/**
 * `jmle-bench run`'s flags: their declaration, their reading into a run spec
 * input (flags first, then what a resumed run recorded, then the spec's
 * defaults), the flag each spec setting is worded as, and the command that
 * resumes a run. The run itself knows nothing of flags.
 */

export const RUN_OPTIONS: OptionSpec = {
  ...EXTRACTION_OPTION,
  model: { type: 'string' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  parallel: { type: 'string' },
  'max-parallel': { type: 'string' },
  cache: { type: 'boolean' },
  timeout: { type: 'string' },
  'image-mode': { type: 'string' },
  'extra-body': { type: 'string' },
  epochs: { type: 'string' },
  'max-tokens': { type: 'string' },
  'reasoning-effort': { type: 'string' },
  'thinking-budget': { type: 'string' },
  batch: { type: 'boolean' },
  resume: { type: 'string' },
  blocks: { type: 'string' },
  questions: { type: 'string' },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  'display-name': { type: 'string' },
  'max-retries': { type: 'string' },
  rpm: { type: 'string' },
  seed: { type: 'string' },
  'price-in': { type: 'string' },
  'price-out': { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'no-readme': { type: 'boolean' },
};

export const RUN_HELP = `Usage: jmle-bench run --model MODEL [options]

Asks every question of the exam (K times with --epochs K), scores the answers
with the official rules and writes a result file in the reference harness's
format. Every answer is journaled to <out>.jsonl as it arrives; Ctrl-C stops
sending, waits for requests in flight (Ctrl-C again aborts them), writes what
is done and prints the command to resume.

Options:
  --model MODEL          model name; "random" is the offline chance-level baseline (no key, no network)
  --provider ID          ${providerIds().join(' | ')} (default ${RUN_DEFAULTS.provider}: any OpenAI-compatible API)
  --base-url URL         API base URL as the provider's SDK takes it (default: the provider's:
                         https://api.openai.com/v1, https://api.anthropic.com (no /v1),
                         https://generativelanguage.googleapis.com (no /v1beta))
  --api-key KEY          API key (default: the provider's variable: $OPENAI_API_KEY ($OPENROUTER_API_KEY
                         for openrouter.ai), $ANTHROPIC_API_KEY, $GEMINI_API_KEY or $GOOGLE_API_KEY;
                         none needed for localhost servers)
  --parallel N|auto      requests in flight at most, every epoch's included (default ${RUN_DEFAULTS.parallel}); auto: start
                         at 8, grow while answers come back, back off on 429/503 (honouring Retry-After)
  --max-parallel N       the most --parallel auto may reach (default ${RUN_DEFAULTS.maxParallel})
  --cache                answer from the local response cache what it already holds (same provider,
                         URL, model, request and epoch) and store every new answer; see \`jmle-bench cache\`
  --timeout SECONDS      per-request timeout (default ${RUN_DEFAULTS.timeoutS})
  --image-mode MODE      skip | blind | vision (default ${RUN_DEFAULTS.imageMode})
  --extra-body JSON      merged into every request body, e.g. '{"reasoning":{"enabled":true}}'
  --epochs K             ask every question K times, as independent samples (default ${RUN_DEFAULTS.epochs});
                         on --resume, more epochs than the run has asks only the missing ones
  --max-tokens N         upper bound on generated tokens, thinking included (default: the API's;
                         anthropic, which requires one: 16000, or the thinking budget + 8000)
  --reasoning-effort E   openai: reasoning_effort; anthropic: output_config.effort (low, medium, high,
                         xhigh, max); gemini: the thinking level (minimal, low, medium, high)
  --thinking-budget N    thinking budget in tokens: anthropic extended thinking (at least 1024; 0 = off),
                         gemini thinkingBudget (0 = off)
${EXTRACTION_HELP}
  --batch                send the questions through the provider's batch API (openai, anthropic, gemini):
                         half price, answers within 24 h; the batch id is journaled, so after Ctrl-C or
                         a crash --resume attaches to the same batch (it keeps running) and never
                         submits it twice; failed or expired items are asked again one by one
  --blocks A,B           only these blocks
  --questions ID,...     only these questions, e.g. 120A-1,120B-3
  --out FILE             result file (default results/{model}_{UTC timestamp}.json)
  --resume FILE          continue a run from its result file or its .jsonl journal: keeps every
                         successful answer, asks the rest; writes back to FILE unless --out is given
  --overwrite            replace an existing --out
  --display-name NAME    name for the leaderboard (default: the model)
  --max-retries N        retries per request on 429/5xx/timeouts/dropped connections (default ${RUN_DEFAULTS.maxRetries})
  --rpm N                at most N requests per minute
  --seed N               seed (sent to the API, plus the epoch's index; seeds --model random)
  --price-in USD         list price per million prompt tokens (adds the run's cost; answers
                         through --batch are priced at half, as every batch API bills them)
  --price-out USD        list price per million completion tokens
  --json                 print a machine-readable summary on stdout (the summary block goes to stderr)
  --no-progress          no progress bar / progress lines
  --no-readme            do not add the run's row to ./README.md's leaderboard (after a run of
                         the 120th it is added, as the reference does, when the README has the
                         <!-- leaderboard-…-start/end --> markers)
  --data-dir DIR         data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID              exam edition (default ${DEFAULT_EXAM})

Exit codes: 0 done; 2 bad input, or the key, the model or the URL is wrong (the first
question fails at once); 75 stopped because the server asks to wait longer than 10 minutes
(an exhausted quota: resume later) or the journal cannot be written; 130 interrupted.

Examples:
  jmle-bench run --model random
  jmle-bench run --model gpt-5.2
  jmle-bench run --model openai/gpt-5.2 --base-url https://openrouter.ai/api/v1 \\
      --extra-body '{"reasoning":{"enabled":true}}' --image-mode vision
  jmle-bench run --model Qwen/Qwen3-32B --base-url http://localhost:8000/v1 --parallel 32 --epochs 5
  jmle-bench run --provider anthropic --model claude-sonnet-4-6 --thinking-budget 16000 --image-mode vision
  jmle-bench run --provider gemini --model gemini-2.5-pro --thinking-budget 8192
  jmle-bench run --model gpt-5.2 --batch
  jmle-bench run --resume results/gpt-5.2_20260301_120000.json`;

/** The flag of each spec setting, so library errors reach the user in the words they typed. */
export const SETTING_FLAGS: Readonly<Record<SettingName, string>> = {
  'task.blocks': '--blocks',
  'task.questionIds': '--questions',
  'task.imageMode': '--image-mode',
  'task.epochs': '--epochs',
  'task.extraction': '--extraction',
  'model.model': '--model',
  'model.baseUrl': '--base-url',
  'model.settings.seed': '--seed',
  'model.settings.maxTokens': '--max-tokens',
  'model.settings.reasoningEffort': '--reasoning-effort',
  'model.settings.thinkingBudget': '--thinking-budget',
  'model.priceIn': '--price-in',
  'model.priceOut': '--price-out',
  'schedule.parallel': '--parallel',
  'schedule.maxParallel': '--max-parallel',
  'schedule.rpm': '--rpm',
  'schedule.maxRetries': '--max-retries',
  'schedule.timeoutS': '--timeout',
  'schedule.batch': '--batch',
  'model.settings.extraBody': '--extra-body',
};

/** A library `SettingError` worded as its flags ("--parallel must be at least 1, got 0"); other errors unchanged. */
export function asFlagError(e: unknown): unknown {
  return e instanceof SettingError
    ? new UserError(
        e.worded((s) => SETTING_FLAGS[s]),
        e.exitCode,
      )
    : e;
}

/** `--parallel`: a whole number, or `auto`. */
function parallelFlag(args: Parsed): number | 'auto' | undefined {
  const v = str(args, 'parallel');
  if (v === undefined) return undefined;
  if (v.trim().toLowerCase() === 'auto') return 'auto';
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(n)) throw new UserError(`--parallel must be a whole number or auto, got "${v}"`);
  return n;
}

function parseExtraBody(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--extra-body is not valid JSON (${(e as Error).message}); e.g. --extra-body '{"reasoning":{"enabled":true}}'`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new UserError('--extra-body must be a JSON object, e.g. \'{"reasoning":{"enabled":true}}\'');
  return v as Record<string, unknown>;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** "A,b" → ["A","B"]; every letter must be a block of the exam. */
export function parseBlocks(value: string, exam: Exam): string[] {
  const letters = list(value).map((s) => s.toUpperCase());
  if (letters.length === 0) throw new UserError('--blocks is empty; give block letters such as A,B');
  const unknown = letters.filter((l) => !exam.rules.blocks.includes(l));
  if (unknown.length > 0) {
    throw new UserError(`--blocks: unknown block ${unknown.map((u) => `"${u}"`).join(', ')}; exam ${exam.id} has blocks ${exam.rules.blocks.join(', ')}`);
  }
  return [...new Set(letters)];
}

/** "120A-1,120B-3" → ids; every id must be a question of the exam. */
export function parseQuestionIds(value: string, exam: Exam): string[] {
  const ids = list(value);
  if (ids.length === 0) throw new UserError('--questions is empty; give question ids such as 120A-1,120B-2');
  const unknown = ids.filter((id) => !exam.byId.has(id));
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 3)
      .map((u) => `"${u}"`)
      .join(', ');
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
    throw new UserError(`--questions: unknown question ${shown}${more} in exam ${exam.id} (ids look like "${exam.questions[0]?.id ?? ''}")`);
  }
  return [...new Set(ids)];
}

/** The model and provider as typed (or recorded): `--model random` is the random provider. */
export function modelAndProvider(args: Parsed, recorded: RecordedSettings | null): { model: string; provider: string } {
  const model = str(args, 'model') ?? recorded?.model.model;
  if (!model) throw new UserError('--model is required, e.g. --model gpt-5.2 (or --model random for an offline chance-level baseline)');
  const provider = str(args, 'provider') ?? (model === RANDOM_MODEL ? 'random' : (recorded?.model.provider ?? RUN_DEFAULTS.provider));
  return { model, provider };
}

/**
 * The spec input of `run`: each setting from its flag, else from the resumed
 * run's record, else left to the spec's default. A selection is taken whole:
 * `--blocks`/`--questions` replace the resumed run's, never mix with it.
 */
export function specInputFromFlags(args: Parsed, exam: Exam, recorded: RecordedSettings | null, out: string, cwd: string): RunSpecInput {
  const { model, provider } = modelAndProvider(args, recorded);
  const rt = recorded?.task;
  const rm = recorded?.model;
  const rs = rm?.settings;
  const blocksFlag = str(args, 'blocks');
  const questionsFlag = str(args, 'questions');
  const ownSelection = blocksFlag !== undefined || questionsFlag !== undefined;
  const extraBodyFlag = str(args, 'extra-body');
  const seed = numberOption(args, 'seed', true);
  const random = provider === 'random';
  return {
    task: {
      exam,
      blocks: blocksFlag !== undefined ? parseBlocks(blocksFlag, exam) : ownSelection ? null : (rt?.blocks ?? null),
      questionIds: questionsFlag !== undefined ? parseQuestionIds(questionsFlag, exam) : ownSelection ? null : (rt?.questionIds ?? null),
      imageMode: (str(args, 'image-mode') as ImageMode | undefined) ?? rt?.imageMode,
      epochs: numberOption(args, 'epochs', true) ?? rt?.epochs,
      extraction: extractionFlag(args) ?? rt?.extraction,
    },
    model: {
      model,
      provider,
      // The random baseline takes no URL; a recorded one would be another provider's.
      baseUrl: str(args, 'base-url') ?? (random ? null : (rm?.baseUrl ?? null)),
      displayName: str(args, 'display-name') ?? rm?.displayName ?? (random ? RANDOM_DISPLAY_NAME : null),
      settings: {
        seed: seed ?? (rs ? rs.seed : random ? 0 : null),
        maxTokens: numberOption(args, 'max-tokens', true) ?? rs?.maxTokens,
        reasoningEffort: str(args, 'reasoning-effort') ?? rs?.reasoningEffort,
        thinkingBudget: numberOption(args, 'thinking-budget', true) ?? rs?.thinkingBudget,
        extraBody: extraBodyFlag !== undefined ? parseExtraBody(extraBodyFlag) : (rs?.extraBody ?? null),
      },
      priceIn: numberOption(args, 'price-in') ?? rm?.priceIn,
      priceOut: numberOption(args, 'price-out') ?? rm?.priceOut,
    },
    schedule: {
      parallel: parallelFlag(args),
      maxParallel: numberOption(args, 'max-parallel', true),
      cache: flag(args, 'cache') || undefined,
      rpm: numberOption(args, 'rpm', true),
      maxRetries: numberOption(args, 'max-retries', true),
      timeoutS: numberOption(args, 'timeout'),
      batch: flag(args, 'batch') ? true : undefined,
    },
    output: { out, cwd, overwrite: flag(args, 'overwrite') },
  };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that continues this run, never with the key: every setting that
 * differs from its default, as its flag. `shownBaseUrl` is the base URL without
 * credentials; `examFlag`/`dataDir` are the flags as the user gave them.
 */
export function resumeCommand(
  spec: RunSpec,
  shownBaseUrl: string | null,
  defaultBaseUrl: string | null,
  examFlag: string | undefined,
  dataDir: string | undefined,
): string {
  const { task, model, schedule } = spec;
  const s = model.settings;
  const random = model.provider === 'random';
  const a: string[] = ['jmle-bench', 'run', '--model', model.model];
  if (model.provider !== RUN_DEFAULTS.provider && !random) a.push('--provider', model.provider);
  // "https://api.anthropic.com" and "https://api.anthropic.com/" are the same URL.
  const isDefault = shownBaseUrl !== null && defaultBaseUrl !== null && new URL(shownBaseUrl).href === new URL(defaultBaseUrl).href;
  if (shownBaseUrl !== null && !isDefault) a.push('--base-url', shownBaseUrl);
  if (task.imageMode !== RUN_DEFAULTS.imageMode) a.push('--image-mode', task.imageMode);
  if (s.extraBody) a.push('--extra-body', JSON.stringify(s.extraBody));
  if (task.epochs !== RUN_DEFAULTS.epochs) a.push('--epochs', String(task.epochs));
  if (task.extraction !== RUN_DEFAULTS.extraction) a.push('--extraction', task.extraction);
  if (s.maxTokens !== null) a.push('--max-tokens', String(s.maxTokens));
  if (s.reasoningEffort !== null) a.push('--reasoning-effort', s.reasoningEffort);
  if (s.thinkingBudget !== null) a.push('--thinking-budget', String(s.thinkingBudget));
  if (task.blocks) a.push('--blocks', task.blocks.join(','));
  if (task.questionIds) a.push('--questions', task.questionIds.join(','));
  if (schedule.parallel !== RUN_DEFAULTS.parallel) a.push('--parallel', String(schedule.parallel));
  if (schedule.parallel === 'auto' && schedule.maxParallel !== RUN_DEFAULTS.maxParallel) a.push('--max-parallel', String(schedule.maxParallel));
  if (schedule.cache) a.push('--cache');
  if (schedule.timeoutS !== RUN_DEFAULTS.timeoutS) a.push('--timeout', String(schedule.timeoutS));
  if (schedule.maxRetries !== RUN_DEFAULTS.maxRetries) a.push('--max-retries', String(schedule.maxRetries));
  if (schedule.rpm !== null) a.push('--rpm', String(schedule.rpm));
  if (schedule.batch) a.push('--batch');
  if (s.seed !== null) a.push('--seed', String(s.seed));
  if (model.displayName && !(random && model.displayName === RANDOM_DISPLAY_NAME)) a.push('--display-name', model.displayName);
  if (model.priceIn !== null) a.push('--price-in', String(model.priceIn));
  if (model.priceOut !== null) a.push('--price-out', String(model.priceOut));
  if (examFlag) a.push('--exam', examFlag);
  if (dataDir) a.push('--data-dir', dataDir);
  a.push('--resume', spec.output.out);
  return a.map(shellQuote).join(' ');
}
