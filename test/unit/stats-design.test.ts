import { describe, expect, it } from 'vitest';
import type { Exam, ExamRules, Question } from '../../src/exam/types.js';
import { buildDesign, examDesign } from '../../src/stats/design.js';
import { answerKey, correctCounts, outcomesFromRecords, questionMeans, type OutcomeRecord } from '../../src/stats/outcomes.js';
import { RULES_120, syntheticDesign120 } from '../../src/stats/simulate.js';

const RULES: ExamRules = {
  id: 'T',
  title: 'test exam',
  year: 2026,
  blocks: ['A', 'B'],
  requiredBlocks: ['B'],
  requiredMax: 4,
  generalMax: 4,
  requiredPass: 3,
  generalPass: 3,
  kinkiMax: 1,
  kinkiDisclosed: true,
  pointRules: [],
  defaultPoints: 1,
};

/** A hand-written question: only the fields the statistics read matter. */
function q(id: string, block: string, points: number, extra: Partial<Question> = {}): Question {
  return {
    id,
    exam: 'T',
    block,
    number: 1,
    type: 'multiple_choice',
    text: '',
    choices: ['a', 'b', 'c', 'd', 'e'],
    images: [],
    requiresImage: false,
    selectCount: 1,
    answer: ['a'],
    accepted: [['a']],
    allCorrect: false,
    points,
    required: block === 'B',
    kinki: [],
    ...extra,
  };
}

function exam(questions: Question[], rules: ExamRules = RULES): Exam {
  return { id: 'T', rules, questions, version: 'x', dir: '.', issues: [], byId: new Map(questions.map((x) => [x.id, x])) };
}

const serial = (groupId: string, ids: string[]) => ({ groupId, questions: ids, context: 'case' });

const QUESTIONS = [
  q('A1', 'A', 1, { kinki: ['e'] }),
  q('A2', 'A', 1, { serial: serial('A2-3', ['A2', 'A3']) }),
  q('A3', 'A', 1, { serial: serial('A2-3', ['A2', 'A3']) }),
  q('A4', 'A', 1),
  q('A5', 'A', 0), // excluded from scoring
  q('B1', 'B', 1),
  q('B2', 'B', 3, { type: 'calculation', choices: [], answer: ['0.4'], accepted: [['0.4']] }),
];

describe('examDesign', () => {
  const d = examDesign(exam(QUESTIONS));

  it('is one object per exam and question set (resampling plans are cached per design)', () => {
    const e = exam(QUESTIONS);
    expect(examDesign(e, ['B1', 'A1', 'A2', 'A3'])).toBe(examDesign(e, ['A1', 'A2', 'A3', 'B1']));
    expect(examDesign(e, ['A1', 'A5'])).toBe(examDesign(e, ['A1'])); // A5 scores nothing
    expect(examDesign(e, ['A1', 'A2'])).not.toBe(examDesign(e, ['A1']));
    expect(examDesign(exam(QUESTIONS))).not.toBe(examDesign(e));
  });

  it('keeps scored questions in exam order, with points and parts', () => {
    expect(d.ids).toEqual(['A1', 'A2', 'A3', 'A4', 'B1', 'B2']);
    expect(Array.from(d.points)).toEqual([1, 1, 1, 1, 1, 3]);
    expect(Array.from(d.required)).toEqual([0, 0, 0, 0, 1, 1]);
    expect([d.requiredMax, d.generalMax]).toEqual([4, 4]);
    expect(d.requiredComplete && d.generalComplete).toBe(true);
  });

  it('puts the questions of a serial case in one cluster, every other question in its own', () => {
    expect(Array.from(d.cluster)).toEqual([0, 1, 1, 2, 3, 4]);
    expect(d.clusterCount).toBe(5);
    expect(Array.from(d.clusterMembers.subarray(d.clusterStart[1], d.clusterStart[2]))).toEqual([1, 2]);
  });

  it('stratifies by block and points, so every resample keeps each block’s 1- and 3-point questions', () => {
    expect(d.strata.map((s) => [s.block, s.points, s.clusters.length, s.maxPoints])).toEqual([
      ['A', 1, 3, 4],
      ['B', 1, 1, 1],
      ['B', 3, 1, 3],
    ]);
  });

  it('knows 禁忌肢 only where the edition discloses it and every question carries it', () => {
    expect(d.kinkiKnown).toBe(true);
    expect(Array.from(d.kinkiChoices ?? [])).toEqual([1, 0, 0, 0, 0, 0]);
    expect(examDesign(exam(QUESTIONS, { ...RULES, kinkiDisclosed: false })).kinkiKnown).toBe(false);
    const missing = QUESTIONS.map((x) => (x.id === 'A4' ? { ...x, kinki: undefined } : x));
    expect(examDesign(exam(missing)).kinkiKnown).toBe(false);
  });

  it('builds a subset (a table’s questions) that no longer covers the parts', () => {
    const sub = examDesign(exam(QUESTIONS), ['B2', 'A1']);
    expect(sub.ids).toEqual(['A1', 'B2']);
    expect(sub.requiredComplete).toBe(false);
    expect(() => examDesign(exam(QUESTIONS), ['Z9'])).toThrow(/Z9/);
  });
});

