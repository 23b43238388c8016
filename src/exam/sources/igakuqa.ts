import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDITIONS } from '../editions.js';
import { buildExam } from '../build.js';
import { keyFromTemplate, parseAnswerTemplate } from '../answer-template.js';
import { normaliseKinki } from '../kinki.js';
import { sha256Hex } from '../../util/builtin.js';
import { DatasetError } from '../../util/errors.js';
import type { DatasetIssue, Exam, Question } from '../types.js';

/**
 * The 112th–116th JMLE as published in jungokasai/IgakuQA:
 * `data/<year>/<exam>-<block>.jsonl` (questions) and `…_metadata.jsonl`
 * (禁忌肢, examinees' accuracy and choice breakdown). Ids are the source's own
 * ("116A1"). Images are not published: image questions are `requiresImage`
 * with no image files.
 */

export const IGAKUQA_SOURCE = 'igakuqa';
export const IGAKUQA_EXAMS = ['112', '113', '114', '115', '116'] as const;
const BLOCKS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/** Calendar year of an IgakuQA exam (the folder name): 112 → 2018. */
export function igakuqaYear(exam: string): number {
  return Number(exam) + 1906;
}

/**
 * Official exceptions to the printed key, as data. Each is applied visibly
 * (listed in `exam.issues`) and checked against the data it applies to.
 * - 112B30: MHLW accepted a or d; IgakuQA writes the key "a or d".
 * - 116A71: MHLW counted it correct for every examinee (IgakuQA's evaluate script does the same).
 */
export interface AnswerException {
  /** Alternatives each scored correct; omitted = the key as written. */
  readonly accepted?: readonly (readonly string[])[];
  readonly allCorrect?: boolean;
  readonly reason: string;
}

export const IGAKUQA_EXCEPTIONS: Readonly<Record<string, AnswerException>> = {
  '112B30': { accepted: [['a'], ['d']], reason: 'official key accepts a or d (written "a or d" in the source)' },
  '116A71': { allCorrect: true, reason: 'counted correct for every examinee by MHLW' },
};

type Raw = Record<string, unknown>;

function readJsonl(file: string, rel: string, exam: string): { rows: Raw[]; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DatasetError(
      `${file} is missing; run \`jmle-bench dataset pull --exam ${exam}\` or point --data-dir at a data root containing ${IGAKUQA_SOURCE}/`,
    );
  }
  const rows: Raw[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v: unknown = JSON.parse(line);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      rows.push(v as Raw);
    } catch (e) {
      throw new DatasetError(
        `IgakuQA ${exam}: ${rel} line ${i + 1}: not a JSON object (${(e as Error).message}); run \`jmle-bench dataset pull --exam ${exam}\` to fetch a fresh copy`,
      );
    }
  });
  return { rows, text };
}

/** Letters a, b, c… for n choices. */
export function choiceLetters(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
}

/** The prompt text in the 120th's layout: the stem, then one "a　…" line per choice, blank lines between. */
export function questionText(stem: string, choices: readonly string[]): string {
  const lines = choices.map((c, i) => {
    const letter = String.fromCharCode(97 + i);
    const t = c.trim();
    // Table questions (e.g. 113F83) print the rows in the stem; their choices are just the letter.
    const bare = t === '' || t.normalize('NFKC').toLowerCase() === letter;
    return bare ? letter : `${letter}\u3000${t}`;
  });
  return [stem.trim(), ...lines].join('\n\n');
}

/** The number of choices the stem asks for ("2つ選べ" → 2), if it says. */
export function selectCountInStem(stem: string): number | undefined {
  const m = /([1-9１-９])つ選べ/u.exec(stem);
  return m ? Number((m[1] as string).normalize('NFKC')) : undefined;
}

function percent(v: unknown): number | undefined {
  // toFixed: "1.8" → 0.018, not 0.018000000000000002.
  if (typeof v === 'number' && Number.isFinite(v)) return Number((v / 100).toFixed(6));
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number((Number(v) / 100).toFixed(6));
  return undefined;
}

/** sha256 over (path, sha256 of contents) of each file in order: the dataset version. */
export function combinedVersion(files: readonly { rel: string; text: string }[]): string {
  return sha256Hex(files.map((f) => `${f.rel}\n${sha256Hex(f.text)}\n`).join(''));
}

