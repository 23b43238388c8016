import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDITIONS, pointsByPosition } from '../editions.js';
import { choiceLettersInText, describeLetters } from '../choices.js';
import { sha256Hex } from '../../util/builtin.js';
import { DatasetError } from '../../util/errors.js';
import type { Exam, Question, QuestionType } from '../types.js';
import { buildExam, missingImageIssues } from '../build.js';
import { preparedQuestions, type PreparedStore } from '../prepared.js';

/** The 120th JMLE as published in naoto-iwase/JMLE2026-Bench. */
export const JMLE2026_SOURCE = 'jmle2026';
export const JMLE2026_DATASET_FILE = 'jmle2026_dataset.json';

const QUESTION_TYPES: readonly QuestionType[] = ['multiple_choice', 'calculation'];

type Raw = Record<string, unknown>;

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const rulesOf120 = () => {
  const rules = EDITIONS['120'];
  if (!rules) throw new Error('rules for the 120th are missing');
  return rules;
};

/** Parse and validate the dataset JSON; every problem names the question and the field. */
export function parseJmle2026(text: string, dir: string): Exam {
  return examOf(checkJmle2026(text), dir, () => sha256Hex(text));
}

/** The exam of questions read from `dir`'s dataset (its images checked now: they can change between runs). */
function examOf(questions: readonly Question[], dir: string, version: string | (() => string)): Exam {
  const imageDir = join(dir, 'images');
  const issues = missingImageIssues(questions, imageDir);
  return buildExam({ id: '120', rules: rulesOf120(), questions, version, dir, imageDir, issues });
}

