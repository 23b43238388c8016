import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAnswer, normaliseNumber, referenceExtract, referenceParse } from '../../src/extract/extract.js';
import { RESULTS_DIR } from '../helpers/data.js';

/** A real response from the published result files: every improvement is tested on one. */
function realRecord(file: string, id: string): { raw_response: string; reasoning?: string | null } {
  const data = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) as { results: { question_id: string; raw_response: string; reasoning?: string }[] };
  const r = data.results.find((x) => x.question_id === id);
  if (!r) throw new Error(`${file}: no ${id}`);
  return r;
}

const choice = { type: 'multiple_choice' as const, choices: ['a', 'b', 'c', 'd', 'e'] };
const calc = { type: 'calculation' as const, choices: [] };

describe('reference behaviour', () => {
  it('takes the text after 【回答】, strips markdown, splits on , 、 and spaces, keeps single letters, sorted and unique', () => {
    expect(referenceParse('考察…\n\n【回答】**c, a、c**', 'multiple_choice')).toEqual({ predicted: ['a', 'c'], ok: true });
    expect(referenceParse('【回答】 B', 'multiple_choice')).toEqual({ predicted: ['b'], ok: true });
    expect(referenceParse('答えはcです', 'multiple_choice')).toEqual({ predicted: [], ok: false });
    expect(referenceParse('【回答】3 1 5', 'calculation')).toEqual({ predicted: ['3 1 5'], ok: true });
  });
  it("crosses a line break after the marker, as Python's \\s* does", () => {
    expect(referenceParse('【回答】\n\nd', 'multiple_choice')).toEqual({ predicted: ['d'], ok: true });
  });
  // Expected values from Python 3.11 running the reference's parse_answer on the same strings.
  // Python's \s and str.strip() include U+001C–U+001F and U+0085 but not U+FEFF; its `.` stops only at \n.
  it.each([
    ['【回答】b\u001c', ['b'], true],
    ['【回答】a\rc', ['a', 'c'], true],
    ['【回答】a\u0085c', ['a', 'c'], true],
    ['【回答】\ufeffa', [], false],
    ['【回答】\u2028c', ['c'], true],
  ])("uses Python's white space and line rules: %j", (raw, predicted, ok) => {
    expect(referenceParse(raw, 'multiple_choice')).toEqual({ predicted, ok });
  });
  it('calculation: the captured line is kept whole up to \\n and stripped as Python does', () => {
    expect(referenceParse('【回答】a\rc', 'calculation')).toEqual({ predicted: ['a\rc'], ok: true });
    expect(referenceParse('【回答】 \u2029\n3.5\u001f', 'calculation')).toEqual({ predicted: ['3.5'], ok: true });
  });
  it('falls back to the reasoning text when the content gives nothing', () => {
    expect(referenceExtract('', '…【回答】e', 'multiple_choice')).toEqual({ predicted: ['e'], ok: true });
  });
});

describe('extractAnswer agrees with the reference on ordinary answers', () => {
  for (const raw of [
    '【回答】a',
    '【回答】a,c',
    '【回答】 c、e',
    '【回答】**b**',
    '解説…\n【回答】d\n\n補足',
    '【回答】A, C, E',
    '【回答】b\u001c',
    '【回答】a\u0085c',
    '【回答】a\r\n',
  ]) {
    it(JSON.stringify(raw), () => {
      const ref = referenceParse(raw, 'multiple_choice');
      const ours = extractAnswer(raw, null, choice);
      expect(ours.predicted).toEqual(ref.predicted);
      expect(ours.ok).toBe(true);
      expect(ours.notes).toEqual([]);
      expect(ours.source).toBe('content');
    });
  }
});

