import { loadExam } from '../../exam/registry.js';
import { DEFAULT_EXAM } from '../../exam/editions.js';
import type { ImageMode } from '../../exam/types.js';
import { openAICompatible } from '../../providers/openai.js';
import { RANDOM_DISPLAY_NAME, RANDOM_MODEL, randomProvider } from '../../providers/random.js';
import type { Provider } from '../../providers/types.js';
import { dirname, resolve } from 'node:path';
import { formatSummaryBlock } from '../../reports/terminal.js';
import { updateReadmeLeaderboard } from '../../reports/readme.js';
import { compareWithExaminees } from '../../scoring/examinees.js';
import { runBenchmark, type BenchmarkResult } from '../../runner/benchmark.js';
import { defaultOutPath } from '../../runner/metadata.js';
import { Progress } from '../../runner/progress.js';
import { loadPriorRun, type PriorRun } from '../../runner/resume.js';
import { parseBlocks, parseQuestionIds } from '../../runner/select.js';
import { UserError } from '../../util/errors.js';
import { publicUrl, registerSecret } from '../../util/redact.js';
import { DATA_OPTIONS, flag, intOption, numberOption, str, writeLine, type Command, type Io, type Parsed } from '../command.js';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const DEFAULTS = { parallel: 8, timeout: 300, maxRetries: 5, imageMode: 'blind' as ImageMode };
const IMAGE_MODES: readonly ImageMode[] = ['skip', 'blind', 'vision'];
/** A retry wait from which on the user is told (a quiet minute looks like a hang). */
const LONG_WAIT_MS = 10_000;
/** Exit code of a run the server stopped (e.g. a quota): EX_TEMPFAIL, try again later. */
const EXIT_PAUSED = 75;

const HELP = `Usage: jmle-bench run --model MODEL [options]

Asks every question of the exam through an OpenAI-compatible chat completions
API, scores the answers with the official rules and writes a result file in the
reference harness's format. Every answer is journaled to <out>.jsonl as it
arrives; Ctrl-C stops sending, waits for requests in flight (Ctrl-C again
aborts them), writes what is done and prints the command to resume.

Options:
  --model MODEL          model name; "random" is the offline chance-level baseline (no key, no network)
  --base-url URL         API base URL (default ${DEFAULT_BASE_URL})
  --api-key KEY          API key (default $OPENAI_API_KEY; $OPENROUTER_API_KEY for openrouter.ai;
                         none needed for localhost servers)
  --parallel N           requests in flight at most (default ${DEFAULTS.parallel})
  --timeout SECONDS      per-request timeout (default ${DEFAULTS.timeout})
  --image-mode MODE      skip | blind | vision (default ${DEFAULTS.imageMode})
  --extra-body JSON      merged into every request body, e.g. '{"reasoning":{"enabled":true}}'
  --blocks A,B           only these blocks
  --questions ID,...     only these questions, e.g. 120A-1,120B-3
  --out FILE             result file (default results/{model}_{UTC timestamp}.json)
  --resume FILE          continue a run from its result file or its .jsonl journal: keeps every
                         successful answer, asks the rest; writes back to FILE unless --out is given
  --overwrite            replace an existing --out
  --display-name NAME    name for the leaderboard (default: the model)
  --max-retries N        retries per question on 429/5xx/timeouts/dropped connections (default ${DEFAULTS.maxRetries})
  --rpm N                at most N requests per minute
  --seed N               seed (sent to the API; seeds --model random)
  --price-in USD         price per million prompt tokens (adds the run's cost)
  --price-out USD        price per million completion tokens
  --json                 print a machine-readable summary on stdout (the summary block goes to stderr)
  --no-progress          no progress bar / progress lines
  --no-readme            do not update the leaderboard of ./README.md (after a
                         run of the 120th it is updated, as the reference does,
                         when it has the <!-- leaderboard-…-start/end --> markers)
  --data-dir DIR         data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID              exam edition (default 120)

Exit codes: 0 done; 2 bad input, or the key, the model or the URL is wrong (the first
question fails at once); 75 stopped because the server asks to wait longer than 10 minutes
(an exhausted quota: resume later) or the journal cannot be written; 130 interrupted.

Examples:
  jmle-bench run --model random
  jmle-bench run --model gpt-5.2
  jmle-bench run --model openai/gpt-5.2 --base-url https://openrouter.ai/api/v1 \\
      --extra-body '{"reasoning":{"enabled":true}}' --image-mode vision
  jmle-bench run --model Qwen/Qwen3-32B --base-url http://localhost:8000/v1 --parallel 32 \\
      --extra-body '{"chat_template_kwargs":{"enable_thinking":false}}'
  jmle-bench run --resume results/gpt-5.2_20260301_120000.json`;

