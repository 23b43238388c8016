import { ANSWER_MARKER, systemPrompt } from '../prompt/prompt.js';
import { ALTERNATIVE_CONTINUATION, ANY_WS_CHAR, collapseSpaces, stripMarkdown, trimAny } from './text.js';

/**
 * Where answers are in a text: the 【回答】 markers, the line after each, and
 * whether a marker is the model's answer or part of a format example or an
 * explanation ("（形式: 【回答】a,c,e）", "「【回答】a」のように指定されています",
 * "【回答】の形式で a, b …"), which must never win over the answer.
 */

/** Other answer markers, used only where the instructed 【回答】 is absent. */
export const ALT_MARKERS = ['【解答】', '【最終回答】', '【答え】', '【正解】'] as const;

export interface MarkerSite {
  /** Index of the marker's first character. */
  readonly start: number;
  /** Index just after the marker. */
  readonly end: number;
}

function sitesOf(text: string, marker: string, out: MarkerSite[]): void {
  let i = text.indexOf(marker);
  while (i >= 0) {
    out.push({ start: i, end: i + marker.length });
    i = text.indexOf(marker, i + marker.length);
  }
}

/** Every 【回答】 in order; where there is none, every alternative marker. `alt` says which. */
export function findMarkers(text: string): { sites: MarkerSite[]; alt: boolean } {
  const sites: MarkerSite[] = [];
  sitesOf(text, ANSWER_MARKER, sites);
  if (sites.length > 0) return { sites, alt: false };
  for (const m of ALT_MARKERS) sitesOf(text, m, sites);
  sites.sort((a, b) => a.start - b.start);
  return { sites, alt: sites.length > 0 };
}

/**
 * The text the reference's `\s*(.+)` would capture after a marker, stripped: skip
 * white space (even line breaks), then to the end of that line. (When only white
 * space follows, the reference captures some of it, which strips to "" as here.)
 * Unlike the reference's, the line ends at `limit`, where the next marker
 * starts: "【回答】c（形式: 【回答】a,c,e）" gives c for the first marker.
 * `lineEnd` is where the text's line ends (whatever the limit).
 */
export function answerLineAt(text: string, end: number, limit = text.length): { line: string; lineEnd: number } {
  let i = end;
  while (i < limit && ANY_WS_CHAR.test(text[i] as string)) i++;
  let lineEnd = text.indexOf('\n', i);
  if (lineEnd < 0) lineEnd = text.length;
  return { line: trimAny(text.slice(i, Math.min(lineEnd, limit))), lineEnd };
}

/** Does the first non-blank line after `from` continue the answer with an alternative ("【回答】28\nまたは 29")? */
export function continuesWithAlternative(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && ANY_WS_CHAR.test(text[i] as string)) i++;
  return ALTERNATIVE_CONTINUATION.test(text.slice(i, i + 40));
}

/** The answer after the marker in the prompt's own format line ("【回答】a,c,e", "【回答】3.14"). */
const instructedExample = (prompt: string): string => prompt.slice(prompt.lastIndexOf(ANSWER_MARKER) + ANSWER_MARKER.length).trim();

/** The examples the system prompts show, as extraction reads them: "a", "a,c", "a,c,e" and "3.14". */
export const INSTRUCTED_EXAMPLES: readonly string[] = [
  ...[1, 2, 3].map((n) => instructedExample(systemPrompt({ type: 'multiple_choice', selectCount: n }))),
  instructedExample(systemPrompt({ type: 'calculation', selectCount: 1 })),
];

/**
 * What a marker is, best first. Real reasoning texts state their answer in
 * words that also describe the format ("最終出力形式は【回答】d です"), so
 * only a marker that cannot be the answer is an `example`; the doubtful ones
 * are ranked, and one is used only when no better marker exists.
 * - `answer`: the model's answer.
 * - `hedged`: a thought ("315? Wait…", "c but…"), or the instructed example
 *   named as the format ("最終出力形式は【回答】a").
 * - `quoted`: given as a quotation of the instruction ("「【回答】a」のように
 *   指定されています", "【回答】3.14 とありますが、これは例です").
 * - `example`: a format example or an explanation of the format; never used.
 */
export type MarkerRole = 'answer' | 'hedged' | 'quoted' | 'example';

/** Higher is better; `example` is never used. */
export const ROLE_RANK: Readonly<Record<MarkerRole, number>> = { answer: 3, hedged: 2, quoted: 1, example: 0 };