describe('improvements, each on a real response', () => {
  it('a trailing 】 after the letter (gpt-oss-120b (low), 120A-62: "【回答】c】")', () => {
    const r = realRecord('openai_gpt-oss-120b_low.json', '120A-62');
    expect(r.raw_response).toBe('【回答】c】');
    expect(referenceExtract(r.raw_response, r.reasoning, 'multiple_choice').ok).toBe(false);
    const x = extractAnswer(r.raw_response, r.reasoning, choice);
    expect(x).toMatchObject({ predicted: ['c'], ok: true, source: 'content' });
    expect(x.notes).toContain('bracket-stripped');
  });

  it('the last marker when several appear (Preferred-MedRECT-32B reasoning, 120A-11: format example first, answer last)', () => {
    const text = realRecord('pfnet_Preferred-MedRECT-32B.json', '120A-11').reasoning ?? '';
    expect(text).toContain('「【回答】a」のように指定されていますが');
    expect(referenceParse(text, 'multiple_choice').ok).toBe(false);
    const x = extractAnswer(text, null, choice);
    expect(x.predicted).toEqual(['d']);
    expect(x.notes).toEqual(expect.arrayContaining(['last-marker', 'bracket-stripped']));
  });

  it('the last marker with two letters in quotes (Preferred-MedRECT-32B reasoning, 120A-13 → c,e)', () => {
    const text = realRecord('pfnet_Preferred-MedRECT-32B.json', '120A-13').reasoning ?? '';
    expect(extractAnswer(text, null, choice).predicted).toEqual(['c', 'e']);
  });

  it('a trailing full stop (Qwen3-Swallow-32B-RL reasoning, 120D-32: "output: 【回答】b.")', () => {
    const text = realRecord('tokyotech-llm_Qwen3-Swallow-32B-RL-v0.2.json', '120D-32').reasoning ?? '';
    expect(referenceParse(text, 'multiple_choice')).toEqual({ predicted: ['b'], ok: true });
    expect(extractAnswer(text, null, choice).predicted).toEqual(['b']);
  });

  it('the reasoning text is used only when the content gives nothing', () => {
    const x = extractAnswer('I think it is c', '…【回答】c', choice);
    expect(x).toMatchObject({ predicted: ['c'], ok: true, source: 'reasoning' });
    const y = extractAnswer('【回答】a', '【回答】c', choice);
    expect(y).toMatchObject({ predicted: ['a'], source: 'content' });
  });

  // No published response uses another marker or full-width letters after the marker; these two are
  // the real 120A-62 response of gpt-oss-120b (low) ("【回答】c】") with only the marker / letter changed.
  it('【解答】 where the instructed 【回答】 is absent (120A-62 response with the marker swapped)', () => {
    const raw = realRecord('openai_gpt-oss-120b_low.json', '120A-62').raw_response.replace('【回答】', '【解答】');
    const x = extractAnswer(raw, null, choice);
    expect(x).toMatchObject({ predicted: ['c'], ok: true });
    expect(x.notes).toContain('alt-marker');
    // …but never where 【回答】 is present.
    expect(extractAnswer('【解答】a\n【回答】b', null, choice).predicted).toEqual(['b']);
  });

  it('full-width letters and separators (120A-62 response with a full-width ｃ)', () => {
    const raw = realRecord('openai_gpt-oss-120b_low.json', '120A-62').raw_response.replace('c', 'ｃ');
    const x = extractAnswer(raw, null, choice);
    expect(x.predicted).toEqual(['c']);
    expect(extractAnswer('【回答】ａ，ｃ', null, choice).predicted).toEqual(['a', 'c']);
    expect(extractAnswer('【回答】ａ，ｃ', null, choice).notes).toContain('fullwidth');
  });

  it("letters outside the question's choices are not answers", () => {
    expect(extractAnswer('【回答】f', null, choice).ok).toBe(false);
    expect(extractAnswer('【回答】f', null, { type: 'multiple_choice', choices: ['a', 'b', 'c', 'd', 'e', 'f'] }).predicted).toEqual(['f']);
  });

  it('a marker with nothing valid after it is a parse failure, not a guess', () => {
    expect(extractAnswer('【回答】', null, choice)).toMatchObject({ ok: false, predicted: [], source: null });
    expect(extractAnswer('【回答】わかりません', null, choice).ok).toBe(false);
    expect(extractAnswer(null, null, choice).ok).toBe(false);
  });
});

describe('a response stuck repeating the marker', () => {
  // A degenerate generation can repeat 【回答】 until max_tokens, all on one line. Trying every marker
  // cost markers × line length (minutes for 100,000); only the last 50 and the first are tried.
  const junk = '【回答】わからない '.repeat(100_000);
  it('still finds the answer after the last marker, quickly (within the default test timeout)', () => {
    expect(extractAnswer(`${junk}【回答】c`, null, choice)).toMatchObject({ predicted: ['c'], ok: true });
    expect(extractAnswer('【回答】'.repeat(100_000), null, calc).ok).toBe(false);
  });
  it("and the first marker, the reference's, is always tried", () => {
    expect(extractAnswer(`【回答】b\n${'【回答】？\n'.repeat(200)}`, null, choice)).toMatchObject({ predicted: ['b'], ok: true, notes: [] });
  });
});

