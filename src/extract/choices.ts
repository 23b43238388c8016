import type { ExtractionNote } from './types.js';
import { referenceTokens } from './reference.js';
import { ALTERNATIVE_WORDS, ANY_WS, collapseSpaces, stripLatex, stripMarkdown, trimAny } from './text.js';

/**
 * Reading a choice answer line: the selected letters.
 *
 * As the reference: split on commas, 、 and white space, keep the tokens that
 * are one letter. Besides, where the intent is plain: full-width forms, a
 * letter in brackets or quotes or before a colon or full stop ("c】", "「d」",
 * "b:", "d."), LaTeX (`\boxed{c}`), letters joined by a conjunction ("a・c",
 * "aとc"). And where a line is not a selection, nothing:
 * - letters with a range or an alternative between them ("a または c",
 *   "a or c", "aかc", "a/c", "a〜c") are `ambiguous`;
 * - letters each followed by a verdict ("a: 誤り、b: 誤り、c: 正しい",
 *   "a ○ b ×") are `verdicts`, a judgement of every option, not a selection;
 *   one letter followed by a negative verdict ("a: 誤り") is not selected;
 * - a remark in brackets after the answer ("c (a は禁忌)") selects nothing.
 */

export type ChoiceReading =
  | { readonly kind: 'letters'; readonly letters: string[]; readonly notes: ExtractionNote[] }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'verdicts' }
  | { readonly kind: 'none' };

const NONE: ChoiceReading = { kind: 'none' };

