import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDITIONS, pointsByPosition } from '../editions.js';
import { buildExam, missingImageIssues } from '../build.js';
import { keyFromTemplate, parseAnswerTemplate } from '../answer-template.js';
import { DatasetError } from '../../util/errors.js';
import type { DatasetIssue, Exam, Question } from '../types.js';
import { choiceLetters, combinedVersion, questionText, selectCountInStem } from './igakuqa.js';

/**
 * The 119th JMLE as published in docto-rin/IgakuQA119:
 * `questions/119<block>_json.json` (`number`, `question`, `choices` "a. …",
 * `has_image`) and `results/correct_answers.csv` (`問題番号,解答`). Points by position
 * (B/E 26–50 = 3); 禁忌肢 are not disclosed (undefined, reported "unknown").
 *
 * The source has known defects. Each is repaired only where the intent is
 * certain, and every repair is listed in `exam.issues` (shown by `dataset info`):
 * - choices printed inside the stem with an empty `choices` list (119E45, 119E48);
 * - two choices run together in one entry (119A22, 119C5, 119C19), see CHOICE_REPAIRS;
 * - `has_image` that disagrees with the image files (119C15, 119C22, 119C67).
 */

export const IGAKUQA119_SOURCE = 'igakuqa119';
const EXAM = '119';
const BLOCKS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Upstream keeps the answer key under `results/`; the local layout is upstream's. */
export const IGAKUQA119_ANSWERS_FILE = 'results/correct_answers.csv';
export const IGAKUQA119_MANIFEST = 'images-manifest.tsv';

/**
 * Choice entries in which two choices were merged upstream, as data: entry
 * `index` (0-based, in the source's list) is split at character `at`, dropping
 * `skip` characters (the mangled label) between the two parts. `length` guards
 * the repair: it applies only to the exact text it was written for.
 */
export interface ChoiceRepair {
  readonly index: number;
  readonly at: number;
  readonly skip: number;
  readonly length: number;
  readonly reason: string;
}

export const CHOICE_REPAIRS: Readonly<Record<string, ChoiceRepair>> = {
  '119A22': { index: 2, at: 6, skip: 1, length: 15, reason: 'choices c and d merged into one entry ("…d…"); split at the stray label' },
  '119C5': { index: 3, at: 5, skip: 0, length: 10, reason: 'choices d and e merged into one entry (label e lost); split where e begins' },
  '119C19': { index: 1, at: 9, skip: 1, length: 19, reason: 'choices b and c merged into one entry (label c printed as "0"); split at the stray label' },
};

/**
 * Keys that accept alternatives, as data. 119E28 asks for one vein ("最も適切な")
 * but the key lists "ac": each of a and c is accepted (as MHLW's "a or c").
 */
export const IGAKUQA119_EXCEPTIONS: Readonly<Record<string, { readonly accepted: readonly (readonly string[])[]; readonly reason: string }>> = {
  '119E28': { accepted: [['a'], ['c']], reason: 'single-answer question whose key lists a and c: either is accepted' },
};

function sourceFile(dir: string, rel: string): string {
  const file = join(dir, rel);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new DatasetError(
      `${file} is missing; run \`jmle-bench dataset pull --exam 119\` or point --data-dir at a data root containing ${IGAKUQA119_SOURCE}/`,
    );
  }
}

/** `問題番号,解答` → id → answer string. */
export function parseAnswerCsv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim() || (i === 0 && line.startsWith('問題番号'))) return;
      const [id, ans] = line.split(',').map((s) => s.trim());
      if (id && ans !== undefined) out.set(id, ans);
    });
  return out;
}

/** Strip the "a. " label of a source choice; returns the label (lower-case) and the text. */
function splitLabel(choice: string): { label: string | null; text: string } {
  const m = /^\s*([a-zA-Z])\s*[.．]\s*/u.exec(choice);
  if (!m) return { label: null, text: choice.trim() };
  return { label: (m[1] as string).toLowerCase(), text: choice.slice(m[0].length).trim() };
}

/** Choices printed at the end of the stem ("… a「…」 b「…」 … e「…」" or "aアトロピン bジアゼパム Cフロセミド …"). */
export function choicesInStem(stem: string): { stem: string; choices: string[] } | null {
  const re = /\s[aａ]\s*(\S[^\n]*?)\s+[bｂB]\s*(\S[^\n]*?)\s+[cｃC]\s*(\S[^\n]*?)\s+[dｄD]\s*(\S[^\n]*?)\s+[eｅE]\s*(\S[^\n]*?)\s*$/u;
  const m = re.exec(stem);
  if (!m) return null;
  return { stem: stem.slice(0, m.index), choices: m.slice(1, 6) };
}