/** Load one IgakuQA exam (112–116) from the source folder (`<root>/igakuqa`). */
export function loadIgakuqa(dir: string, exam: string): Exam {
  const rules = EDITIONS[exam];
  if (!rules || !(IGAKUQA_EXAMS as readonly string[]).includes(exam)) throw new Error(`IgakuQA has no exam ${exam}`);
  const year = igakuqaYear(exam);
  const problems: string[] = [];
  const issues: DatasetIssue[] = [];
  const questions: Question[] = [];
  const files: { rel: string; text: string }[] = [];

  for (const block of BLOCKS) {
    const qRel = `data/${year}/${exam}-${block}.jsonl`;
    const mRel = `data/${year}/${exam}-${block}_metadata.jsonl`;
    const q = readJsonl(join(dir, qRel), qRel, exam);
    const m = readJsonl(join(dir, mRel), mRel, exam);
    files.push({ rel: qRel, text: q.text }, { rel: mRel, text: m.text });
    const meta = new Map<string, Raw>();
    for (const row of m.rows) if (typeof row['problem_id'] === 'string') meta.set(row['problem_id'], row);

    for (const row of q.rows) {
      const id = typeof row['problem_id'] === 'string' ? row['problem_id'] : '';
      const fail = (msg: string) => problems.push(`${qRel}: ${id || '(no problem_id)'}: ${msg}`);
      const idm = /^(\d{3})([A-F])(\d+)$/.exec(id);
      if (!idm || idm[1] !== exam || idm[2] !== block) {
        fail(`problem_id is not "${exam}${block}<number>"`);
        continue;
      }
      const number = Number(idm[3]);
      const stem = row['problem_text'];
      const rawChoices = row['choices'];
      const rawAnswer = row['answer'];
      if (typeof stem !== 'string' || !stem.trim()) fail('problem_text is missing or empty');
      if (!Array.isArray(rawChoices) || !rawChoices.every((c) => typeof c === 'string')) fail('choices is not a list of strings');
      if (!Array.isArray(rawAnswer) || rawAnswer.length === 0 || !rawAnswer.every((a) => typeof a === 'string'))
        fail('answer is not a non-empty list of strings');
      if (typeof row['text_only'] !== 'boolean') fail('text_only is not true/false');
      const pointsRaw = row['points'];
      const points = typeof pointsRaw === 'number' ? pointsRaw : typeof pointsRaw === 'string' && /^\d+$/.test(pointsRaw) ? Number(pointsRaw) : NaN;
      if (!Number.isInteger(points) || points < 0) fail(`points ${JSON.stringify(pointsRaw)} is not a whole number`);
      if (typeof stem !== 'string' || !Array.isArray(rawChoices) || !Array.isArray(rawAnswer) || !Number.isInteger(points)) continue;

      const choicesText = rawChoices as string[];
      const answerRaw = (rawAnswer as string[]).map((a) => a.normalize('NFKC').trim().toLowerCase());
      const letters = choiceLetters(choicesText.length);
      const isCalc = choicesText.length === 0;
      const exception = IGAKUQA_EXCEPTIONS[id];

      let answer: string[];
      let accepted: string[][];
      let answerTemplate: Question['answerTemplate'];
      if (isCalc) {
        if (answerRaw.length !== 1) {
          fail(`calculation answer ${JSON.stringify(rawAnswer)} is not one number`);
          continue;
        }
        const tpl = parseAnswerTemplate(stem);
        const conv = keyFromTemplate(answerRaw[0] as string, tpl);
        if (!conv.ok) {
          fail(conv.reason);
          continue;
        }
        if (tpl) answerTemplate = tpl.template;
        else
          issues.push({
            questionId: id,
            kind: 'other',
            message: `${id}: calculation question without an answer template; key "${conv.value}" compared as written`,
          });
        answer = [conv.value];
        accepted = [answer];
      } else {
        // "a or d": alternatives, each scored correct.
        const alternatives = answerRaw.length === 1 && / or /.test(answerRaw[0] as string) ? (answerRaw[0] as string).split(/\s+or\s+/).map((a) => [a]) : null;
        const all = alternatives ? alternatives.flat() : answerRaw;
        const bad = all.filter((a) => !letters.includes(a));
        if (bad.length > 0) {
          fail(`answer ${JSON.stringify(rawAnswer)} is not among the choices ${letters.join(',')}`);
          continue;
        }
        if (alternatives) {
          answer = alternatives[0] as string[];
          accepted = alternatives;
          if (!exception?.accepted) fail(`answer ${JSON.stringify(rawAnswer)} lists alternatives but no exception documents it`);
        } else {
          answer = [...new Set(answerRaw)].sort();
          accepted = [answer];
        }
      }
      if (exception?.accepted) {
        const written = JSON.stringify(accepted);
        accepted = exception.accepted.map((a) => [...a]);
        answer = accepted[0] as string[];
        if (written !== JSON.stringify(accepted)) {
          issues.push({ questionId: id, kind: 'other', message: `${id}: key ${JSON.stringify(rawAnswer)} overridden by the official exception` });
        }
      }
      if (exception) issues.push({ questionId: id, kind: 'other', message: `${id}: ${exception.reason}` });
      if (points === 0)
        issues.push({
          questionId: id,
          kind: 'other',
          message: `${id}: excluded from scoring by MHLW (0 points in the source); not counted in score, maxima or accuracy`,
        });

      const selectCount = answer.length;
      const stated = selectCountInStem(stem) ?? 1;
      if (!isCalc && !exception?.accepted && stated !== selectCount) {
        issues.push({ questionId: id, kind: 'broken-question', message: `${id}: the stem asks for ${stated} choice(s) but the key has ${selectCount}` });
      }

      // Metadata: 禁忌肢, examinees.
      const md = meta.get(id);
      let kinki: string[] | undefined;
      let humanAccuracy: number | undefined;
      let breakdown: Record<string, number> | undefined;
      if (!md) {
        issues.push({ questionId: id, kind: 'other', message: `${id}: no metadata row (禁忌肢 unknown)` });
      } else {
        // 禁忌肢 come from the metadata file: name that file.
        const failMeta = (msg: string) => problems.push(`${mRel}: ${id}: ${msg}`);
        const k = normaliseKinki(md['kinki']);
        if (!k.ok) failMeta(k.reason);
        else {
          const outside = k.letters.filter((l) => !letters.includes(l));
          if (outside.length > 0) failMeta(`kinki ${outside.join(',')} is not among the choices`);
          kinki = k.letters;
        }
        humanAccuracy = percent(md['human_accuracy']);
        const bd = md['breakdown'];
        if (Array.isArray(bd) && bd.length === letters.length && bd.length > 0) {
          const shares = bd.map(percent);
          if (shares.every((s) => s !== undefined)) breakdown = Object.fromEntries(letters.map((l, i) => [l, shares[i] as number]));
        }
      }

      questions.push({
        id,
        exam,
        block,
        number,
        type: isCalc ? 'calculation' : 'multiple_choice',
        text: questionText(stem, choicesText),
        choices: isCalc ? [] : letters,
        images: [],
        requiresImage: row['text_only'] === false,
        selectCount,
        answer,
        accepted,
        allCorrect: exception?.allCorrect === true,
        points,
        required: rules.requiredBlocks.includes(block),
        ...(kinki !== undefined ? { kinki } : {}),
        ...(humanAccuracy !== undefined ? { humanAccuracy } : {}),
        ...(breakdown !== undefined ? { breakdown } : {}),
        ...(answerTemplate !== undefined ? { answerTemplate } : {}),
      });
    }
    for (const id of meta.keys()) {
      if (!q.rows.some((r) => r['problem_id'] === id))
        issues.push({ questionId: id, kind: 'other', message: `${mRel}: metadata for ${id}, which is not a question` });
    }
  }

  const seen = new Set<string>();
  for (const q of questions) {
    if (seen.has(q.id)) problems.push(`${q.id}: appears more than once`);
    seen.add(q.id);
  }
  for (const id of Object.keys(IGAKUQA_EXCEPTIONS)) {
    if (id.startsWith(exam) && !seen.has(id)) problems.push(`${id}: listed in the exceptions table but not in the data`);
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new DatasetError(`IgakuQA ${exam}: ${problems[0]}${more}`, problems);
  }
  const noImage = questions.filter((q) => q.requiresImage).length;
  if (noImage > 0) {
    issues.push({
      kind: 'missing-image',
      message: `${noImage} image question(s): IgakuQA publishes no images; they run text-only (--image-mode blind) or are skipped`,
    });
  }
  return buildExam({ id: exam, rules, questions, version: () => combinedVersion(files), dir, issues });
}
