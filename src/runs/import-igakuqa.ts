import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Exam } from '../exam/types.js';
import { IGAKUQA_EXAMS, igakuqaYear } from '../exam/sources/igakuqa.js';
import { ANSWER_MARKER } from '../prompt/prompt.js';
import { buildRecord } from '../scoring/record.js';
import { computeSummary, type Summary } from '../scoring/summary.js';
import { UserError } from '../util/errors.js';
import { HARNESS } from '../version.js';
import type { ResultFile, ResultRecord } from '../results/schema.js';

/**
 * Import IgakuQA's published baseline predictions
 * (`baseline_results/<year>/<exam>-<block>_<system>.jsonl`: `problem_id`,
 * `prediction` "a" or "a,c", `explanation`) as ordinary result files. Each
 * record keeps `【回答】<prediction>` as its raw response, so extraction and
 * scoring are exactly those of a new run, and `rescore` works on it.
 */

export const IGAKUQA_SYSTEM_NAMES: Readonly<Record<string, string>> = {
  gpt4: 'GPT-4 (IgakuQA)',
  chatgpt: 'ChatGPT (IgakuQA)',
  gpt3: 'GPT-3 (IgakuQA)',
  'student-majority': 'Student majority (IgakuQA)',
  'translate_chatgpt-en': 'ChatGPT via English translation (IgakuQA)',
};

/** The folder holding `<year>/…` prediction files: DIR itself, or DIR/baseline_results. */
export function baselineDir(dir: string): string {
  const root = resolve(dir);
  const nested = join(root, 'baseline_results');
  if (existsSync(nested)) return nested;
  if (existsSync(root) && readdirSync(root).some((n) => /^\d{4}$/.test(n))) return root;
  throw new UserError(`${dir} has no baseline_results/ (nor <year>/ folders); point it at an IgakuQA checkout or its baseline_results folder`);
}

/** The systems with predictions for an exam, from the file names. */
export function igakuqaSystems(dir: string, exam?: string): string[] {
  const base = baselineDir(dir);
  const found = new Set<string>();
  for (const e of exam ? [exam] : IGAKUQA_EXAMS) {
    const yearDir = join(base, String(igakuqaYear(e)));
    if (!existsSync(yearDir)) continue;
    for (const name of readdirSync(yearDir)) {
      const m = new RegExp(`^${e}-[A-F]_(.+)\\.jsonl$`).exec(name);
      if (m) found.add(m[1] as string);
    }
  }
  return [...found].sort();
}

interface Prediction {
  prediction: string;
  explanation: string | null;
  file: string;
}

function readPredictions(base: string, exam: string, system: string): Map<string, Prediction> {
  const year = igakuqaYear(exam);
  const out = new Map<string, Prediction>();
  for (const block of ['A', 'B', 'C', 'D', 'E', 'F']) {
    const rel = `${year}/${exam}-${block}_${system}.jsonl`;
    const file = join(base, rel);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      const known = igakuqaSystems(base, exam);
      throw new UserError(`no predictions ${rel} in ${base}${known.length ? `; systems available for ${exam}: ${known.join(', ')}` : ''}`);
    }
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch (e) {
        throw new UserError(`${rel} line ${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      const id = row['problem_id'];
      const pred = row['prediction'];
      if (typeof id !== 'string' || typeof pred !== 'string') {
        throw new UserError(`${rel} line ${i + 1}: expected "problem_id" and "prediction" strings`);
      }
      if (out.has(id)) throw new UserError(`${rel} line ${i + 1}: ${id} is predicted twice`);
      const expl = row['explanation'];
      out.set(id, { prediction: pred, explanation: typeof expl === 'string' ? expl : null, file: rel });
    });
  }
  return out;
}

export interface ImportOptions {
  /** An IgakuQA checkout (or its baseline_results folder). */
  readonly dir: string;
  readonly system: string;
  /** The loaded exam (112–116) to score against. */
  readonly exam: Exam;
  /** ISO time for the metadata (default: now). */
  readonly timestamp?: string;
}

export interface Imported {
  readonly file: ResultFile;
  readonly summary: Summary;
  /** Problems that did not stop the import (e.g. questions without a prediction). */
  readonly warnings: string[];
}

/** Build the result file for one system on one exam. Pure apart from reading the prediction files. */
export function importIgakuqa(opts: ImportOptions): Imported {
  const { exam, system } = opts;
  if (!(IGAKUQA_EXAMS as readonly string[]).includes(exam.id)) {
    throw new UserError(`IgakuQA has predictions for the ${IGAKUQA_EXAMS.join(', ')}th exams only, not ${exam.id}`);
  }
  if (!/^[\w.-]+$/.test(system)) throw new UserError(`--system "${system}" is not a system name (e.g. gpt4, chatgpt, student-majority)`);
  const base = baselineDir(opts.dir);
  const preds = readPredictions(base, exam.id, system);
  const warnings: string[] = [];
  const results: ResultRecord[] = [];
  for (const q of exam.questions) {
    const p = preds.get(q.id);
    if (!p) {
      warnings.push(`${q.id}: no prediction; recorded as an error`);
      results.push(buildRecord(q, { content: '', error: `no prediction for ${q.id} in the IgakuQA files` }));
      continue;
    }
    const reasoning = p.explanation !== null && p.explanation !== p.prediction ? p.explanation : undefined;
    results.push(buildRecord(q, { content: `${ANSWER_MARKER}${p.prediction}`, reasoning, error: null }));
  }
  for (const id of preds.keys()) if (!exam.byId.has(id)) warnings.push(`${id}: predicted but not a question of the ${exam.id}th; ignored`);

  const summary = computeSummary(results, exam);
  const file: ResultFile = {
    metadata: {
      model: `igakuqa/${system}`,
      base_url: null,
      timestamp: opts.timestamp ?? new Date().toISOString(),
      image_mode: 'blind',
      total_questions: exam.questions.length,
      attempted: results.length,
      skipped_image: 0,
      display_name: IGAKUQA_SYSTEM_NAMES[system] ?? `${system} (IgakuQA)`,
      exam: exam.id,
      dataset_version: exam.version,
      harness: { ...HARNESS },
      imported_from: {
        source: 'github.com/jungokasai/IgakuQA',
        system,
        files: `baseline_results/${igakuqaYear(exam.id)}/${exam.id}-[A-F]_${system}.jsonl`,
        note: 'published predictions; raw_response is 【回答】 + the prediction, reasoning is the published explanation',
      },
    },
    summary,
    results,
  };
  return { file, summary, warnings };
}

/** Output file name for an imported system: `igakuqa_<system>_<exam>.json`. */
export function importFileName(system: string, exam: string): string {
  return `igakuqa_${system}_${exam}.json`;
}
