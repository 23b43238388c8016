import { describe, expect, it } from 'vitest';
import { extractAnswer, referenceParse } from '../../src/extract/extract.js';

const choice = { type: 'multiple_choice' as const, choices: ['a', 'b', 'c', 'd', 'e'] };
const read = (line: string) => extractAnswer(`【回答】${line}`, null, choice);

describe('choice answers the reference reads are read the same', () => {
  it.each([
    ['c', ['c']],
    ['a,c', ['a', 'c']],
    ['c、e', ['c', 'e']],
    ['A, C, E', ['a', 'c', 'e']],
    ['**b**', ['b']],
    ['c です', ['c']],
    ['c と出力します', ['c']],
    ['c 正解です', ['c']],
    ['c が正解', ['c']],
    ['a and c', ['a', 'c']],
    ['a と c', ['a', 'c']],
    ['c - 急性膵炎、e - 慢性膵炎', ['c', 'e']],
    ['| c |', ['c']],
    ['c (a は禁忌)', ['c']],
    ['c & e', ['c', 'e']],
  ])('%j → %j, as the reference', (line, letters) => {
    expect(referenceParse(`【回答】${line}`, 'multiple_choice').predicted).toEqual(letters);
    expect(read(line)).toMatchObject({ ok: true, predicted: letters, notes: [] });
  });
});

describe('choice answers the reference misses, read where the intent is plain', () => {
  it.each([
    ['c】', ['c'], 'bracket-stripped'],
    ['「d」', ['d'], 'bracket-stripped'],
    ['d.', ['d'], 'bracket-stripped'],
    ['(a), (c)', ['a', 'c'], 'bracket-stripped'],
    ['b: 上顎癌再発が最も考えられる', ['b'], 'bracket-stripped'],
    ['c：急性膵炎', ['c'], 'bracket-stripped'],
    ['c)急性膵炎', ['c'], 'bracket-stripped'],
    ['a, c（どちらも正しい）', ['a', 'c'], 'bracket-stripped'],
    ['$\\boxed{c}$', ['c'], 'bracket-stripped'],
    ['ａ，ｃ', ['a', 'c'], 'fullwidth'],
    ['a・c', ['a', 'c'], 'joined-letters'],
    ['aとc', ['a', 'c'], 'joined-letters'],
  ])('%j → %j (%s)', (line, letters, note) => {
    expect(referenceParse(`【回答】${line}`, 'multiple_choice').predicted).not.toEqual(letters);
    const x = read(line);
    expect(x).toMatchObject({ ok: true, predicted: letters });
    expect(x.notes).toContain(note);
  });

  it("letters outside the question's choices are not answers", () => {
    expect(read('f').ok).toBe(false);
    expect(extractAnswer('【回答】f', null, { type: 'multiple_choice', choices: ['a', 'b', 'c', 'd', 'e', 'f'] }).predicted).toEqual(['f']);
  });
});

describe('a range or an alternative between letters is ambiguous: never credited', () => {
  it.each([
    'a または c',
    'aまたはc',
    'a or c',
    'a か c',
    'aかc',
    'a/c',
    'a／c',
    'a〜c',
    'a-c',
    'a から c',
    'b もしくは d',
    'a あるいは b',
    'a, c or e',
    'c, or e',
    'c (or e)',
    'c（またはe）',
    'C or E',
    'c and/or e',
    'c, e のどちらか',
    'c (e も可)',
    'c です。ただし e の可能性もあります',
  ])('%j', (line) => {
    expect(read(line)).toMatchObject({ ok: false, predicted: [], source: null, notes: ['ambiguous'] });
  });

  it('even where the reference credits it ("a または c" reads as a, c there): stating an alternative is not selecting both', () => {
    expect(referenceParse('【回答】a または c', 'multiple_choice').predicted).toEqual(['a', 'c']);
    expect(read('a または c').ok).toBe(false);
  });

  it('the reasoning text is not consulted for another answer', () => {
    expect(extractAnswer('【回答】a または c', '…【回答】c', choice)).toMatchObject({ ok: false, notes: ['ambiguous'] });
  });
});

describe('per-option verdicts are not a selection', () => {
  it.each(['a: 誤り、b: 誤り、c: 正しい', 'a ○ b × c ○', 'a: ×, b: ○', 'a - 誤り, c - 正しい', 'a) 正しい b) 誤り'])('%j selects nothing', (line) => {
    const x = read(line);
    expect(x).toMatchObject({ ok: false, predicted: [] });
    expect(x.notes).toContain('per-option-verdicts');
  });

  it('the reasoning text is then read, as the reference does', () => {
    const content = '【回答】a: 誤り、b: 誤り、c: 正しい';
    expect(referenceParse(content, 'multiple_choice').ok).toBe(false);
    const x = extractAnswer(content, '…したがって【回答】c', choice);
    expect(x).toMatchObject({ ok: true, predicted: ['c'], source: 'reasoning' });
    expect(x.notes).toContain('per-option-verdicts');
  });

  it('one letter judged wrong is not selected; one judged right is ("c 正解です")', () => {
    expect(read('a: 誤り').ok).toBe(false);
    expect(read('c: 正しい').predicted).toEqual(['c']);
    expect(read('c, a は誤り').predicted).toEqual(['c']);
  });
});

describe('no answer on the line', () => {
  it.each(['', 'わかりません', 'none', 'なし', '該当なし', '| 選択肢 | 判定 |'])('%j is a parse failure, and the reasoning text is read', (line) => {
    expect(read(line)).toMatchObject({ ok: false, predicted: [], source: null });
    expect(extractAnswer(`【回答】${line}`, '【回答】b', choice)).toMatchObject({ ok: true, predicted: ['b'], source: 'reasoning' });
  });
});
