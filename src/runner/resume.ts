import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Exam, ImageMode } from '../exam/types.js';
import { readResultFileSync } from '../results/io.js';
import type { Metadata, ResultRecord } from '../results/schema.js';
import { UserError } from '../util/errors.js';
import { journalPathFor, readJournal } from './journal.js';
import { isSuccessful } from '../scoring/record.js';

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
  /** One record per question: a successful one wherever any attempt succeeded, else the latest. */
  readonly records: ResultRecord[];
  readonly badJournalLines: number;
}

/** Later records win, except that a failure never replaces a success. */
export function mergeRecords(...lists: readonly (readonly ResultRecord[])[]): ResultRecord[] {
  const byId = new Map<string, ResultRecord>();
  for (const list of lists) {
    for (const r of list) {
      const old = byId.get(r.question_id);
      if (old && isSuccessful(old) && !isSuccessful(r)) continue;
      byId.set(r.question_id, r);
    }
  }
  return [...byId.values()];
}

/** `given` may be relative to `cwd`; messages use it as given. */
export function loadPriorRun(given: string, cwd = process.cwd()): PriorRun {
  const outPath = given.endsWith('.jsonl') ? given.slice(0, -'.jsonl'.length) : given;
  const journalPath = journalPathFor(outPath);
  const hasFile = existsSync(resolve(cwd, outPath));
  const hasJournal = existsSync(resolve(cwd, journalPath));
  if (!hasFile && !hasJournal) throw new UserError(`--resume: ${given} not found (neither ${outPath} nor ${journalPath} exists)`);
  const file = hasFile ? readResultFileSync(resolve(cwd, outPath)) : null;
  const journal = hasJournal ? readJournal(resolve(cwd, journalPath)) : null;
  const metadata = file?.metadata ?? journal?.metadata ?? null;
  if (!metadata) throw new UserError(`--resume: ${journalPath} has no readable header; cannot tell which model and dataset it belongs to`);
  return {
    given,
    outPath,
    metadata,
    records: mergeRecords(file?.results ?? [], journal?.records ?? []),
    badJournalLines: journal?.badLines ?? 0,
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

/** Refuse to mix runs: another model, exam, dataset version, image mode, extra body or seed. Says which. */
export function checkPriorRun(
  prior: PriorRun,
  want: { model: string; exam: Exam; imageMode: ImageMode; extraBody: Readonly<Record<string, unknown>> | null; seed?: number | null },
): void {
  const m = prior.metadata;
  const p = prior.given;
  if (m.model !== want.model) {
    throw new UserError(`--resume: ${p} is a run of model "${m.model}", not "${want.model}"; use --model ${m.model} or start a new run with another --out`);
  }
  if (m.exam && m.exam !== want.exam.id) {
    throw new UserError(`--resume: ${p} is a run of exam ${m.exam}, not ${want.exam.id}; pass --exam ${m.exam}`);
  }
  if (m.dataset_version && m.dataset_version !== want.exam.version) {
    throw new UserError(
      `--resume: ${p} was run on dataset version ${short(m.dataset_version)}, but the data is now version ${short(want.exam.version)}; start a new run (or \`jmle-bench rescore\` the old file)`,
    );
  }
  if (m.image_mode && m.image_mode !== want.imageMode) {
    throw new UserError(`--resume: ${p} was run with --image-mode ${m.image_mode}, not ${want.imageMode}; pass --image-mode ${m.image_mode}`);
  }
  if (canonical(m.extra_body) !== canonical(want.extraBody)) {
    throw new UserError(
      `--resume: ${p} was run with ${extraBodyText(m.extra_body)}, not ${extraBodyText(want.extraBody)}; answers of both would mix in one file: resume with the same (or leave --extra-body out), or start a new run with another --out`,
    );
  }
  // A seed the file recorded must stay the same (answers of two seeds would mix); a file without one takes any.
  if (typeof m.seed === 'number' && want.seed !== undefined && want.seed !== null && want.seed !== m.seed) {
    throw new UserError(
      `--resume: ${p} was run with --seed ${m.seed}, not ${want.seed}; resume with --seed ${m.seed} (or leave --seed out), or start a new run with another --out`,
    );
  }
  const foreign = prior.records.find((r) => !want.exam.byId.has(r.question_id));
  if (foreign) throw new UserError(`--resume: ${p} holds question ${foreign.question_id}, which is not in exam ${want.exam.id}`);
}
