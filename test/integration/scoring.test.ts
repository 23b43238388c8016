import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { EDITIONS } from '../../src/exam/editions.js';
import { computeSummary } from '../../src/scoring/summary.js';
import { scoreResponse } from '../../src/scoring/record.js';
import { isCorrect, numericEqual } from '../../src/scoring/correct.js';
import type { Exam, Question } from '../../src/exam/types.js';
import type { ResultRecord } from '../../src/results/schema.js';
import { DATA_ROOT } from '../helpers/data.js';

const { exam } = loadExam({ exam: '120', dataDir: DATA_ROOT });

function record(q: Question, answer: readonly string[]): ResultRecord {
  const s = scoreResponse(q, `【回答】${answer.join(',')}`, null);
  return { question_id: q.id, predicted: s.predicted, gold: s.gold, correct: s.correct, raw_response: '', parse_success: s.parse_success, error: null };
}

/** A run where exactly the questions in `wrong` are answered wrongly. */
function run(e: Exam, wrong: (q: Question) => boolean): ResultRecord[] {
  return e.questions.map((q) => {
    if (!wrong(q)) return record(q, q.answer);
    const bad = q.type === 'calculation' ? ['9999'] : [q.choices.find((c) => !q.answer.includes(c)) as string];
    return record(q, bad);
  });
}

describe('120th rules (data, not code)', () => {
  it('has the official thresholds and 禁忌肢 undisclosed', () => {
    const r = EDITIONS['120'];
    expect(r).toMatchObject({
      requiredBlocks: ['B', 'E'],
      requiredMax: 200,
      generalMax: 300,
      requiredPass: 160,
      generalPass: 224,
      kinkiMax: 3,
      kinkiDisclosed: false,
    });
  });
  it('points: B and E Q1–25 1 pt, Q26–50 3 pt; A, C, D, F 1 pt', () => {
    for (const q of exam.questions) {
      const expected = (q.block === 'B' || q.block === 'E') && q.number >= 26 ? 3 : 1;
      expect(q.points, q.id).toBe(expected);
    }
  });
  it('a run with every answer right scores 500: required 200, general 300, both pass', () => {
    const s = computeSummary(
      run(exam, () => false),
      exam,
    );
    expect(s).toMatchObject({
      score: 500,
      score_max: 500,
      score_pct: 1,
      required_score: 200,
      required_score_max: 200,
      general_score: 300,
      general_score_max: 300,
      correct: 400,
      incorrect: 0,
      accuracy: 1,
      required_pass: true,
      general_pass: true,
    });
    expect(s.text_only_score_max).toBe(382);
    expect(s.by_image).toEqual({ text_only: { correct: 302, total: 302, accuracy: 1 }, with_image: { correct: 98, total: 98, accuracy: 1 } });
    expect(s.by_type['calculation']).toEqual({ correct: 3, total: 3, accuracy: 1 });
  });
  it('禁忌肢 are unknown for the 120th (never 0), so overall pass is unknown', () => {
    const s = computeSummary(
      run(exam, () => false),
      exam,
    );
    expect(s.kinki).toMatchObject({ disclosed: false, selected: null, pass: null });
    expect(s.passed).toBeNull();
  });

  // Required part: lose exactly `lost` points from 3-point questions (and 1-point ones for the remainder).
  function requiredWrong(lost: number): (q: Question) => boolean {
    const req = exam.questions.filter((q) => q.required);
    const chosen = new Set<string>();
    let left = lost;
    for (const q of [...req].sort((a, b) => b.points - a.points)) {
      if (left >= q.points) {
        chosen.add(q.id);
        left -= q.points;
      }
    }
    return (q) => chosen.has(q.id);
  }
  it('required pass at exactly 160/200, fail at 159', () => {
    const at = computeSummary(run(exam, requiredWrong(40)), exam);
    expect(at.required_score).toBe(160);
    expect(at.required_pass).toBe(true);
    const below = computeSummary(run(exam, requiredWrong(41)), exam);
    expect(below.required_score).toBe(159);
    expect(below.required_pass).toBe(false);
    expect(below.passed).toBe(false);
  });
  it('general pass at exactly 224/300, fail at 223', () => {
    const general = exam.questions.filter((q) => !q.required);
    const wrong = (n: number) => new Set(general.slice(0, n).map((q) => q.id));
    const at = computeSummary(
      run(exam, (q) => wrong(76).has(q.id)),
      exam,
    );
    expect(at.general_score).toBe(224);
    expect(at.general_pass).toBe(true);
    const below = computeSummary(
      run(exam, (q) => wrong(77).has(q.id)),
      exam,
    );
    expect(below.general_score).toBe(223);
    expect(below.general_pass).toBe(false);
  });
  it('pass flags are null when the run does not cover a whole part', () => {
    const onlyA = run(exam, () => false).filter((r) => r.question_id.startsWith('120A-'));
    const s = computeSummary(onlyA, exam);
    expect(s.required_pass).toBeNull();
    expect(s.general_pass).toBeNull();
    expect(s.score_max).toBe(75);
  });
});

describe('correctness', () => {
  const calcs = exam.questions.filter((q) => q.type === 'calculation');
  it('the 120th has 3 calculation questions', () => {
    expect(calcs.map((q) => q.id).sort()).toEqual(['120A-74', '120A-75', '120D-75']);
  });
  it('numbers compare as numbers: 0.4 = 0.40, 0.400 = 0.40; 28.1 ≠ 28', () => {
    expect(numericEqual('0.4', '0.40')).toBe(true);
    expect(numericEqual('0.400', '0.40')).toBe(true);
    expect(numericEqual('28.1', '28')).toBe(false);
    const q = exam.byId.get('120D-75') as Question;
    expect(isCorrect(['28'], q)).toBe(true);
    expect(isCorrect(['28.1'], q)).toBe(false);
  });
  it('choice answers must match exactly (all of a choose-2, nothing extra)', () => {
    const q = exam.questions.find((x) => x.selectCount === 2) as Question;
    expect(isCorrect([...q.answer], q)).toBe(true);
    expect(isCorrect([q.answer[0] as string], q)).toBe(false);
    const extra = q.choices.find((c) => !q.answer.includes(c)) as string;
    expect(isCorrect([...q.answer, extra], q)).toBe(false);
  });
  it('counts: 302 text-only, 98 with images, 110 image files, choose-2 and choose-3 present', () => {
    expect(exam.questions.length).toBe(400);
    expect(exam.questions.filter((q) => !q.requiresImage).length).toBe(302);
    expect(new Set(exam.questions.flatMap((q) => q.images)).size).toBe(110);
    expect(exam.questions.some((q) => q.selectCount === 3)).toBe(true);
    expect(exam.questions.filter((q) => q.serial).length).toBe(50);
  });
});
