import { describe, expect, it } from 'vitest';
import { EXTRACTION_RULES, extractAnswer, referenceExtract, type ExtractionRule } from '../../src/extract/extract.js';
import { isCorrect } from '../../src/scoring/correct.js';
import { testQuestion } from '../helpers/extract-mutations.js';

const choice = { type: 'multiple_choice' as const, choices: ['a', 'b', 'c', 'd', 'e'] };
const calc = { type: 'calculation' as const, choices: [] };

describe("the extraction rule: 'jmle-bench' (default) or exactly the reference's", () => {
  it('names both rules', () => {
    const rules: readonly ExtractionRule[] = EXTRACTION_RULES;
    expect(rules).toEqual(['jmle-bench', 'reference']);
  });

  it.each([
    ['【回答】c】', null, choice],
    ['【回答】a または c', null, choice],
    ['【回答】a: 誤り、b: 誤り、c: 正しい', '…【回答】c', choice],
    ['【回答】c\n（形式: 【回答】a,c,e）', null, choice],
    ['「【回答】a」のように…「【回答】d」と出力します', null, choice],
    ['', '…【回答】e', choice],
    ['【回答】3 1 5', null, calc],
    ['【回答】28〜29', '【回答】28', calc],
    ['【回答】約 28', null, calc],
    ['no marker', '「【回答】3.14」のように', calc],
    ['【回答】', null, choice],
  ] as const)("'reference' is referenceExtract exactly, with where it read and no notes: %j / %j", (content, reasoning, q) => {
    const ref = referenceExtract(content, reasoning, q.type);
    const x = extractAnswer(content, reasoning, q, 'reference');
    expect({ predicted: x.predicted, ok: x.ok }).toEqual(ref);
    expect(x.notes).toEqual([]);
    const fromContent = referenceExtract(content, null, q.type).ok;
    expect(x.source).toBe(fromContent ? 'content' : x.ok ? 'reasoning' : null);
  });

  it("'jmle-bench' is the default", () => {
    expect(extractAnswer('【回答】c】', null, choice)).toEqual(extractAnswer('【回答】c】', null, choice, 'jmle-bench'));
    expect(extractAnswer('【回答】c】', null, choice).predicted).toEqual(['c']);
    expect(extractAnswer('【回答】c】', null, choice, 'reference').ok).toBe(false);
  });

  it("a null content is the reference's empty string", () => {
    expect(extractAnswer(null, '【回答】b', choice, 'reference')).toEqual({ predicted: ['b'], ok: true, source: 'reasoning', notes: [] });
  });
});

describe('isCorrect under each rule', () => {
  const q = testQuestion('calculation', ['0.40']);
  it("'jmle-bench' compares calculation answers as numbers; 'reference' as strings, as the reference does", () => {
    expect(isCorrect(['0.4'], q)).toBe(true);
    expect(isCorrect(['0.4'], q, 'reference')).toBe(false);
    expect(isCorrect(['0.40'], q, 'reference')).toBe(true);
    expect(isCorrect(['3 1 5'], testQuestion('calculation', ['315']), 'reference')).toBe(false);
  });
  it('choice answers compare the same way under both', () => {
    const c = testQuestion('multiple_choice', ['a', 'c']);
    for (const rule of EXTRACTION_RULES) {
      expect(isCorrect(['c', 'a'], c, rule)).toBe(true);
      expect(isCorrect(['a'], c, rule)).toBe(false);
    }
  });
  it('the official key is the key under both: accepted alternatives and questions correct for everyone', () => {
    const alt = { ...testQuestion('multiple_choice', ['a']), accepted: [['a'], ['d']] };
    const all = { ...testQuestion('multiple_choice', ['b']), allCorrect: true };
    for (const rule of EXTRACTION_RULES) {
      expect(isCorrect(['d'], alt, rule)).toBe(true);
      expect(isCorrect([], all, rule)).toBe(true);
    }
  });
});
