import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFromTemplate, parseAnswerTemplate } from '../../src/exam/answer-template.js';
import { loadExam } from '../../src/exam/registry.js';
import { IGAKUQA_EXAMS } from '../../src/exam/sources/igakuqa.js';
import { isCorrect } from '../../src/scoring/correct.js';
import { scoreResponse } from '../../src/scoring/record.js';
import type { Question } from '../../src/exam/types.js';
import { DATA_ROOT, JMLE2026_DIR } from '../helpers/data.js';

/**
 * Every calculation question of IgakuQA (112th–116th): the template printed in
 * the question, the key as IgakuQA writes it, and the number it means, worked
 * out by hand from each question (e.g. 114F75: 1,500 mL × 15% × 4 + 1,500 mL ×
 * 2% × 4 + 1.1 × 100 = 1,130 kcal, printed "1, ①②③ kcal", key "130").
 */
const CALC: readonly { id: string; printed: string; digits: number; integerDigits: number; key: string; value: string }[] = [
  { id: '112C66', printed: '①②', digits: 2, integerDigits: 2, key: '26', value: '26' },
  { id: '112F84', printed: '①.②', digits: 2, integerDigits: 1, key: '1.2', value: '1.2' },
  { id: '113A75', printed: '①②③', digits: 3, integerDigits: 3, key: '146', value: '146' },
  { id: '113F84', printed: '①.②③', digits: 3, integerDigits: 1, key: '7.20', value: '7.20' },
  { id: '114C75', printed: '①②.③', digits: 3, integerDigits: 2, key: '100', value: '10.0' },
  { id: '114D75', printed: '①②', digits: 2, integerDigits: 2, key: '97', value: '97' },
  { id: '114F75', printed: '1, ①②③', digits: 3, integerDigits: 3, key: '130', value: '1130' },
  { id: '115C75', printed: '①②', digits: 2, integerDigits: 2, key: '27', value: '27' },
  { id: '115F75', printed: '①.②', digits: 2, integerDigits: 1, key: '8.5', value: '8.5' },
  { id: '116B50', printed: '①.②', digits: 2, integerDigits: 1, key: '21', value: '2.1' },
  { id: '116C75', printed: '①②③', digits: 3, integerDigits: 3, key: '325', value: '325' },
  { id: '116F74', printed: '①.②', digits: 2, integerDigits: 1, key: '04', value: '0.4' },
];

function rawCalcRows(): { id: string; text: string; answer: string[] }[] {
  return IGAKUQA_EXAMS.flatMap((exam) =>
    ['A', 'B', 'C', 'D', 'E', 'F'].flatMap((b) =>
      readFileSync(join(DATA_ROOT, 'igakuqa', 'data', String(Number(exam) + 1906), `${exam}-${b}.jsonl`), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { problem_id: string; problem_text: string; choices: string[]; answer: string[] })
        .filter((r) => r.choices.length === 0)
        .map((r) => ({ id: r.problem_id, text: r.problem_text, answer: r.answer })),
    ),
  );
}

describe('calculation answer templates', () => {
  it('the table covers every calculation question in the data', () => {
    expect(rawCalcRows().map((r) => r.id)).toEqual(CALC.map((c) => c.id));
  });

  it.each(CALC)('$id: template $printed, key "$key" means $value', (c) => {
    const raw = rawCalcRows().find((r) => r.id === c.id);
    expect(raw?.answer).toEqual([c.key]);
    const tpl = parseAnswerTemplate(raw?.text ?? '');
    expect(tpl?.template).toEqual({ digits: c.digits, integerDigits: c.integerDigits });
    expect(tpl?.printed).toBe(c.printed);
    expect(keyFromTemplate(c.key, tpl)).toMatchObject({ ok: true, value: c.value });
    const q = loadExam({ exam: c.id.slice(0, 3), dataDir: DATA_ROOT }).exam.byId.get(c.id) as Question;
    expect(q.type).toBe('calculation');
    expect(q.answer).toEqual([c.value]);
    expect(q.answerTemplate).toEqual({ digits: c.digits, integerDigits: c.integerDigits });
    // Compared as numbers: the real value (in any notation) is right, the box digits are not (unless equal).
    expect(isCorrect([c.value], q)).toBe(true);
    expect(isCorrect([String(Number(c.value))], q)).toBe(true);
    expect(scoreResponse(q, `計算すると…\n【回答】${c.value} 単位`, null).correct).toBe(true);
    if (c.key !== c.value && Number(c.key) !== Number(c.value)) expect(isCorrect([c.key], q)).toBe(false);
  });

  it('reads the 120th’s full-width point too, and keeps its keys (already decimal) as written', () => {
    const data = JSON.parse(readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8')) as {
      question_id: string;
      question_type: string;
      question_text: string;
      answer: string[];
    }[];
    const calc = data.filter((q) => q.question_type === 'calculation');
    expect(calc.length).toBeGreaterThan(0);
    for (const q of calc) {
      const tpl = parseAnswerTemplate(q.question_text);
      expect(tpl, q.question_id).toBeDefined();
      const conv = keyFromTemplate(q.answer[0] as string, tpl);
      expect(conv.ok && Number(conv.value) === Number(q.answer[0]), q.question_id).toBe(true);
    }
    expect(parseAnswerTemplate('解答：①．②③ g/gCr')?.template).toEqual({ digits: 3, integerDigits: 1 });
  });

  it('inconsistent keys are refused with a reason', () => {
    const tpl = parseAnswerTemplate('解答：①.②');
    expect(keyFromTemplate('215', tpl)).toMatchObject({ ok: false, reason: expect.stringMatching(/3 digit/) });
    expect(keyFromTemplate('2.1', parseAnswerTemplate('解答：①②'))).toMatchObject({ ok: false });
    expect(keyFromTemplate('abc', tpl)).toMatchObject({ ok: false });
    expect(keyFromTemplate('40', undefined)).toEqual({ ok: true, value: '40', converted: false });
    expect(parseAnswerTemplate('no template here')).toBeUndefined();
  });

  it('the 119th’s calculation questions print no template; their keys are whole numbers used as written', () => {
    const exam = loadExam({ exam: '119', dataDir: DATA_ROOT }).exam;
    const calc = exam.questions.filter((q) => q.type === 'calculation');
    expect(calc.map((q) => [q.id, q.answer[0]])).toEqual([
      ['119A75', '600'],
      ['119C74', '36'],
      ['119C75', '27'],
      ['119F75', '40'],
    ]);
  });
});
