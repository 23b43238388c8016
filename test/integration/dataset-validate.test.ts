import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJmle2026 } from '../../src/exam/sources/jmle2026.js';
import { DatasetError } from '../../src/util/errors.js';
import { JMLE2026_DIR } from '../helpers/data.js';

const realText = readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8');
type Entry = Record<string, unknown>;
const real = (): Entry[] => JSON.parse(realText) as Entry[];

/** Break one field of one question and return the validator's first problem. */
function problemWith(mutate: (entries: Entry[]) => void): string {
  const entries = real();
  mutate(entries);
  try {
    parseJmle2026(JSON.stringify(entries), JMLE2026_DIR);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as DatasetError).problems[0] ?? (e as Error).message;
  }
  throw new Error('expected a DatasetError');
}

const find = (entries: Entry[], id: string) => entries.find((e) => e['question_id'] === id) as Entry;

describe('dataset validator', () => {
  it('accepts the real dataset', () => {
    const exam = parseJmle2026(realText, JMLE2026_DIR);
    expect(exam.questions).toHaveLength(400);
    expect(exam.issues).toEqual([]);
    expect(exam.version).toMatch(/^[0-9a-f]{64}$/);
  });
  it('an answer outside the choices names the question and the field', () => {
    expect(problemWith((es) => (find(es, '120C-12')['answer'] = ['f']))).toBe('120C-12: answer "f" is not among the choices a–e');
  });
  it('the message of the error is one line with the first problem and the count', () => {
    const es = real();
    find(es, '120C-12')['answer'] = ['f'];
    find(es, '120A-3')['block'] = 'Z';
    expect(() => parseJmle2026(JSON.stringify(es), JMLE2026_DIR)).toThrow(
      /^jmle2026_dataset\.json: 120A-3: block "Z" is not one of A, B, C, D, E, F \(and 2 more problems\)$/,
    );
  });
  it.each([
    ['block', (e: Entry) => (e['block'] = 'G'), '120A-5: block "G" is not one of A, B, C, D, E, F'],
    ['number', (e: Entry) => (e['number'] = 0), '120A-5: number 0 is not a positive integer'],
    ['question_type', (e: Entry) => (e['question_type'] = 'essay'), '120A-5: question_type "essay" is not one of multiple_choice, calculation'],
    ['question_text', (e: Entry) => (e['question_text'] = ''), '120A-5: question_text is missing or empty'],
    ['clinical_images', (e: Entry) => (e['clinical_images'] = 'x.png'), '120A-5: clinical_images is not a list of file names'],
    ['requires_image', (e: Entry) => (e['requires_image'] = 'yes'), '120A-5: requires_image is not true/false'],
    ['num_choices_to_select', (e: Entry) => (e['num_choices_to_select'] = 0), '120A-5: num_choices_to_select 0 is not a positive integer'],
    ['answer missing', (e: Entry) => delete e['answer'], '120A-5: answer is missing or not a non-empty list of strings'],
    ['answer count', (e: Entry) => (e['answer'] = ['a', 'b']), '120A-5: answer has 2 choice(s) but num_choices_to_select is 1'],
    ['answer twice', (e: Entry) => ((e['answer'] = ['a', 'a']), (e['num_choices_to_select'] = 2)), '120A-5: answer lists a choice twice (a,a)'],
    ['no choices', (e: Entry) => (e['question_text'] = '5　どれか。'), '120A-5: question_text has no choices "a　…" to "e　…"'],
    ['id mismatch', (e: Entry) => (e['number'] = 6), '120A-5: question_id does not match block and number (expected "120A-6")'],
    [
      'image path',
      (e: Entry) => (e['clinical_images'] = ['../../../etc/passwd']),
      '120A-5: clinical_images "../../../etc/passwd" is not a plain file name in images/',
    ],
    ['image folder', (e: Entry) => (e['clinical_images'] = ['..']), '120A-5: clinical_images ".." is not a plain file name in images/'],
    [
      'answer count below num_choices_to_select',
      (e: Entry) => ((e['answer'] = ['a', 'b', 'c', 'd', 'e']), (e['num_choices_to_select'] = 6)),
      '120A-5: answer has 5 choice(s) but num_choices_to_select is 6',
    ],
  ])('%s', (_name, mutate, expected) => {
    expect(problemWith((es) => mutate(find(es, '120A-5')))).toBe(expected);
  });
  it('a calculation answer that is not one number', () => {
    expect(problemWith((es) => (find(es, '120A-74')['answer'] = ['abc']))).toBe('120A-74: answer ["abc"] is not one numeric string');
  });
  it('a duplicate question id', () => {
    expect(problemWith((es) => es.push({ ...find(es, '120A-1') }))).toBe('120A-1: question_id appears more than once');
  });
  it('a question without an id is named by its position', () => {
    expect(problemWith((es) => delete (es[4] as Entry)['question_id'])).toBe('question #5: question_id is missing or not a string');
  });
  it('a serial group that is not an object, or lacks its id or its case text', () => {
    expect(problemWith((es) => (find(es, '120B-41')['serial_group'] = 'x'))).toBe('120B-41: serial_group is not an object');
    expect(problemWith((es) => delete (find(es, '120B-41')['serial_group'] as Entry)['group_id'])).toBe('120B-41: serial_group.group_id is missing');
    expect(problemWith((es) => delete (find(es, '120B-41')['serial_group'] as Entry)['context_text'])).toBe('120B-41: serial_group.context_text is missing');
  });
  it('a serial group that does not list its question', () => {
    expect(problemWith((es) => ((find(es, '120B-41')['serial_group'] as Entry)['questions'] = ['120B-42']))).toBe(
      '120B-41: serial_group.questions does not list this question',
    );
  });
  it('an entry that is not an object, and a file that is not an array or not JSON', () => {
    expect(problemWith((es) => (es[0] = 'x' as unknown as Entry))).toBe('question #1: not an object');
    expect(() => parseJmle2026('{"a":1}', JMLE2026_DIR)).toThrow('expected a JSON array of questions, got object');
    expect(() => parseJmle2026('[{', JMLE2026_DIR)).toThrow(/not valid JSON/);
  });
  it('a missing image is a dataset issue (listed), not a load error', () => {
    const exam = parseJmle2026(realText, '/nonexistent-dir');
    expect(exam.issues.filter((i) => i.kind === 'missing-image')).toHaveLength(exam.questions.reduce((n, q) => n + q.images.length, 0));
    expect(exam.issues[0]?.message).toMatch(/^120A-16: image 120A-16_1\.png is missing/);
  });
});

describe('the 120th with prepared questions (the CLI bundle keeps them in its cache)', () => {
  it('loads the same exam from the dataset and from its prepared questions, with the same version', async () => {
    const { mkdtempSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadJmle2026 } = await import('../../src/exam/sources/jmle2026.js');
    const plain = loadJmle2026(JMLE2026_DIR);
    const store = { dir: join(mkdtempSync(join(tmpdir(), 'jmle-prepared-')), 'prepared'), build: 'test' };
    const fresh = loadJmle2026(JMLE2026_DIR, store); // prepared now
    expect(readdirSync(store.dir)).toEqual(['jmle2026-test.prepared']);
    const kept = loadJmle2026(JMLE2026_DIR, store); // read back
    for (const exam of [fresh, kept]) {
      expect(exam.version).toBe(plain.version); // the bytes' hash is the text's: the dataset_version runs record is unchanged
      expect(exam.questions).toEqual(plain.questions);
      expect([exam.id, exam.rules, exam.dir, exam.imageDir, exam.issues]).toEqual([plain.id, plain.rules, plain.dir, plain.imageDir, plain.issues]);
      expect(exam.byId.get('120B-30')).toEqual(plain.byId.get('120B-30'));
    }
  });
});
