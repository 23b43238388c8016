import { describe, expect, it } from 'vitest';
import type { QuestionType } from '../../src/exam/types.js';
import { extractAnswer, referenceExtract } from '../../src/extract/extract.js';
import { isCorrect } from '../../src/scoring/correct.js';
import { MUTATIONS, testQuestion, type Response } from '../helpers/extract-mutations.js';

/**
 * The two promises of our extraction rule, on hand-written responses (the
 * integration tier checks the first on every published response):
 * 1. where the reference rule reads the answer key, ours does too;
 * 2. a response that states two values, a range or an alternative is never credited.
 */

interface Case extends Response {
  readonly type: QuestionType;
  readonly key: readonly string[];
}

const CASES: readonly Case[] = [
  { type: 'multiple_choice', key: ['c'], content: '考察：…所見から急性膵炎が考えられる。\n\n【回答】c', reasoning: null },
  { type: 'multiple_choice', key: ['a', 'd'], content: '**解説**\n- a: 正しい\n- b: 誤り\n- d: 正しい\n\n【回答】a, d', reasoning: null },
  { type: 'multiple_choice', key: ['b', 'c', 'e'], content: '【回答】b,c,e\n\n以上。', reasoning: '三つ選ぶ。b, c, e。' },
  { type: 'multiple_choice', key: ['e'], content: '【回答】e\n\n補足: a は禁忌肢。', reasoning: null },
  { type: 'multiple_choice', key: ['c'], content: 'Answer analysis: the findings suggest pancreatitis.\n【回答】C', reasoning: null },
  { type: 'multiple_choice', key: ['c'], content: 'I think it is c.', reasoning: 'urine osmolality low.\n\nThus answer c.\n\nThus output format: 【回答】c\n' },
  {
    type: 'multiple_choice',
    key: ['d'],
    content: '',
    reasoning: '…形式は「【回答】a」のように指定されていますが、正解は d なので「【回答】d」と出力します。',
  },
  { type: 'multiple_choice', key: ['d'], content: '', reasoning: '…したがって、正しいのは選択肢 d です。\n\n最終出力形式は【回答】d です。\n' },
  { type: 'multiple_choice', key: ['a'], content: '', reasoning: '結論：診断は凍瘡（a）である。\n\n最終出力形式は【回答】a\n' },
  { type: 'calculation', key: ['28'], content: '計算: 70 / 2.5 = 28.0\n\n【回答】28', reasoning: null },
  { type: 'calculation', key: ['0.40'], content: '【回答】0.40', reasoning: '…【回答】3.14 の形式なので、0.40 と答える。' },
  { type: 'calculation', key: ['315'], content: '血清浸透圧 = 2×Na + 血糖/18 + BUN/2.8\n\n【回答】315', reasoning: null },
  { type: 'calculation', key: ['315'], content: '', reasoning: '…出力は「【回答】315」です。' },
];

const referenceCredits = (c: Case, r: Response): boolean => {
  const q = testQuestion(c.type, c.key);
  const ref = referenceExtract(r.content, r.reasoning, c.type);
  return ref.ok && isCorrect(ref.predicted, q, 'reference');
};
const oursCredits = (c: Case, r: Response): boolean => {
  const q = testQuestion(c.type, c.key);
  const x = extractAnswer(r.content, r.reasoning, q);
  return x.ok && isCorrect(x.predicted, q);
};

describe('1. where the reference reads the key, so do we: hand-written responses and their mutations', () => {
  it('the corpus is meaningful: the reference credits most of it', () => {
    let credited = 0;
    for (const c of CASES) for (const m of MUTATIONS) if (m.parity && m.apply(c, c.type) && referenceCredits(c, m.apply(c, c.type) as Response)) credited++;
    expect(credited).toBeGreaterThan(150);
  });

  for (const c of CASES) {
    it(`${c.type} ${c.key.join(',')}: ${JSON.stringify(c.content.slice(-40))}`, () => {
      expect(oursCredits(c, c)).toBe(true);
      const misses = MUTATIONS.filter((m) => {
        const r = m.parity ? m.apply(c, c.type) : null;
        return r !== null && referenceCredits(c, r) && !oursCredits(c, r);
      }).map((m) => m.name);
      expect(misses).toEqual([]);
    });
  }

  it('a presentation mutation never changes what we read from the content', () => {
    for (const c of CASES) {
      const q = testQuestion(c.type, c.key);
      const base = extractAnswer(c.content, c.reasoning, q);
      if (base.source !== 'content') continue;
      for (const m of MUTATIONS.filter((x) => x.stable)) {
        const r = m.apply(c, c.type);
        if (r) expect(extractAnswer(r.content, r.reasoning, q).predicted, `${m.name}: ${JSON.stringify(r.content)}`).toEqual(base.predicted);
      }
    }
  });
});

