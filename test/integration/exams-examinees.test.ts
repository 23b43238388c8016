import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { compareWithExaminees } from '../../src/scoring/examinees.js';
import { importIgakuqa } from '../../src/runs/import-igakuqa.js';
import type { Question } from '../../src/exam/types.js';
import type { ResultRecord } from '../../src/results/schema.js';
import { join } from 'node:path';
import { DATA_ROOT } from '../helpers/data.js';

const exam = loadExam({ exam: '115', dataDir: DATA_ROOT }).exam;

function rec(q: Question, correct: boolean): ResultRecord {
  return { question_id: q.id, predicted: correct ? [...q.answer] : [], gold: [...q.answer], correct, raw_response: '', parse_success: correct, error: null };
}

describe('compareWithExaminees', () => {
  const scored = exam.questions.filter((q) => q.points > 0 && q.humanAccuracy !== undefined);

  it('all right: model accuracy 1, examinees’ mean computed over the same questions, nothing missed', () => {
    const c = compareWithExaminees(
      exam.questions.map((q) => rec(q, true)),
      exam,
    );
    const mean = scored.reduce((s, q) => s + (q.humanAccuracy as number), 0) / scored.length;
    expect(c.available).toBe(true);
    expect(c.questions).toBe(scored.length);
    expect(c.model_accuracy).toBe(1);
    expect(c.examinee_accuracy).toBeCloseTo(mean, 4);
    expect(c.difference).toBeCloseTo(1 - mean, 4);
    expect(c.missed_but_examinees_right).toEqual([]);
    expect(c.right_but_examinees_missed.map((x) => x.question_id).sort()).toEqual(
      scored
        .filter((q) => (q.humanAccuracy as number) < 0.5)
        .map((q) => q.id)
        .sort(),
    );
  });

  it('all wrong: the missed questions most examinees got right, easiest first; threshold is configurable', () => {
    const records = exam.questions.map((q) => rec(q, false));
    const c = compareWithExaminees(records, exam);
    const expected = scored.filter((q) => (q.humanAccuracy as number) >= 0.5);
    expect(c.model_accuracy).toBe(0);
    expect(c.missed_but_examinees_right).toHaveLength(expected.length);
    const shares = c.missed_but_examinees_right.map((x) => x.human_accuracy);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    expect(c.right_but_examinees_missed).toEqual([]);
    const strict = compareWithExaminees(records, exam, { threshold: 0.9 });
    expect(strict.missed_but_examinees_right).toHaveLength(scored.filter((q) => (q.humanAccuracy as number) >= 0.9).length);
    expect(() => compareWithExaminees(records, exam, { threshold: 2 })).toThrow(RangeError);
  });

  it('on GPT-4’s published answers: below the examinees’ average, with the questions it missed that examinees got right', () => {
    const { file } = importIgakuqa({ dir: join(DATA_ROOT, 'igakuqa'), system: 'gpt4', exam });
    const c = compareWithExaminees(file.results, exam);
    expect(c.model_accuracy).toBeLessThan(c.examinee_accuracy as number);
    expect(c.missed_but_examinees_right.length).toBeGreaterThan(0);
    for (const x of c.missed_but_examinees_right) {
      expect(file.results.find((r) => r.question_id === x.question_id)?.correct).toBe(false);
      expect(x.human_accuracy).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('an exam without examinee data says so (119th): unavailable, never zeros', () => {
    const e119 = loadExam({ exam: '119', dataDir: DATA_ROOT }).exam;
    const c = compareWithExaminees(
      e119.questions.map((q) => rec(q, true)),
      e119,
    );
    expect(c).toMatchObject({ available: false, questions: 0, model_accuracy: null, examinee_accuracy: null });
  });
});

describe('jmle-bench exams: the table lines up in a terminal', () => {
  it('pads by display columns, so the column after 禁忌肢 (two columns per kanji) starts at the same place on every line', async () => {
    const { table } = await import('../../src/cli/commands/exams.js');
    const { displayWidth } = await import('../../src/util/width.js');
    const lines = table([
      ['exam', '禁忌肢', 'examinees'],
      ['112', '≤3, disclosed', 'yes'],
      ['120', '≤3, undisclosed', 'no'],
    ]);
    const starts = lines.map((l) => displayWidth(l.slice(0, l.search(/(yes|no|examinees)$/))));
    expect(new Set(starts).size).toBe(1);
    expect(displayWidth('禁忌肢')).toBe(6);
    expect(displayWidth('≤3, ａ')).toBe(6);
  });
});
