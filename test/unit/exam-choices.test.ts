import { describe, expect, it } from 'vitest';
import { choiceLettersInText } from '../../src/exam/choices.js';
import { mulberry32 } from '../../src/util/prng.js';

/** The rule as the pattern it was written as (choices.ts): the scan must find exactly what it finds. */
const CHOICE_LINE = /^[ \t\u3000|]*([a-zａ-ｚ])[ \t\u3000.．:：)）|]/gmu;
function byPattern(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(CHOICE_LINE)) {
    const letter = (m[1] ?? '').normalize('NFKC');
    if (letter === String.fromCharCode(97 + found.length)) found.push(letter);
  }
  return found;
}

describe('choiceLettersInText', () => {
  it('reads the choices as the 120th prints them', () => {
    const text = '45歳の男性。腹痛を主訴に来院した。\n\na　緊急手術\nb　抗菌薬投与\nc　経過観察\nd　内視鏡検査\ne　腹部CT';
    expect(choiceLettersInText(text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('takes indents, full-width letters and the other separators; ignores letters out of order and mid-line', () => {
    expect(choiceLettersInText('問題\n　ａ．甲\n\t|b) 乙\r\nc：丙\u2028d|丁\u2029e．戊')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(choiceLettersInText('b　先\na　甲\nc　飛んだ\nb　乙')).toEqual(['a', 'b']);
    expect(choiceLettersInText('本文 a　途中\na\n' + 'aX')).toEqual([]);
    expect(choiceLettersInText('')).toEqual([]);
    expect(choiceLettersInText('a　')).toEqual(['a']);
    expect(choiceLettersInText('\n\n')).toEqual([]);
  });

  it('finds what the pattern finds, on 5,000 random texts made of the characters that matter', () => {
    const alphabet = [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'z',
      'ａ',
      'ｂ',
      'ｃ',
      'Ａ',
      'A',
      ' ',
      '\t',
      '\u3000',
      '|',
      '.',
      '．',
      ':',
      '：',
      ')',
      '）',
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      'x',
      '本',
      '😀',
      '\ud800',
    ];
    const rand = mulberry32(120);
    for (let t = 0; t < 5000; t++) {
      let text = '';
      const len = (rand() * 60) | 0;
      for (let i = 0; i < len; i++) text += alphabet[(rand() * alphabet.length) | 0];
      expect(choiceLettersInText(text), JSON.stringify(text)).toEqual(byPattern(text));
    }
  });
});
