import { describe, expect, it } from 'vitest';
import { extractAnswer, referenceExtract, referenceParse } from '../../src/extract/extract.js';
import { INSTRUCTED_EXAMPLES } from '../../src/extract/markers.js';

const choice = { type: 'multiple_choice' as const, choices: ['a', 'b', 'c', 'd', 'e'] };
const calc = { type: 'calculation' as const, choices: [] };

describe('a later 【回答】 that is part of a format example or an explanation does not win', () => {
  it.each([
    ['in brackets', '【回答】c\n\n（形式: 【回答】a,c,e）'],
    ['on the same line', '【回答】c（形式: 【回答】a,c,e）'],
    ['after 例：', '【回答】c\n例：【回答】a,c,e'],
    ['after e.g.', '【回答】c\n\n(The format is, e.g. 【回答】a,c,e)'],
    ['the marker named, not used', '【回答】c\n\n※ 【回答】の形式で a, b のように記号で答えました。'],
    ['quoted as the instruction', '【回答】c\n\n※「【回答】a,c,e」のように出力するよう指定されています。'],
    ['after "回答形式:"', '【回答】c\n\n回答形式: 【回答】a,c,e'],
  ])('%s', (_, content) => {
    expect(referenceParse(content, 'multiple_choice').predicted).toEqual(['c']);
    const x = extractAnswer(content, null, choice);
    expect(x).toMatchObject({ ok: true, predicted: ['c'], source: 'content' });
  });

  it('the note names the example passed over', () => {
    expect(extractAnswer('【回答】c\n\n（形式: 【回答】a,c,e）', null, choice).notes).toContain('format-example');
  });

  it('calculation: a later "【回答】3.14" example does not win either', () => {
    expect(extractAnswer('【回答】28\n\n（形式: 【回答】3.14）', null, calc).predicted).toEqual(['28']);
    expect(extractAnswer('【回答】28\n\n※「【回答】3.14」のように数値のみで答える形式です。', null, calc).predicted).toEqual(['28']);
  });

  it('the examples are the ones the system prompts show', () => {
    expect(INSTRUCTED_EXAMPLES).toEqual(['a', 'a,c', 'a,c,e', '3.14']);
  });
});

describe('the last marker that is the model’s answer wins', () => {
  it('an example first, the answer last (the reference reads the example)', () => {
    const text = '形式は「【回答】a」のように指定されていますが、選択肢dが正しいので、「【回答】d」と出力します。';
    const x = extractAnswer(text, null, choice);
    expect(x).toMatchObject({ ok: true, predicted: ['d'] });
    expect(x.notes).toContain('last-marker');
  });

  it('an answer given in the words of the format is an answer ("最終出力形式は【回答】d です")', () => {
    expect(extractAnswer('', '…したがって正しいのは選択肢 d です。\n\n最終出力形式は【回答】d です。', choice).predicted).toEqual(['d']);
    expect(extractAnswer('', '…Thus answer b.\n\nThus output format: 【回答】b', choice).predicted).toEqual(['b']);
  });

  it('a marker that may be the example is used only when no marker is an answer', () => {
    // "最終出力形式は【回答】a": the instructed example, named as the format. Alone, it is the answer given…
    expect(extractAnswer('', '結論：診断は凍瘡（a）である。\n\n最終出力形式は【回答】a', choice).predicted).toEqual(['a']);
    // …but never over an answer.
    expect(extractAnswer('', '最終出力形式は【回答】a,c,e\n\nしたがって【回答】b,d', choice).predicted).toEqual(['b', 'd']);
    expect(extractAnswer('【回答】b,d\n\n回答形式: 【回答】a,c,e', null, choice).predicted).toEqual(['b', 'd']);
  });

  it('a thought ("315? Wait…") is passed over for an answer, and used only alone', () => {
    expect(extractAnswer('', '【回答】315? Wait, recompute.\n…\n【回答】316', calc).predicted).toEqual(['316']);
    expect(extractAnswer('', '【回答】316\n\nHmm 【回答】315? maybe', calc).predicted).toEqual(['316']);
    expect(extractAnswer('', '【回答】1.20? But they ask for a number.', calc).predicted).toEqual(['1.20']);
  });

  it('【解答】 and the like count only where 【回答】 is absent', () => {
    const x = extractAnswer('【解答】c', null, choice);
    expect(x).toMatchObject({ ok: true, predicted: ['c'] });
    expect(x.notes).toContain('alt-marker');
    expect(extractAnswer('【解答】a\n【回答】b', null, choice).predicted).toEqual(['b']);
  });
});

describe('the content’s answer comes first; the reasoning text only when the content has none', () => {
  const reasoning = 'BMI = 70 / 1.6^2 = 27.3… wait, 70/2.5 = 28. Format: 「【回答】3.14」のように数値のみ。\n【回答】3.14 but we need the number.';

  it('"約 28" and "BMIは28です" are read from the content', () => {
    expect(extractAnswer('【回答】約 28', reasoning, calc)).toMatchObject({ ok: true, predicted: ['28'], source: 'content' });
    expect(extractAnswer('【回答】BMIは28です', reasoning, calc)).toMatchObject({ ok: true, predicted: ['28'], source: 'content' });
  });

  it('the reasoning fallback never takes the format example 3.14', () => {
    expect(extractAnswer('BMI is about 28.', reasoning, calc)).toMatchObject({ ok: false, predicted: [], source: null });
    expect(referenceExtract('BMI is about 28.', reasoning, 'calculation').predicted).toEqual(['3.14」のように数値のみ。']);
  });

  it('…while the content may answer 3.14 (its answer, even copied from the prompt)', () => {
    expect(extractAnswer('【回答】3.14', null, calc).predicted).toEqual(['3.14']);
  });

  it('an ambiguous content answer is final: no number is taken from the reasoning or its working', () => {
    for (const content of ['【回答】28〜29', '【回答】28 または 29', '【回答】BMIは28.1で、四捨五入すると28']) {
      expect(extractAnswer(content, '…\n【回答】28', calc)).toMatchObject({ ok: false, predicted: [], source: null, notes: ['ambiguous'] });
    }
  });

  it('an alternative on the next line makes the answer ambiguous too', () => {
    for (const content of ['【回答】28\nまたは29', '【回答】28\n\n（または 29）', '【回答】28\nor 29', '【回答】28\n乃至 29']) {
      expect(extractAnswer(content, null, calc), content).toMatchObject({ ok: false, notes: ['ambiguous'] });
    }
    for (const content of ['【回答】c\nまたは e', '【回答】c\n\nもしくは e の可能性もある']) {
      expect(extractAnswer(content, null, choice), content).toMatchObject({ ok: false, notes: ['ambiguous'] });
    }
    // Any other next line is not part of the answer.
    expect(extractAnswer('【回答】c\n\n理由: a は誤り', null, choice).predicted).toEqual(['c']);
  });

  it('a content with no number at all falls back to the reasoning text, as the reference does for no marker', () => {
    expect(extractAnswer('【回答】わかりません', '…\n【回答】28', calc)).toMatchObject({ ok: true, predicted: ['28'], source: 'reasoning' });
    expect(extractAnswer('BMIは28です', '…\n【回答】28', calc)).toMatchObject({ ok: true, predicted: ['28'], source: 'reasoning' });
  });
});