export const OPENERS = /^[「『【(（[<〈"'“‘]+/u;
const CLOSERS = /[」』】)）\]>〉"'”’.。:：]+$/u;
const SPLIT = new RegExp(`[,、${ANY_WS}]+`, 'u');

/** Words that put a range or an alternative between two letters. */
const ALTERNATIVE = 'または|又は|もしくは|若しくは|あるいは|或いは|ないし|乃至|から|or|か|to|vs\\.?|/|〜|~|-|‐|–|—|―|ー';
/** Words that join two letters into one selection ("a・c", "aとc", "a&c"). */
const CONJUNCTION = '・|と|&|＆|及び|および|and|\\+';

const POSITIVE = '正しい|正しく|正解|適切|妥当|○|◯|〇|✓|✔|true|correct|right|yes|ok';
const NEGATIVE = '誤り|誤っ|誤|不正解|不適切|不適|×|✕|✖|✗|false|incorrect|wrong|no|ng';

function letterClass(letters: readonly string[]): string {
  return `[${letters.map((l) => l.replace(/[\]\\^-]/g, '\\$&')).join('')}]`;
}

interface Patterns {
  readonly verdict: RegExp;
  readonly alternative: RegExp;
  readonly joined: RegExp;
  readonly bracketOfLetters: RegExp;
  readonly labelled: RegExp;
}

const patternCache = new Map<string, Patterns>();

function patterns(letters: readonly string[]): Patterns {
  const key = letters.join('');
  const cached = patternCache.get(key);
  if (cached) return cached;
  const L = letterClass(letters);
  const p: Patterns = {
    // A letter standing alone, then (after a colon, dash, bracket or particle) a verdict.
    verdict: new RegExp(`(?:^|[ ,、(\\[「|/])(${L}) ?(?:(?:[:：\\-=→)\\].、,|]|は|が|も) ?)?(?:(${POSITIVE})|(${NEGATIVE}))(?![a-z])`, 'gu'),
    // Two letters (standing alone) with a range or an alternative between them: "a または c", "aかc", "a/c", "c, or e".
    alternative: new RegExp(`(?<![a-z0-9])${L}[ ,、]*(?:${ALTERNATIVE}) ?${L}(?![a-z0-9])`, 'u'),
    joined: new RegExp(`^${L}(?:(?:${CONJUNCTION})${L})+$`, 'u'),
    bracketOfLetters: new RegExp(`^[ ,、・]*(?:${L}(?![a-z])[ ,、・]*)*$`, 'u'),
    // A letter, a colon, bracket or full stop, then its text in Japanese: "c：急性膵炎", "c)急性膵炎".
    labelled: new RegExp(`^(${L})[:.)\\]](?=[^\\x00-\\x7f])`, 'u'),
  };
  patternCache.set(key, p);
  return p;
}

/** A bracketed group without nested brackets. */
const BRACKETED = /[([]([^()[\]]*)[)\]]/gu;
const OPEN_BRACKET_TO_END = /[([]([^()[\]]*)$/u;

/** The reference's tokenisation: tokens that are exactly a letter (sorted, unique, joined). */
function plainLetters(line: string, letters: readonly string[]): string {
  return [
    ...new Set(
      referenceTokens(line)
        .map((t) => t.toLowerCase())
        .filter((t) => letters.includes(t)),
    ),
  ]
    .sort()
    .join(',');
}

const stripToken = (t: string): string => t.replace(OPENERS, '').replace(CLOSERS, '');

/** The letters a token stands for: itself ("c", "(c)", "c】"), a letter labelling its text ("c：急性膵炎"), or letters joined ("a・c"). */
function tokenLetters(token: string, letters: readonly string[], p: Patterns): { letters: string[]; joined: boolean } {
  const t = stripToken(token);
  if (letters.includes(t)) return { letters: [t], joined: false };
  if (p.joined.test(t)) return { letters: [...t].filter((c) => letters.includes(c)), joined: true };
  const labelled = p.labelled.exec(t);
  return { letters: labelled ? [labelled[1] as string] : [], joined: false };
}

/** Every letter the line names, remarks included. */
function mentioned(s: string, letters: readonly string[], p: Patterns): Set<string> {
  const out = new Set<string>();
  for (const token of s.replace(/[()[\]]/g, ' ').split(SPLIT)) for (const l of tokenLetters(token, letters, p).letters) out.add(l);
  return out;
}

/** Read the letters selected on one answer line (the text after a marker). */
export function readChoices(line: string, letters: readonly string[]): ChoiceReading {
  const p = patterns(letters);
  const normalised = line.normalize('NFKC');
  let s = collapseSpaces(stripMarkdown(stripLatex(normalised)))
    .toLowerCase()
    .replace(OPENERS, '');
  // A quoted or bracketed answer ends at its closing mark: 「【回答】d」と出力します → d.
  const close = s.search(/[」』】”]/u);
  if (close > 0) s = s.slice(0, close);
  s = trimAny(s);
  if (s === '') return NONE;

  // Per-option verdicts: two letters judged, or one judged wrong.
  const judged = new Set<string>();
  const rejected = new Set<string>();
  for (const m of s.matchAll(p.verdict)) {
    judged.add(m[1] as string);
    if (m[3] !== undefined) rejected.add(m[1] as string);
  }
  if (judged.size >= 2) return { kind: 'verdicts' };

  // A range or an alternative between two letters, looked for before remarks are dropped: "c (or e)" is ambiguous;
  // so is a line that names two letters and offers one as an alternative in words ("c です。ただし e の可能性も").
  if (p.alternative.test(s.replace(/[()[\]]/g, ' '))) return { kind: 'ambiguous' };
  if (ALTERNATIVE_WORDS.test(s) && mentioned(s, letters, p).size >= 2) return { kind: 'ambiguous' };

  // A bracketed remark that is not itself a list of letters selects nothing: "c (a は禁忌)" → c.
  // So is one left open at the end of the line (the next marker cut it: "c（形式: 【回答】a,c,e）").
  const kept = s
    .replace(BRACKETED, (group, inner: string) => (p.bracketOfLetters.test(inner) ? group : ' '))
    .replace(OPEN_BRACKET_TO_END, (group, inner: string) => (p.bracketOfLetters.test(inner) ? group : ' '));
  const found = new Set<string>();
  let viaJoin = false;
  for (const token of kept.split(SPLIT)) {
    const read = tokenLetters(token, letters, p);
    for (const l of read.letters) found.add(l);
    viaJoin ||= read.joined;
  }
  for (const r of rejected) found.delete(r);
  const result = [...found].sort();
  if (result.length === 0) return NONE;

  // Name a rule only where it changes the outcome against the reference's tokenisation.
  const notes: ExtractionNote[] = [];
  const plain = plainLetters(line, letters);
  const plainNormalised = plainLetters(normalised, letters);
  if (plainNormalised !== plain) notes.push('fullwidth');
  if (result.join(',') !== plainNormalised) {
    if (rejected.size > 0) notes.push('per-option-verdicts');
    else if (viaJoin) notes.push('joined-letters');
    else notes.push('bracket-stripped');
  }
  return { kind: 'letters', letters: result, notes };
}
