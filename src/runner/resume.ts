import type { Metadata, ResultRecord } from '../results/schema.js';
import { UserError } from '../util/errors.js';
import type { JournaledBatch } from './journal.js';
import { isSuccessful } from '../scoring/record.js';
import type { RunSpec, RunSpecInput } from './spec.js';

/**
 * What an earlier run left behind: its result file and/or its journal,
 * merged. `--resume` accepts either path; the output of the resumed run is
 * the result file's path.
 */
export interface PriorRun {
  /** The path the user gave. */
  readonly given: string;
  /** The result file path of that run (without `.jsonl`). */
  readonly outPath: string;
  readonly metadata: Metadata;
  /** One record per sample (question, epoch): a successful one wherever any attempt succeeded, else the latest. */
  readonly records: ResultRecord[];
  /** Batches the run submitted whose results it has not taken yet (`--batch`): a resume attaches to them. */
  readonly openBatches: readonly JournaledBatch[];
  /** What could not be read of the journal: a torn last line (normal after a crash), damaged lines before it. */
  readonly journalDamage: { readonly tornLastLine: boolean; readonly damagedLines: number };
}

/** Which sample a record answers: (question, epoch). */
export function sampleKey(questionId: string, epoch = 1): string {
  return `${questionId}\u0000${epoch}`;
}

export function recordKey(r: Pick<ResultRecord, 'question_id' | 'epoch'>): string {
  return sampleKey(r.question_id, r.epoch ?? 1);
}

/** Later records win, except that a failure never replaces a success. One record per sample. */
export function mergeRecords(...lists: readonly (readonly ResultRecord[])[]): ResultRecord[] {
  const byKey = new Map<string, ResultRecord>();
  for (const list of lists) {
    for (const r of list) {
      const k = recordKey(r);
      const old = byKey.get(k);
      if (old && isSuccessful(old) && !isSuccessful(r)) continue;
      byKey.set(k, r);
    }
  }
  return [...byKey.values()];
}

function strings(x: unknown): string[] | null {
  return Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string') ? x : null;
}

function numberOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** Provider ids of older files: jmle-bench 0.1 wrote the provider's display name. */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = { 'openai-compatible': 'openai' };

/** The provider a recorded run used. */
export function recordedProvider(m: Metadata): string | undefined {
  const p = m.provider;
  if (typeof p === 'string' && p !== '') return PROVIDER_ALIASES[p] ?? p;
  return m.model === 'random' ? 'random' : undefined;
}

/**
 * The settings a resumed run keeps from its metadata: what was asked and of
 * whom (the schedule is the caller's to choose again). The caller's own
 * settings override these; a selection (blocks/questions) is taken whole from
 * one side, never mixed.
 */
export interface RecordedSettings {
  readonly examId: string | undefined;
  readonly task: Omit<NonNullable<RunSpecInput['task']>, 'exam'>;
  readonly model: RunSpecInput['model'];
}

export function recordedSettings(prior: PriorRun): RecordedSettings {
  const m = prior.metadata;
  const extra = m.extra_body;
  return {
    examId: typeof m.exam === 'string' ? m.exam : undefined,
    task: {
      blocks: strings(m['blocks']),
      questionIds: strings(m['questions']),
      imageMode: m.image_mode ?? undefined,
      epochs: typeof m.epochs === 'number' ? m.epochs : 1,
      extraction: m['extraction'] === 'reference' ? 'reference' : undefined,
    },
    model: {
      model: m.model,
      provider: recordedProvider(m),
      baseUrl: typeof m.base_url === 'string' && m.base_url !== '' ? m.base_url : undefined,
      displayName: m.display_name ?? undefined,
      settings: {
        seed: numberOrNull(m.seed),
        maxTokens: numberOrNull(m['max_tokens']),
        reasoningEffort: typeof m['reasoning_effort'] === 'string' ? m['reasoning_effort'] : null,
        thinkingBudget: numberOrNull(m['thinking_budget']),
        extraBody: extra !== null && typeof extra === 'object' && !Array.isArray(extra) ? (extra as Record<string, unknown>) : null,
      },
      priceIn: numberOrNull(m['price_in']),
      priceOut: numberOrNull(m['price_out']),
    },
  };
}

function short(v: string): string {
  return v.length > 12 ? `${v.slice(0, 12)}…` : v;
}

/** JSON with sorted keys, so that two bodies that differ only in key order compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function extraBodyText(v: unknown): string {
  return v === null || v === undefined ? 'no --extra-body' : `--extra-body '${JSON.stringify(v)}'`;
}

/** How a run chose its questions, as the flags that say it. */
function selectionText(m: Metadata): string {
  const blocks = Array.isArray(m['blocks']) ? (m['blocks'] as string[]) : null;
  const ids = Array.isArray(m['questions']) ? (m['questions'] as string[]) : null;
  const parts = [blocks ? `--blocks ${blocks.join(',')}` : '', ids ? `--questions ${ids.join(',')}` : ''].filter((x) => x !== '');
  return parts.length > 0 ? parts.join(' ') : 'all questions';
}

