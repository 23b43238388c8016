/**
 * Text helpers shared by the answer readers. Every function here is linear in
 * its input: answer lines come from model output, which can be megabytes of one
 * repeated phrase.
 */

/** White space in either sense (JavaScript's \s and Python's): our extraction skips and splits on both. */
export const ANY_WS = '\\s\\x1c-\\x1f\\x85';
export const ANY_WS_CHAR = new RegExp(`[${ANY_WS}]`, 'u');
const WS_RUN = new RegExp(`[${ANY_WS}]+`, 'gu');

/** `s` without leading and trailing characters that match `ws` (one character). Linear, unlike a regex on long blank runs. */
export function stripWith(s: string, ws: RegExp): string {
  let i = 0;
  let j = s.length;
  while (i < j && ws.test(s[i] as string)) i++;
  while (j > i && ws.test(s[j - 1] as string)) j--;
  return s.slice(i, j);
}

export const trimAny = (s: string): string => stripWith(s, ANY_WS_CHAR);

/**
 * Every run of white space as one space, trimmed. The readers' patterns then
 * never meet a long blank run, where two adjacent `\s*` would backtrack
 * quadratically.
 */
export const collapseSpaces = (s: string): string => trimAny(s.replace(WS_RUN, ' '));

/** LaTeX commands that name a symbol the readers understand. */
const LATEX_SYMBOLS: readonly [RegExp, string][] = [
  [/\\(?:times|cdot)(?![a-zA-Z])/g, '×'],
  [/\\(?:approx|simeq)(?![a-zA-Z])/g, '≈'],
  [/\\sim(?![a-zA-Z])/g, '~'],
  [/\\pm(?![a-zA-Z])/g, '±'],
  [/\\(?:leq?|leqslant)(?![a-zA-Z])/g, '≤'],
  [/\\(?:geq?|geqslant)(?![a-zA-Z])/g, '≥'],
  [/\\%/g, '%'],
  // "1\,200": a thin space groups digits; the other spacing commands are spaces.
  [/\\,/g, ''],
  [/\\[;:! ]|\\q?quad(?![a-zA-Z])/g, ' '],
];

/**
 * LaTeX a model may wrap an answer in (`$\boxed{315}$`, `\(\frac{2}{5}\)`,
 * `\text{c}`), reduced to plain text: wrappers unwrapped, fractions written
 * a/b, symbols as their characters, other commands and braces dropped.
 */
export function stripLatex(s: string): string {
  if (!s.includes('\\') && !s.includes('$')) return s;
  let t = s;
  // Nested wrappers (\boxed{\text{c}}): unwrap innermost first, a few levels deep.
  for (let i = 0; i < 3; i++) t = t.replace(/\\(?:boxed|fbox|text|textbf|textrm|mathrm|mathbf|operatorname)\s?\{([^{}]*)\}/g, ' $1 ');
  t = t.replace(/\\[dt]?frac\s?\{([^{}]*)\}\s?\{([^{}]*)\}/g, '$1/$2');
  for (const [re, to] of LATEX_SYMBOLS) t = t.replace(re, to);
  return t
    .replace(/\\[()[\]]/g, ' ')
    .replace(/\$/g, '')
    .replace(/[{}]/g, '')
    .replace(/\\[a-zA-Z]+/g, ' ');
}

/** Markdown emphasis, code and heading characters (the reference strips the same four). */
export const stripMarkdown = (s: string): string => s.replace(/[*_`#]/g, '');

/**
 * Words that state an alternative anywhere in an answer ("ただし e の可能性もあります",
 * "c, e のどちらか", "e も可", "and/or"). With a second value on the line, the answer is ambiguous.
 */
export const ALTERNATIVE_WORDS =
  /または|又は|もしくは|若しくは|あるいは|或いは|ないし|乃至|どちらか|いずれか|可能性も|かもしれ|も可|でも可|でもよ|でも良|も正解|(?<![a-z])(?:or|either|alternatively|possibly)(?![a-z])/iu;

/** The start of a line that continues an answer with an alternative ("【回答】28\nまたは 29"). */
export const ALTERNATIVE_CONTINUATION =
  /^[ \t\u3000*_`#>(（「『\-・]*(?:または|又は|もしくは|若しくは|あるいは|或いは|ないし|乃至|(?<![a-z])(?:or|either|alternatively)(?![a-z]))/iu;