describe('calculation answers', () => {
  it('digits spaced out as on a mark sheet (gpt-oss-120b (low), 120A-75: "3 1 5") read as 315', () => {
    const r = realRecord('openai_gpt-oss-120b_low.json', '120A-75');
    expect(r.raw_response).toBe('【回答】3 1 5');
    const x = extractAnswer(r.raw_response, null, calc);
    expect(x.predicted).toEqual(['315']);
    expect(x.notes).toContain('numeric-normalised');
  });
  it('Qwen3-32B (no-think), 120D-75: "【回答】2 8" → 28', () => {
    const r = realRecord('Qwen_Qwen3-32B_nothink.json', '120D-75');
    expect(extractAnswer(r.raw_response, null, calc).predicted).toEqual(['28']);
  });
  it('units after the number are ignored (gpt-oss-20b (medium), 120A-74: "1.200 g/日")', () => {
    const r = realRecord('openai_gpt-oss-20b_medium.json', '120A-74');
    expect(extractAnswer(r.raw_response, null, calc).predicted).toEqual(['1.200']);
  });
  it('only one-digit groups are joined: "28 2桁" and "12 3" are two numbers (ambiguous), never 282, 123 or the first', () => {
    expect(normaliseNumber('28 2桁')).toBeNull();
    expect(normaliseNumber('12 3')).toBeNull();
    expect(normaliseNumber('0 . 4')).toBe('0.4');
    expect(normaliseNumber('3 1 5 mL')).toBe('315');
    expect(normaliseNumber('1,200')).toBe('1200');
  });
  it('markdown and full-width digits are stripped', () => {
    expect(normaliseNumber('28**')).toBe('28');
    expect(normaliseNumber('**0.40**')).toBe('0.40');
    expect(normaliseNumber('３１５')).toBe('315');
    expect(normaliseNumber('０．４')).toBe('0.4');
    expect(normaliseNumber('\\boxed{315}')).toBe('315');
    expect(normaliseNumber('about 3')).toBe('3');
    expect(normaliseNumber('about')).toBeNull();
  });
  it('the last marker wins (gpt-oss-20b (medium) reasoning, 120D-75: the 3.14 format example first, 28.1 last)', () => {
    const text = realRecord('openai_gpt-oss-20b_medium.json', '120D-75').reasoning ?? '';
    expect(extractAnswer(text, null, calc).predicted).toEqual(['28.1']);
  });
});

describe('format examples in real reasoning texts (read alone, as when the content gives nothing)', () => {
  it('Preferred-MedRECT-32B, 120D-75: the reference reads the "【回答】3.14」のように" example; we read the answer, 28', () => {
    const text = realRecord('pfnet_Preferred-MedRECT-32B.json', '120D-75').reasoning ?? '';
    expect(referenceParse(text, 'calculation').predicted[0]).toMatch(/^3\.14」のように/);
    expect(extractAnswer('', text, calc)).toMatchObject({ ok: true, predicted: ['28'], source: 'reasoning' });
  });

  it('gpt-oss-120b (low), 120A-74: "【回答】3.14 but we answer numeric maybe 0.4?" is the format example and a thought, never 3.14', () => {
    const text = realRecord('openai_gpt-oss-120b_low.json', '120A-74').reasoning ?? '';
    expect(text).toContain('【回答】3.14 but');
    expect(extractAnswer('', text, calc)).toMatchObject({ ok: false, predicted: [] });
  });

  it('Preferred-MedRECT-32B, 120C-19: the example a is quoted before and after the answer d', () => {
    const text = realRecord('pfnet_Preferred-MedRECT-32B.json', '120C-19').reasoning ?? '';
    expect(text).toContain('問題文の例示は「【回答】a」ですが');
    expect(extractAnswer('', text, choice).predicted).toEqual(['d']);
  });

  it('Preferred-MedRECT-32B, 120D-5: "最終出力形式は【回答】d です" states the answer in the words of the format', () => {
    const text = realRecord('pfnet_Preferred-MedRECT-32B.json', '120D-5').reasoning ?? '';
    expect(text).toContain('最終出力形式は【回答】d です');
    expect(extractAnswer('', text, choice).predicted).toEqual(['d']);
  });
});