function isLocalUrl(u: URL): boolean {
  const h = u.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '127.0.0.1' || h === '::1' || h === '0.0.0.0' || h.endsWith('.localhost');
}

function isOpenRouter(u: URL): boolean {
  return u.hostname === 'openrouter.ai' || u.hostname.endsWith('.openrouter.ai');
}

/** The key and how the user passes it (for messages; never the key itself). */
export function resolveApiKey(flagKey: string | undefined, baseUrl: URL, env: NodeJS.ProcessEnv): { key: string; hint: string } {
  const envName = isOpenRouter(baseUrl) ? 'OPENROUTER_API_KEY' : 'OPENAI_API_KEY';
  const hint = `--api-key / ${envName}`;
  if (flagKey) return { key: flagKey, hint: '--api-key' };
  const fromEnv = env[envName] || (envName === 'OPENROUTER_API_KEY' ? env['OPENAI_API_KEY'] : undefined);
  if (fromEnv) return { key: fromEnv, hint: envName };
  if (isLocalUrl(baseUrl)) return { key: 'EMPTY', hint };
  throw new UserError(`no API key for ${baseUrl.host}: pass --api-key or set ${envName}`);
}

function parseExtraBody(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
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

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that continues this run (never with the key). */
export function resumeCommand(o: RunSettings): string {
  const a: string[] = ['jmle-bench', 'run', '--model', o.model];
  if (o.baseUrl !== DEFAULT_BASE_URL && o.model !== RANDOM_MODEL) a.push('--base-url', o.baseUrl);
  if (o.imageMode !== DEFAULTS.imageMode) a.push('--image-mode', o.imageMode);
  if (o.extraBody) a.push('--extra-body', JSON.stringify(o.extraBody));
  if (o.blocks) a.push('--blocks', o.blocks.join(','));
  if (o.questionIds) a.push('--questions', o.questionIds.join(','));
  if (o.parallel !== DEFAULTS.parallel) a.push('--parallel', String(o.parallel));
  if (o.timeoutS !== DEFAULTS.timeout) a.push('--timeout', String(o.timeoutS));
  if (o.maxRetries !== DEFAULTS.maxRetries) a.push('--max-retries', String(o.maxRetries));
  if (o.rpm !== null) a.push('--rpm', String(o.rpm));
  if (o.seed !== null) a.push('--seed', String(o.seed));
  if (o.displayName && o.displayName !== RANDOM_DISPLAY_NAME) a.push('--display-name', o.displayName);
  if (o.priceIn !== null) a.push('--price-in', String(o.priceIn));
  if (o.priceOut !== null) a.push('--price-out', String(o.priceOut));
  if (o.examFlag) a.push('--exam', o.examFlag);
  if (o.dataDir) a.push('--data-dir', o.dataDir);
  a.push('--resume', o.out);
  return a.map(shellQuote).join(' ');
}

interface RunSettings {
  model: string;
  baseUrl: string;
  imageMode: ImageMode;
  extraBody: Record<string, unknown> | null;
  blocks: string[] | null;
  questionIds: string[] | null;
  parallel: number;
  timeoutS: number;
  maxRetries: number;
  rpm: number | null;
  seed: number | null;
  displayName: string | null;
  priceIn: number | null;
  priceOut: number | null;
  examFlag: string | undefined;
  dataDir: string | undefined;
  /** As the user wrote it (relative to cwd). */
  out: string;
}

function nonNegative(args: Parsed, name: string): number | null {
  const v = numberOption(args, name);
  if (v === undefined) return null;
  if (v < 0) throw new UserError(`--${name} must not be negative, got ${v}`);
  return v;
}

function strings(x: unknown): string[] | null {
  return Array.isArray(x) && x.every((s) => typeof s === 'string') && x.length > 0 ? x : null;
}

async function executeRun(args: Parsed, io: Io): Promise<number> {
  // 1. Flags (and what a resumed run already says), all checked before anything is sent or written.
  const resumeArg = str(args, 'resume');
  const prior: PriorRun | null = resumeArg ? loadPriorRun(resumeArg, io.cwd) : null;
  const pm = prior?.metadata;
  const model = str(args, 'model') ?? pm?.model;
  if (!model) throw new UserError('--model is required, e.g. --model gpt-5.2 (or --model random for an offline chance-level baseline)');
  const isRandom = model === RANDOM_MODEL;
  const extraBody =
    str(args, 'extra-body') !== undefined ? parseExtraBody(str(args, 'extra-body')) : ((pm?.extra_body as Record<string, unknown> | null | undefined) ?? null);
  const imageModeArg = str(args, 'image-mode') ?? pm?.image_mode ?? DEFAULTS.imageMode;
  if (!IMAGE_MODES.includes(imageModeArg as ImageMode)) throw new UserError(`--image-mode must be one of skip, blind, vision; got "${imageModeArg}"`);
  const imageMode = imageModeArg as ImageMode;
  const parallel = intOption(args, 'parallel', DEFAULTS.parallel, 1, 1024);
  const maxRetries = intOption(args, 'max-retries', DEFAULTS.maxRetries, 0, 100);
  const rpmArg = str(args, 'rpm') !== undefined ? intOption(args, 'rpm', 0, 1) : null;
  const timeoutS = numberOption(args, 'timeout') ?? DEFAULTS.timeout;
  if (!(timeoutS > 0)) throw new UserError(`--timeout must be a positive number of seconds, got ${timeoutS}`);
  const seedFlag = str(args, 'seed') !== undefined ? intOption(args, 'seed', 0, 0, 2 ** 32 - 1) : null;
  const seed = seedFlag ?? (typeof pm?.seed === 'number' ? pm.seed : isRandom ? 0 : null);
  const priceIn = nonNegative(args, 'price-in');
  const priceOut = nonNegative(args, 'price-out');
  const baseUrlText = str(args, 'base-url') ?? (pm?.base_url && !isRandom ? pm.base_url : DEFAULT_BASE_URL);
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseUrlText);
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UserError(`--base-url must be an http(s) URL, e.g. ${DEFAULT_BASE_URL}; got "${baseUrlText}"`);
  }
  // Credentials in the URL go to the provider only; files, logs and the resume command get it without them.
  const shownBaseUrl = publicUrl(baseUrl);

  const examFlag = str(args, 'exam') ?? (typeof pm?.exam === 'string' ? pm.exam : undefined);
  const dataDir = str(args, 'data-dir');
  const { exam } = loadExam({ exam: examFlag, dataDir, env: io.env });
  // The selection: --blocks / --questions as given; when neither is, the resumed run's own.
  const blocksArg = str(args, 'blocks');
  const questionsArg = str(args, 'questions');
  const ownSelection = blocksArg !== undefined || questionsArg !== undefined;
  const blocks = blocksArg !== undefined ? parseBlocks(blocksArg, exam) : ownSelection ? null : strings(pm?.['blocks']);
  const questionIds = questionsArg !== undefined ? parseQuestionIds(questionsArg, exam) : ownSelection ? null : strings(pm?.['questions']);
  const displayName = str(args, 'display-name') ?? pm?.display_name ?? (isRandom ? RANDOM_DISPLAY_NAME : null);

  let provider: Provider;
  let keyHint = '--api-key / OPENAI_API_KEY';
  if (isRandom) provider = randomProvider(seed ?? 0);
  else {
    const flagKey = str(args, 'api-key');
    registerSecret(flagKey);
    const { key, hint } = resolveApiKey(flagKey, baseUrl, io.env);
    registerSecret(key);
    keyHint = hint;
    provider = openAICompatible({ baseUrl: baseUrlText, apiKey: key, timeoutS, extraBody, seed: seedFlag ?? (typeof pm?.seed === 'number' ? pm.seed : null) });
  }

  const out = str(args, 'out') ?? (prior ? prior.outPath : defaultOutPath(io.cwd, model, new Date()));
  const settings: RunSettings = {
    model,
    baseUrl: shownBaseUrl,
    imageMode,
    extraBody,
    blocks,
    questionIds,
    parallel,
    timeoutS,
    maxRetries,
    rpm: rpmArg,
    seed,
    displayName,
    priceIn,
    priceOut,
    examFlag: str(args, 'exam'),
    dataDir,
    out,
  };

  // 2. Ctrl-C: first stops sending, second aborts requests in flight.
  const json = flag(args, 'json');
  const human = json ? io.stderr : io.stdout;
  const stop = new AbortController();
  const abort = new AbortController();
  let progress: Progress | null = null;
  const say = (line: string) => (progress ? progress.note(line) : writeLine(io.stderr, line));
  let sigints = 0;
  const onSignal = () => {
    sigints++;
    if (sigints === 1) {
      stop.abort();
      say('  stopping: no new requests; waiting for those in flight (Ctrl-C again to abort them)');
    } else if (sigints === 2) {
      abort.abort();
      say('  aborting requests in flight');
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progressMode = flag(args, 'no-progress') ? 'off' : io.stderr.isTTY ? 'bar' : 'lines';
  const retryBase = Number(io.env['JMLE_RETRY_BASE_MS']);
  let result: BenchmarkResult;
  try {
    result = await runBenchmark({
      exam,
      model,
      provider,
      out,
      cwd: io.cwd,
      baseUrl: isRandom ? null : shownBaseUrl,
      imageMode,
      extraBody,
      parallel,
      maxRetries,
      rpm: rpmArg,
      blocks,
      questionIds,
      seed,
      displayName,
      priceIn,
      priceOut,
      prior,
      overwrite: flag(args, 'overwrite'),
      keyHint,
      retry: {
        ...(Number.isFinite(retryBase) && retryBase >= 0 && io.env['JMLE_RETRY_BASE_MS'] ? { baseDelayMs: retryBase } : {}),
        onRetry: ({ request, attempt, delayMs, error }) => {
          progress?.retry();
          // Long waits are worth a line: otherwise the run looks stuck.
          if (delayMs >= LONG_WAIT_MS)
            say(`  … ${request.question.id}: ${error.message}; retry ${attempt} of ${maxRetries} in ${Math.round(delayMs / 1000)} s`);
        },
      },
      stopSignal: stop.signal,
      abortSignal: abort.signal,
      onStart: (plan) => {
        writeLine(io.stderr, `  model:       ${model}${isRandom ? ' (offline chance-level baseline)' : ''}`);
        if (!isRandom) writeLine(io.stderr, `  base_url:    ${shownBaseUrl}`);
        writeLine(io.stderr, `  exam:        ${exam.rules.title} (dataset ${exam.version.slice(0, 12)})`);
        writeLine(io.stderr, `  image_mode:  ${imageMode}`);
        if (extraBody) writeLine(io.stderr, `  extra_body:  ${JSON.stringify(extraBody)}`);
        writeLine(io.stderr, `  questions:   ${plan.selected.length}`);
        if (plan.skippedImage) writeLine(io.stderr, `  skipped:     ${plan.skippedImage} (image questions)`);
        if (prior) {
          const torn = prior.badJournalLines > 0 ? ` (${prior.badJournalLines} unreadable journal line(s) skipped: a crash tears at most the last)` : '';
          writeLine(io.stderr, `  resumed:     ${plan.kept} kept, ${plan.toAsk.length} to ask${torn}`);
        }
        writeLine(io.stderr, `  parallel:    ${parallel}`);
        writeLine(io.stderr, `  journal:     ${out}.jsonl`);
        progress = new Progress(plan.toAsk.length, io.stderr, progressMode);
      },
      onRecord: (r) => {
        progress?.record(r);
        if (r.error) say(`  ! ${r.question_id}: ${r.error} (after ${r.attempts ?? 1} attempt(s))`);
      },
    });
  } finally {
    (progress as Progress | null)?.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const wrote = result.file.results.length > 0;
  const cost = typeof result.file.metadata['cost_usd'] === 'number' ? result.file.metadata['cost_usd'] : null;
  const examinees = compareWithExaminees(result.file.results, exam);
  writeLine(
    human,
    formatSummaryBlock({
      model,
      summary: result.summary,
      rules: exam.rules,
      path: wrote ? out : null,
      costUsd: cost,
      interrupted: result.interrupted,
      examinees,
    }),
  );
  // The README tables are the 120th's, as in the reference; other exams have `leaderboard --exam ID --readme`.
  if (wrote && !result.interrupted && !flag(args, 'no-readme') && exam.id === DEFAULT_EXAM) updateLeaderboardAfterRun(io, out, dataDir, exam.id);
  const resume = result.interrupted && wrote ? resumeCommand(settings) : null;
  if (result.interrupted) {
    writeLine(io.stderr, '');
    const why = result.pausedBy ? `Stopped: ${result.pausedBy}` : 'Interrupted';
    const left = result.plan.toAsk.length - result.newRecords;
    writeLine(io.stderr, `  ${why}: ${result.newRecords} answered this time, ${left} still to ask.${resume ? ' To resume:' : ''}`);
    if (resume) writeLine(io.stderr, `    ${resume}`);
  }
  if (json) {
    const report = {
      path: wrote ? out : null,
      interrupted: result.interrupted,
      resume_command: resume,
      metadata: result.file.metadata,
      summary: result.summary,
    };
    writeLine(io.stdout, JSON.stringify(report, null, 2));
  }
  return result.pausedBy ? EXIT_PAUSED : result.interrupted ? 130 : 0;
}

/**
 * As the reference does: when the working folder has a README.md with
 * leaderboard markers, rebuild its tables from the result folder of this run.
 * A README that cannot be written is a warning: the run itself is saved.
 */
function updateLeaderboardAfterRun(io: Io, out: string, dataDir: string | undefined, exam: string): void {
  const readme = resolve(io.cwd, 'README.md');
  try {
    if (updateReadmeLeaderboard({ readme, resultsDir: dirname(resolve(io.cwd, out)), dataDir, exam, env: io.env })) {
      writeLine(io.stderr, '  Leaderboard updated in README.md');
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    writeLine(io.stderr, `  warning: leaderboard in README.md not updated: ${e.message}`);
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Evaluate a model on the exam (OpenAI-compatible API, or the offline random baseline)',
  help: HELP,
  options: {
    ...DATA_OPTIONS,
    model: { type: 'string' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    parallel: { type: 'string' },
    timeout: { type: 'string' },
    'image-mode': { type: 'string' },
    'extra-body': { type: 'string' },
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
  },
  run: executeRun,
};
