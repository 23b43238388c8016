import { describe, expect, it } from 'vitest';
import { normaliseNumber, readNumber, sameNumber } from '../../src/extract/number.js';
import { numericEqual } from '../../src/scoring/correct.js';

describe('a calculation answer is read as the one number meant', () => {
  it.each([
    ['315', '315'],
    ['0.40', '0.40'],
    ['28**', '28'],
    ['**0.40**', '0.40'],
    ['３１５', '315'],
    ['０．４', '0.4'],
    ['1.200 g/日', '1.200'],
    ['28 kg/m²', '28'],
    ['315 mOsm/kgH₂O', '315'],
    ['28%', '28'],
    ['28。', '28'],
    ['- 315', '315'],
    ['-3', '-3'],
    ['−0.5', '-0.5'],
  ])('%j → %s (markdown, full-width forms, units, a list bullet, a sign)', (line, value) => {
    expect(readNumber(line)).toEqual({ kind: 'value', value });
  });

  it.each([
    ['3 1 5', '315'],
    ['2 8', '28'],
    ['0 . 4 0', '0.40'],
    ['3 1 5 mL', '315'],
  ])('digits spaced out one per group, as on a mark sheet: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['①3 ②1 ③5', '315'],
    ['①2 ②8', '28'],
    ['①26torr', '26'],
    ['①②③ = 315', '315'],
  ])('circled numbers are box labels, not digits (NFKC would read ① as 1): %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['1,200', '1200'],
    ['12,345.6', '12345.6'],
    ['0,4', '0.4'],
    ['0,400', '0.400'],
  ])('a thousands separator or a decimal comma where only one reading is possible: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['1.2e3', '1200'],
    ['4e-1', '0.4'],
    ['1.2×10^3', '1200'],
    ['1.2 x 10^3', '1200'],
    ['1.2×10³', '1200'],
    ['1.2×10⁻³', '0.0012'],
    ['10^3', '1000'],
  ])('exponents, computed exactly: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['2/5', '0.4'],
    ['1/8', '0.125'],
    ['70/2.5', '28'],
    ['\\frac{2}{5}', '0.4'],
  ])('a fraction that terminates is its value: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['\\boxed{315}', '315'],
    ['$\\boxed{0.40}$', '0.40'],
    ['\\(28\\)', '28'],
    ['1\\,200', '1200'],
  ])('LaTeX: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });

  it.each([
    ['約 28', '28'],
    ['約28 kg/m²', '28'],
    ['about 3', '3'],
    ['≒ 0.4', '0.4'],
    ['28 前後', '28'],
    ['BMIは28です', '28'],
    ['BMI 28 kg/m2', '28'],
    ['計算すると 70/2.5 = 28', '28'],
    ['28.1 ≒ 28', '28'],
    ['28（四捨五入前 28.1 を丸めた値）', '28'],
    ['0.4 (= 2/5)', '0.4'],
  ])('a number stated in words, an equation or with a remark: %j → %s', (line, value) => {
    expect(normaliseNumber(line)).toBe(value);
  });
});

describe('a line that states more than one value is ambiguous, never one of them', () => {
  it.each([
    '28〜29',
    '28～29',
    '28~29',
    '28-29',
    '28 - 29',
    '28–29',
    '28 または 29',
    '28または29',
    '28 29',
    '315 or 316',
    '28/29',
    '28 / 29',
    '28、29',
    '28, 29',
    '28,29',
    '1,2',
    '28か29',
    '28 と 29',
    '28 to 29',
    '28 ± 1',
    '28 (29)',
    '28（または29）',
    '約28〜29',
    '-28〜-29',
    '28、または29',
    '28, or 29',
    '28ー29',
    '28 vs 29',
    '28 & 29',
    '28 [29]',
    '28 (±1)',
    '28（29も可）',
    '28 です。ただし 29 の可能性もあります',
  ])('two values, a range or an alternative: %j', (line) => {
    expect(readNumber(line)).toEqual({ kind: 'ambiguous' });
    expect(normaliseNumber(line)).toBeNull();
  });

  it.each(['3 15', '12 3', '28 2桁', '1 200'])('digit groups that are not all one digit are two numbers: %j', (line) => {
    expect(readNumber(line)).toEqual({ kind: 'ambiguous' });
  });

  it.each(['28以上', '28 以下', '28未満', '28+', '28〜', '~28', '〜28', '<28', '≥ 28', 'at least 28', '28 or more'])(
    'a bound or an open range is not one value: %j',
    (line) => {
      expect(readNumber(line)).toEqual({ kind: 'ambiguous' });
    },
  );

  it.each(['BMIは28.1で、四捨五入すると28', '28.1を四捨五入して28', '1日尿蛋白量は0.4 g', '体重70kg、身長1.6mなので28'])(
    'prose with several numbers does not say which is the answer: %j',
    (line) => {
      expect(readNumber(line)).toEqual({ kind: 'ambiguous' });
    },
  );

  it.each(['1/3', '2^3', '①=3, ②=1, ③=5', `${'1'.repeat(41)}`, '1e999999999', '10^99999999'])(
    'a number that cannot be marked, or is no number at all: %j',
    (line) => {
      expect(readNumber(line)).toEqual({ kind: 'ambiguous' });
    },
  );
});

describe('no number', () => {
  it.each(['', 'わかりません', 'なし', 'a', 'H2O', 'kg/m^2'])('%j', (line) => {
    expect(readNumber(line)).toEqual({ kind: 'none' });
  });
});

describe('calculation answers are compared as numbers', () => {
  it('the same number however written', () => {
    expect(numericEqual('0.4', '0.40')).toBe(true);
    expect(numericEqual('0.400', '0.40')).toBe(true);
    expect(numericEqual('2/5', '0.40')).toBe(true);
    expect(numericEqual('1.2e3', '1200')).toBe(true);
    expect(sameNumber('-0', '0')).toBe(true);
  });
  it('a different number, or no single number, is never equal', () => {
    expect(numericEqual('28.1', '28')).toBe(false);
    expect(numericEqual('28〜29', '28')).toBe(false);
    expect(numericEqual('0.1', '0.10000000000000001')).toBe(false);
    expect(numericEqual('', '')).toBe(false);
  });
});