/** Right after the marker, a particle or a closing quote: the marker is talked about ("【回答】の形式で a, b", "「【回答】」と"). */
const NAMES_THE_MARKER = /^[ \t\u3000]*(?:[のにをとでへやも」』”’)）\]】]|形式|フォーマット|format|欄|部分|として|など)/iu;
/** Just before the marker: an example is being given ("例：【回答】a", "例示は「【回答】a」", "e.g. 【回答】3.14"). */
const EXAMPLE_BEFORE = /(?:例|例示|例えば|たとえば|例として|(?<![a-z])(?:e\.g\.?|for example|example|such as|ex\.))(?: ?(?:は|:|：|,|、))?[ 「『"“'‘(（[]*$/iu;
/** Just before the marker: the format is named ("形式: 【回答】", "format: 【回答】", "出力形式は【回答】"), or "like". */
const FORMAT_BEFORE = /(?:形式|書式|フォーマット|テンプレート|(?<![a-z])(?:format|template|like))(?: ?(?:は|とは|では|:|：|=))?[ 「『"“'‘(（[]*$/iu;

/** The value at the start of an answer line and any closing marks after it (a bounded, lazy prefix). */
const VALUE_HEAD = '[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.,、，．・/+\\-− ]{0,40}?[」』"”\'’)）\\]】 ]{0,8}';
/** After the value: it is given as an example ("a」のように指定", "3.14 とありますが", "a,c などと"). */
const EXAMPLE_AFTER = new RegExp(
  `^${VALUE_HEAD}(?:のよう|などと|など|等|とあ[りる]|と指定|と指示|とのこと|という(?:形式|指示|例|フォーマット|よう|ふう)|は例|(?<![a-z])(?:style|format|e\\.g\\.|for example|as an example)(?![a-z]))`,
  'iu',
);
/** In the rest of the value's clause: the word "example" ("3.14」ですが、これは例示で"). */
const EXAMPLE_IN_CLAUSE = new RegExp(`^${VALUE_HEAD}[^。\\n]{0,30}?(?:例(?!外)|(?<![a-z])(?:example|placeholder)(?![a-z]))`, 'iu');
/** After the value: a thought, not an answer ("315? Wait", "1.20? But", "c but"). */
const TENTATIVE = new RegExp(`^${VALUE_HEAD}(?:[?？]|かな|かも|(?<![a-z])(?:but|wait|hmm|maybe|perhaps)(?![a-z]))`, 'iu');
/** After the value: the word "format" ("【回答】a,c,e の形式で"). */
const FORMAT_AFTER = new RegExp(`^${VALUE_HEAD}(?:の?形式|フォーマット|書式|(?<![a-z])format(?![a-z]))`, 'iu');

/** Is index `at` of `s` inside a bracket opened earlier in `s` and not yet closed? */
function insideBracket(s: string, at: number): boolean {
  const open = Math.max(s.lastIndexOf('(', at), s.lastIndexOf('（', at), s.lastIndexOf('[', at));
  if (open < 0) return false;
  return !/[)）\]]/u.test(s.slice(open, at));
}

export interface RoleContext {
  /** The answers the system prompts show as their example. */
  readonly examples: readonly string[];
  /**
   * An answer equal to an example is a quotation of the instruction: so for
   * "3.14" in a reasoning text, where models rehearse the format
   * ("【回答】3.14」のように数値のみ") and no calculation's answer is 3.14.
   */
  readonly exampleIsQuoted: boolean;
}

/**
 * Is the marker at `site` the model's answer? `line` is its answer line,
 * `value` what the line reads as ("a,c", "0.4"; null when not one value).
 */
export function markerRole(text: string, site: MarkerSite, line: string, value: string | null, ctx: RoleContext): MarkerRole {
  if (NAMES_THE_MARKER.test(text.slice(site.end, site.end + 12))) return 'example';
  const isExample = value !== null && ctx.examples.includes(value);
  if (isExample && ctx.exampleIsQuoted) return 'example';
  const lineStart = text.lastIndexOf('\n', site.start - 1) + 1;
  const before = collapseSpaces(text.slice(Math.max(lineStart, site.start - 60), site.start)) + (ANY_WS_CHAR.test(text[site.start - 1] ?? '') ? ' ' : '');
  if (EXAMPLE_BEFORE.test(before)) return 'example';
  const format = FORMAT_BEFORE.exec(before);
  // "（形式: 【回答】a,c,e）" is an aside that shows the format; "最終出力形式は【回答】d" gives the answer in it.
  if (format && isExample && insideBracket(before, format.index)) return 'example';
  // The first 200 characters are enough to see what follows the value, and bound the work on a runaway line.
  const head = collapseSpaces(stripMarkdown(line.slice(0, 200)));
  if (EXAMPLE_AFTER.test(head) || EXAMPLE_IN_CLAUSE.test(head)) return 'quoted';
  if (format && (isExample || insideBracket(before, format.index))) return 'hedged';
  if (TENTATIVE.test(head) || (isExample && FORMAT_AFTER.test(head))) return 'hedged';
  return 'answer';
}