/** The dataset JSON → its questions, every one checked; a problem throws a `DatasetError` naming the question and the field. */
function checkJmle2026(text: string): Question[] {
  const rules = rulesOf120();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${JMLE2026_DATASET_FILE}: not valid JSON (${(e as Error).message}); run \`jmle-bench dataset pull\` to fetch a fresh copy`);
  }
  if (!Array.isArray(data)) {
    throw new DatasetError(
      `${JMLE2026_DATASET_FILE}: expected a JSON array of questions, got ${data === null ? 'null' : typeof data}; run \`jmle-bench dataset pull\` to fetch a fresh copy`,
    );
  }

  const problems: string[] = [];
  const questions: Question[] = [];
  const seen = new Set<string>();

  data.forEach((entry: unknown, index: number) => {
    const where = (id: unknown) => (typeof id === 'string' && id ? id : `question #${index + 1}`);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`question #${index + 1}: not an object`);
      return;
    }
    const e = entry as Raw;
    const id = where(e['question_id']);
    const before = problems.length;
    const fail = (msg: string) => problems.push(`${id}: ${msg}`);

    if (typeof e['question_id'] !== 'string' || !e['question_id']) fail('question_id is missing or not a string');
    const block = e['block'];
    if (typeof block !== 'string' || !rules.blocks.includes(block)) fail(`block ${JSON.stringify(block)} is not one of ${rules.blocks.join(', ')}`);
    const number = e['number'];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) fail(`number ${JSON.stringify(number)} is not a positive integer`);
    if (typeof e['question_id'] === 'string' && typeof block === 'string' && typeof number === 'number') {
      const expected = `120${block}-${number}`;
      if (e['question_id'] !== expected) fail(`question_id does not match block and number (expected "${expected}")`);
    }
    const type = e['question_type'];
    if (typeof type !== 'string' || !QUESTION_TYPES.includes(type as QuestionType))
      fail(`question_type ${JSON.stringify(type)} is not one of ${QUESTION_TYPES.join(', ')}`);
    const text = e['question_text'];
    if (typeof text !== 'string' || !text.trim()) fail('question_text is missing or empty');
    const images = e['clinical_images'];
    if (!isStringArray(images)) fail('clinical_images is not a list of file names');
    else {
      // Names are read from images/ in vision mode: a path could read (and send) any file.
      const bad = images.find((f) => !/^[^/\\]+$/.test(f) || f === '.' || f === '..');
      if (bad !== undefined) fail(`clinical_images ${JSON.stringify(bad)} is not a plain file name in images/`);
    }
    const requiresImage = e['requires_image'];
    if (typeof requiresImage !== 'boolean') fail('requires_image is not true/false');
    const select = e['num_choices_to_select'];
    if (typeof select !== 'number' || !Number.isInteger(select) || select < 1)
      fail(`num_choices_to_select ${JSON.stringify(select)} is not a positive integer`);
    const answer = e['answer'];
    if (!isStringArray(answer) || answer.length === 0) fail('answer is missing or not a non-empty list of strings');

    const choices = typeof text === 'string' && type === 'multiple_choice' ? choiceLettersInText(text) : [];
    if (type === 'multiple_choice' && typeof text === 'string' && choices.length < 2) fail('question_text has no choices "a　…" to "e　…"');
    if (isStringArray(answer) && answer.length > 0) {
      if (type === 'multiple_choice') {
        for (const a of answer) {
          if (!choices.includes(a)) fail(`answer "${a}" is not among the choices ${describeLetters(choices)}`);
        }
        if (new Set(answer).size !== answer.length) fail(`answer lists a choice twice (${answer.join(',')})`);
        if (typeof select === 'number' && answer.length !== select && problems.length === before) {
          fail(`answer has ${answer.length} choice(s) but num_choices_to_select is ${select}`);
        }
        if (typeof select === 'number' && select > choices.length && choices.length > 0)
          fail(`num_choices_to_select ${select} exceeds the ${choices.length} choices`);
      } else if (type === 'calculation') {
        if (answer.length !== 1 || !/^\d+(\.\d+)?$/.test(answer[0] ?? '')) fail(`answer ${JSON.stringify(answer)} is not one numeric string`);
      }
    }
    if (typeof e['question_id'] === 'string') {
      if (seen.has(e['question_id'])) fail('question_id appears more than once');
      seen.add(e['question_id']);
    }

    let serial: Question['serial'];
    const sg = e['serial_group'];
    if (sg !== undefined && sg !== null) {
      const s = sg as Raw;
      if (typeof sg !== 'object' || Array.isArray(sg)) fail('serial_group is not an object');
      else if (typeof s['group_id'] !== 'string') fail('serial_group.group_id is missing');
      else if (!isStringArray(s['questions']) || !s['questions'].includes(id)) fail('serial_group.questions does not list this question');
      else if (typeof s['context_text'] !== 'string') fail('serial_group.context_text is missing');
      else serial = { groupId: s['group_id'], questions: s['questions'], context: s['context_text'] };
    }
    if (problems.length !== before) return;

    const blk = block as string;
    const num = number as number;
    const ans = [...(answer as string[])].sort();
    questions.push({
      id,
      exam: '120',
      block: blk,
      number: num,
      type: type as QuestionType,
      text: text as string,
      choices,
      images: images as string[],
      requiresImage: requiresImage as boolean,
      selectCount: select as number,
      answer: type === 'calculation' ? (answer as string[]) : ans,
      accepted: [type === 'calculation' ? (answer as string[]) : ans],
      allCorrect: false,
      points: pointsByPosition(rules, blk, num),
      required: rules.requiredBlocks.includes(blk),
      ...(serial ? { serial } : {}),
    });
  });

  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new DatasetError(`${JMLE2026_DATASET_FILE}: ${problems[0]}${more}`, problems);
  }

  return questions;
}

/**
 * The 120th from `dir`. With a store of prepared questions (the CLI's), a
 * dataset whose questions the store holds is neither decoded nor parsed nor
 * checked again, and its version not hashed again (exam/prepared.ts).
 */
export function loadJmle2026(dir: string, prepared: PreparedStore | null = null): Exam {
  const file = join(dir, JMLE2026_DATASET_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new DatasetError(`${file} is missing; run \`jmle-bench dataset pull\` or point --data-dir at a data root containing ${JMLE2026_SOURCE}/`);
  }
  if (!prepared) return parseJmle2026(bytes.toString('utf8'), dir);
  const { questions, version } = preparedQuestions(prepared, JMLE2026_SOURCE, bytes, () => checkJmle2026(bytes.toString('utf8')));
  return examOf(questions, dir, version);
}