/**
 * A resumed run keeps every record it holds, so its selection must include
 * them all: a narrower `--blocks`/`--questions` would leave answers in the file
 * that its metadata says were not asked. A wider one extends the run.
 */
export function checkPriorSelection(prior: PriorRun, selected: ReadonlySet<string>): void {
  const outside = prior.records.filter((r) => !selected.has(r.question_id)).map((r) => r.question_id);
  if (outside.length === 0) return;
  throw new UserError(
    `--resume: ${prior.given} holds ${outside.length} answer(s) outside this selection (e.g. ${outside[0]}); it was run with ${selectionText(prior.metadata)}: resume with a selection that includes them (or none), or start a new run with another --out`,
  );
}

function settingText(name: string, v: unknown): string {
  return v === null || v === undefined ? `no ${name}` : `${name} ${valueText(v)}`;
}

function valueText(v: unknown): string {
  return v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Refuse to mix runs: another model, provider, exam, dataset version, image
 * mode, generation settings or seed would put answers of two setups in one
 * file. Fewer epochs than the run holds would drop answers. Says which.
 * (Errors name the setting as the CLI's flag: resuming is a CLI notion.)
 */
export function checkPriorRun(prior: PriorRun, spec: RunSpec): void {
  const m = prior.metadata;
  const p = prior.given;
  const { task, model } = spec;
  if (m.model !== model.model) {
    throw new UserError(`--resume: ${p} is a run of model "${m.model}", not "${model.model}"; use --model ${m.model} or start a new run with another --out`);
  }
  const provider = recordedProvider(m);
  if (provider !== undefined && provider !== model.provider) {
    throw new UserError(`--resume: ${p} was run with --provider ${provider}, not ${model.provider}; pass --provider ${provider}`);
  }
  if (m.exam && m.exam !== task.exam.id) {
    throw new UserError(`--resume: ${p} is a run of exam ${m.exam}, not ${task.exam.id}; pass --exam ${m.exam}`);
  }
  if (m.dataset_version && m.dataset_version !== task.exam.version) {
    throw new UserError(
      `--resume: ${p} was run on dataset version ${short(m.dataset_version)}, but the data is now version ${short(task.exam.version)}; start a new run (or \`jmle-bench rescore\` the old file)`,
    );
  }
  if (m.image_mode && m.image_mode !== task.imageMode) {
    throw new UserError(`--resume: ${p} was run with --image-mode ${m.image_mode}, not ${task.imageMode}; pass --image-mode ${m.image_mode}`);
  }
  if (canonical(m.extra_body) !== canonical(model.settings.extraBody)) {
    throw new UserError(
      `--resume: ${p} was run with ${extraBodyText(m.extra_body)}, not ${extraBodyText(model.settings.extraBody)}; answers of both would mix in one file: resume with the same (or leave --extra-body out), or start a new run with another --out`,
    );
  }
  // A seed must be the same as recorded: answers of two seeds would mix. A run made without one takes none
  // (a seed added now would be recorded though no earlier answer used it).
  const seed = typeof m.seed === 'number' ? m.seed : null;
  if (seed !== model.settings.seed) {
    const fix = seed === null ? 'leave --seed out' : `resume with --seed ${seed} (or leave --seed out)`;
    throw new UserError(
      `--resume: ${p} was run with ${settingText('--seed', seed)}, not ${valueText(model.settings.seed)}; ${fix}, or start a new run with another --out`,
    );
  }
  const recorded = recordedSettings(prior).model.settings ?? {};
  for (const [key, flag] of [
    ['maxTokens', '--max-tokens'],
    ['reasoningEffort', '--reasoning-effort'],
    ['thinkingBudget', '--thinking-budget'],
  ] as const) {
    const was = recorded[key] ?? null;
    const now = model.settings[key];
    if (was !== now) {
      throw new UserError(
        `--resume: ${p} was run with ${settingText(flag, was)}, not ${valueText(now)}; resume with the same (or leave ${flag} out), or start a new run with another --out`,
      );
    }
  }
  const epochsBefore = Math.max(typeof m.epochs === 'number' ? m.epochs : 1, ...prior.records.map((r) => r.epoch ?? 1));
  if (task.epochs < epochsBefore) {
    throw new UserError(
      `--resume: ${p} holds ${epochsBefore} epochs; --epochs ${task.epochs} would drop answers: resume with --epochs ${epochsBefore} or more`,
    );
  }
  const foreign = prior.records.find((r) => !task.exam.byId.has(r.question_id));
  if (foreign) throw new UserError(`--resume: ${p} holds question ${foreign.question_id}, which is not in exam ${task.exam.id}`);
}