/** Answer lines that state two values, a range or an alternative, with every key they could be taken to mean. */
const AMBIGUOUS: readonly { type: QuestionType; line: string; keys: string[][] }[] = [
  ...['28〜29', '28～29', '28-29', '28 または 29', '28 29', '28/29', '28、29', '28, 29', '28か29', '28 to 29', '28 ± 1', '28 (29)', '28以上', '約28〜29'].map(
    (line) => ({ type: 'calculation' as const, line, keys: [['28'], ['29']] }),
  ),
  ...['28、または29', '28 です。ただし 29 の可能性もあります', '28\nまたは 29'].map((line) => ({ type: 'calculation' as const, line, keys: [['28'], ['29']] })),
  { type: 'calculation', line: '315 or 316', keys: [['315'], ['316']] },
  { type: 'calculation', line: '3 15', keys: [['3'], ['15'], ['315']] },
  { type: 'calculation', line: '1,2', keys: [['1'], ['2'], ['1.2'], ['12']] },
  { type: 'calculation', line: 'BMIは28.1で、四捨五入すると28', keys: [['28.1'], ['28']] },
  { type: 'calculation', line: '-28〜-29', keys: [['-28'], ['-29']] },
  ...['a または c', 'aまたはc', 'a or c', 'aかc', 'a/c', 'a〜c', 'a-c', 'c (or e)', 'c（またはa）'].map((line) => ({
    type: 'multiple_choice' as const,
    line,
    keys: [['a'], ['c'], ['a', 'c'], ['a', 'b', 'c'], ['e'], ['c', 'e']],
  })),
  {
    type: 'multiple_choice',
    line: 'a, c or e',
    keys: [
      ['a', 'c'],
      ['a', 'e'],
      ['a', 'c', 'e'],
    ],
  },
  { type: 'multiple_choice', line: 'b もしくは d', keys: [['b'], ['d'], ['b', 'd']] },
  ...['c, e のどちらか', 'c (e も可)', 'c and/or e', 'c\nまたは e'].map((line) => ({
    type: 'multiple_choice' as const,
    line,
    keys: [['c'], ['e'], ['c', 'e']],
  })),
];

describe('2. a response that states two values, a range or an alternative is never credited', () => {
  for (const a of AMBIGUOUS) {
    it(`${a.type}: ${JSON.stringify(a.line)}`, () => {
      for (const key of a.keys) {
        const c: Case = { type: a.type, key, content: `考察…\n\n【回答】${a.line}`, reasoning: `…\n【回答】${key.join(',')}` };
        for (const m of MUTATIONS.filter((x) => x.stable)) {
          const r = m.apply(c, c.type);
          if (!r) continue;
          const x = extractAnswer(r.content, r.reasoning, testQuestion(a.type, key));
          expect(x.ok, `${m.name}, key ${key.join(',')}`).toBe(false);
          expect(x.notes).toContain('ambiguous');
        }
      }
    });
  }
});

describe('linear time on pathological responses (each well within the default test timeout)', () => {
  const N = 200_000;
  const choice = testQuestion('multiple_choice', ['c']);
  const calc = testQuestion('calculation', ['28']);
  it.each([
    ['a stuck marker', '【回答】'.repeat(N / 4)],
    ['a long run of spaces', `【回答】a${' '.repeat(N)}x`],
    ['spaces and commas', `【回答】a${' ,'.repeat(N / 2)}`],
    ['letters and alternatives', `【回答】${'a or '.repeat(N / 5)}`],
    ['verdicts', `【回答】${'a ○ '.repeat(N / 4)}`],
    ['open brackets', `【回答】c${'(a'.repeat(N / 2)}`],
    ['digits', `【回答】${'1'.repeat(N)}`],
    ['spaced digits', `【回答】${'1 '.repeat(N / 2)}`],
    ['an equation chain', `【回答】${'1 = '.repeat(N / 4)}`],
    ['nested LaTeX', `【回答】${'\\boxed{'.repeat(N / 8)}3${'}'.repeat(N / 8)}`],
    ['a huge exponent', '【回答】1e999999999'],
    ['format examples', '（形式: 【回答】a,c,e）'.repeat(N / 16)],
    ['many answer lines', '【回答】c\n'.repeat(N / 8)],
  ])('%s', (_, text) => {
    // Only that it returns: a quadratic path would take minutes at this size.
    for (const q of [choice, calc]) expect(typeof extractAnswer(text, text, q).ok).toBe('boolean');
  });
});