describe('buildDesign', () => {
  const base = { ids: ['a', 'b'], points: [1, 1], required: [0, 0], block: ['A', 'A'], group: [null, null], rules: RULES_120 };

  it('rejects inconsistent input with a message naming the problem', () => {
    expect(() => buildDesign({ ...base, points: [1] })).toThrow(/points has 1 entries for 2/);
    expect(() => buildDesign({ ...base, points: [1, 0] })).toThrow(/b is worth 0 points/);
    expect(() => buildDesign({ ...base, points: [1, 1.5] })).toThrow(/1.5 points/);
    expect(() => buildDesign({ ...base, ids: ['a', 'a'] })).toThrow(/unique/);
    expect(() => buildDesign({ ...base, block: ['A', 'B'], group: ['g', 'g'] })).toThrow(/case g spans/);
  });

  it('gives the synthetic 120th its structure: 400 questions, 200 + 300 points, 20 serial cases', () => {
    const d = syntheticDesign120();
    expect(d.ids.length).toBe(400);
    expect([d.requiredMax, d.generalMax]).toEqual([200, 300]);
    expect(d.clusterCount).toBe(400 - 10 - 20);
    expect(d.strata.map((s) => `${s.block}${s.points}:${s.clusters.length}`)).toEqual(['A1:75', 'B1:25', 'B3:20', 'C1:65', 'D1:75', 'E1:25', 'E3:20', 'F1:65']);
  });
});

describe('outcomesFromRecords', () => {
  const e = exam(QUESTIONS);
  const d = examDesign(e);
  const rec = (question_id: string, correct: boolean, predicted: string[] = correct ? ['a'] : ['b'], parse_success = true): OutcomeRecord => ({
    question_id,
    correct,
    predicted,
    parse_success,
  });
  const epoch1 = [
    rec('A1', false, ['e']),
    rec('A2', true),
    rec('A3', true),
    rec('A4', false, [], false),
    rec('A5', true),
    rec('B1', true),
    rec('B2', true, ['0.40']),
  ];
  const epoch2 = [rec('B2', false, ['0.5']), rec('B1', true), rec('A4', true), rec('A3', false), rec('A2', true), rec('A1', true)];

  it('lays the epochs out epoch-major in design order, with 禁忌肢 and answer keys', () => {
    const o = outcomesFromRecords(d, e, [epoch1, epoch2]);
    expect(o.epochs).toBe(2);
    expect(Array.from(o.correct)).toEqual([0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0]);
    expect(Array.from(o.kinki ?? [])).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(o.answers?.slice(0, 6)).toEqual(['e', 'a', 'a', null, 'a', '0.4']);
    expect(Array.from(correctCounts(d, o))).toEqual([1, 2, 1, 1, 2, 1]);
    expect(Array.from(questionMeans(d, o))).toEqual([0.5, 1, 0.5, 0.5, 1, 0.5]);
  });

  it('refuses an epoch that misses a question, or answers one twice', () => {
    expect(() => outcomesFromRecords(d, e, [epoch1, epoch2.slice(1)])).toThrow(/epoch 2 has no record of B2/);
    expect(() => outcomesFromRecords(d, e, [[...epoch1, rec('A1', true)]])).toThrow(/two records of A1/);
  });

  it('keys answers canonically: letter order and number formatting do not split a vote', () => {
    expect(answerKey(['c', 'a'], true, false)).toBe('a,c');
    expect(answerKey(['0.40'], true, true)).toBe(answerKey(['.4'], true, true));
    expect(answerKey(['a'], false, false)).toBeNull();
    expect(answerKey([], true, false)).toBeNull();
  });
});