/** Image files per question id, from the manifest (or the images folder when there is no manifest). */
function imageFiles(dir: string): { byId: Map<string, string[]>; listed: boolean } {
  const byId = new Map<string, string[]>();
  const add = (name: string) => {
    const m = /^(119[A-F]\d+)(?:-\d+)?\.(png|jpe?g|gif)$/i.exec(name);
    if (!m) return;
    const list = byId.get(m[1] as string) ?? [];
    list.push(name);
    byId.set(m[1] as string, list);
  };
  const manifest = join(dir, IGAKUQA119_MANIFEST);
  if (existsSync(manifest)) {
    for (const line of readFileSync(manifest, 'utf8').split(/\r?\n/)) {
      const path = line.split('\t')[0]?.trim();
      if (path?.startsWith('images/')) add(path.slice('images/'.length));
    }
    return { byId, listed: true };
  }
  const imgDir = join(dir, 'images');
  if (existsSync(imgDir)) for (const name of readdirSync(imgDir)) add(name);
  return { byId, listed: existsSync(imgDir) };
}

export function loadIgakuqa119(dir: string): Exam {
  const rules = EDITIONS[EXAM];
  if (!rules) throw new Error('rules for the 119th are missing');
  const files: { rel: string; text: string }[] = [];
  const problems: string[] = [];
  const issues: DatasetIssue[] = [];
  const questions: Question[] = [];

  const answersText = sourceFile(dir, IGAKUQA119_ANSWERS_FILE);
  const answers = parseAnswerCsv(answersText);
  const images = imageFiles(dir);
  const imageDir = join(dir, 'images');

  for (const block of BLOCKS) {
    const rel = `questions/119${block}_json.json`;
    const text = sourceFile(dir, rel);
    files.push({ rel, text });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new DatasetError(`${rel}: not valid JSON (${(e as Error).message}); run \`jmle-bench dataset pull --exam 119\``);
    }
    if (!Array.isArray(data)) throw new DatasetError(`${rel}: expected a JSON array of questions`);

    for (const entry of data as unknown[]) {
      const e = (entry ?? {}) as Record<string, unknown>;
      const id = typeof e['number'] === 'string' ? e['number'] : '';
      const fail = (msg: string) => problems.push(`${rel}: ${id || '(no number)'}: ${msg}`);
      const idm = /^119([A-F])(\d+)$/.exec(id);
      if (!idm || idm[1] !== block) {
        fail(`number is not "119${block}<n>"`);
        continue;
      }
      const number = Number(idm[2]);
      const rawStem = e['question'];
      const rawChoices = e['choices'];
      const hasImage = e['has_image'];
      if (typeof rawStem !== 'string') fail('question is not a string');
      else if (!rawStem.trim()) {
        // 119C18: the stem is empty upstream. Kept in scoring so the maxima stay official; the model sees only the choices.
        issues.push({
          questionId: id,
          kind: 'broken-question',
          message: `${id}: the question text is empty in the source; kept in scoring (the model sees only the choices)`,
        });
      }
      if (!Array.isArray(rawChoices) || !rawChoices.every((c) => typeof c === 'string')) fail('choices is not a list of strings');
      if (typeof hasImage !== 'boolean') fail('has_image is not true/false');
      const key = answers.get(id);
      if (key === undefined || key === '') fail(`no answer in ${IGAKUQA119_ANSWERS_FILE}`);
      if (typeof rawStem !== 'string' || !Array.isArray(rawChoices) || key === undefined) continue;

      const keyNorm = key.normalize('NFKC').trim().toLowerCase();
      const isCalc = /^\d+(\.\d+)?$/.test(keyNorm);
      let stem = rawStem;
      // The first question of some blocks carries the block label in its text ("119C健康日本21…"): not part of the question.
      const label = `119${id.charAt(3)}`;
      if (stem.startsWith(label) && !/^\d/.test(stem.slice(label.length))) {
        stem = stem.slice(label.length);
        issues.push({ questionId: id, kind: 'other', message: `${id}: the source's question text starts with the block label "${label}"; removed` });
      }
      let choiceTexts: string[] = [];
      if (!isCalc) {
        const parsed = (rawChoices as string[]).map(splitLabel);
        choiceTexts = parsed.map((p) => p.text);
        const repair = CHOICE_REPAIRS[id];
        if (parsed.length === 0) {
          const found = choicesInStem(stem);
          if (found) {
            stem = found.stem;
            choiceTexts = found.choices;
            issues.push({
              questionId: id,
              kind: 'broken-question',
              message: `${id}: the source's choices list is empty; the choices a–e were read from the end of the question text`,
            });
          } else {
            issues.push({ questionId: id, kind: 'broken-question', message: `${id}: the source has no choices; excluded from scoring (0 points)` });
          }
        } else if (repair) {
          const merged = choiceTexts[repair.index];
          if (parsed.length === 4 && merged !== undefined && [...merged].length === repair.length) {
            const chars = [...merged];
            choiceTexts.splice(repair.index, 1, chars.slice(0, repair.at).join(''), chars.slice(repair.at + repair.skip).join(''));
            issues.push({ questionId: id, kind: 'broken-question', message: `${id}: ${repair.reason}` });
          } else {
            issues.push({
              questionId: id,
              kind: 'other',
              message: `${id}: the choice repair no longer matches the source (fixed upstream?); choices used as published`,
            });
          }
        }
        const labels = parsed.map((p) => p.label);
        const expected = choiceLetters(parsed.length);
        if (!repair && parsed.length > 0 && labels.some((l, i) => l !== expected[i])) {
          issues.push({
            questionId: id,
            kind: 'broken-question',
            message: `${id}: choice labels ${labels.map((l) => l ?? '?').join(',')} are not a, b, c… in order`,
          });
        }
      }

      const letters = choiceLetters(choiceTexts.length);
      let answer: string[];
      let accepted: string[][] | null = null;
      let answerTemplate: Question['answerTemplate'];
      let broken = false;
      if (isCalc) {
        const tpl = parseAnswerTemplate(rawStem);
        const conv = keyFromTemplate(keyNorm, tpl);
        if (!conv.ok) {
          fail(conv.reason);
          continue;
        }
        if (tpl) answerTemplate = tpl.template;
        answer = [conv.value];
      } else {
        answer = [...new Set(keyNorm.replace(/[\s,、]/g, ''))].sort();
        if (!answer.every((a) => /^[a-z]$/.test(a))) {
          fail(`answer "${key}" is not choice letters`);
          continue;
        }
        if (letters.length === 0) broken = true;
        else {
          const outside = answer.filter((a) => !letters.includes(a));
          if (outside.length > 0) {
            issues.push({
              questionId: id,
              kind: 'broken-question',
              message: `${id}: answer ${answer.join(',')} is not among the choices ${letters.join(',')}; excluded from scoring (0 points)`,
            });
            broken = true;
          }
        }
        const stated = selectCountInStem(rawStem) ?? 1;
        const exception = IGAKUQA119_EXCEPTIONS[id];
        if (exception) {
          const letters2 = exception.accepted.flat();
          if (JSON.stringify([...letters2].sort()) !== JSON.stringify(answer)) {
            issues.push({
              questionId: id,
              kind: 'other',
              message: `${id}: the exception (${exception.reason}) no longer matches the key "${key}"; key used as published`,
            });
          } else {
            accepted = exception.accepted.map((a) => [...a]);
            answer = accepted[0] as string[];
            issues.push({ questionId: id, kind: 'other', message: `${id}: ${exception.reason}` });
          }
        } else if (stated !== answer.length) {
          issues.push({
            questionId: id,
            kind: 'broken-question',
            message: `${id}: the stem asks for ${stated} choice(s) but the key has ${answer.length}; key used as published`,
          });
        }
      }

      const files119 = images.byId.get(id) ?? [];
      if (images.listed && hasImage === true && files119.length === 0) {
        issues.push({
          questionId: id,
          kind: 'image-flag-mismatch',
          message: `${id}: has_image is true but the source has no image file for it; runs text-only (requires_image kept)`,
        });
      }
      if (hasImage === false && files119.length > 0) {
        issues.push({
          questionId: id,
          kind: 'image-flag-mismatch',
          message: `${id}: has_image is false but the source has ${files119.join(', ')}; treated as an image question`,
        });
      }

      questions.push({
        id,
        exam: EXAM,
        block,
        number,
        type: isCalc ? 'calculation' : 'multiple_choice',
        text: questionText(stem, choiceTexts),
        choices: isCalc ? [] : letters,
        images: files119,
        requiresImage: hasImage === true || files119.length > 0,
        selectCount: answer.length,
        answer,
        accepted: accepted ?? [answer],
        allCorrect: false,
        points: broken ? 0 : pointsByPosition(rules, block, number),
        required: rules.requiredBlocks.includes(block),
        ...(answerTemplate !== undefined ? { answerTemplate } : {}),
      });
    }
  }

  const seen = new Set<string>();
  for (const q of questions) {
    if (seen.has(q.id)) problems.push(`${q.id}: appears more than once`);
    seen.add(q.id);
  }
  for (const id of answers.keys())
    if (!seen.has(id)) issues.push({ questionId: id, kind: 'other', message: `${IGAKUQA119_ANSWERS_FILE}: answer for ${id}, which is not a question` });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new DatasetError(`IgakuQA119: ${problems[0]}${more}`, problems);
  }

  const referenced = questions.flatMap((q) => q.images);
  if (referenced.length > 0) {
    if (!existsSync(imageDir)) {
      issues.push({
        kind: 'missing-image',
        message: `images/ is missing (${referenced.length} images listed); run \`jmle-bench dataset pull --exam 119\` for --image-mode vision`,
      });
    } else {
      issues.push(...missingImageIssues(questions, imageDir));
    }
  }
  // Hashed under its former root path, so the dataset version (the content) did not change when the layout followed upstream's.
  files.push({ rel: 'correct_answers.csv', text: answersText });
  return buildExam({ id: EXAM, rules, questions, version: () => combinedVersion(files), dir, imageDir, issues });
}
