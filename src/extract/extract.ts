import type { Question } from '../exam/types.js';

/**
 * Answer extraction. `referenceParse` is the reference harness's behaviour, kept
 * for comparison; `extractAnswer` is ours: the same, plus fixes for cases where
 * the model's intent is unambiguous. Every fix is named in `notes` so a viewer
 * and `rescore` can say why an outcome differs from the reference.
 */

export type ExtractionNote =
  | 'last-marker' // several 【回答】: the last one that parses wins
  | 'alt-marker' // 【解答】 etc. used because 【回答】 is absent
  | 'bracket-stripped' // "c】", "「d」", "d." → the letter
  | 'fullwidth' // ａ / ０-９ / ，→ ASCII
  | 'numeric-normalised'; // "3 1 5" → 315, "28**" → 28, "1.200 g/日" → 1.200

export interface Extraction {
  /** Letters (sorted, unique) or one numeric string for calculation questions. */
  readonly predicted: string[];
  readonly ok: boolean;
  /** Which text gave the answer. */
  readonly source: 'content' | 'reasoning' | null;
  readonly notes: ExtractionNote[];
}

export const PRIMARY_MARKER = '【回答】';
/** Other answer markers, used only where the instructed 【回答】 is absent. */
export const ALT_MARKERS = ['【解答】', '【最終回答】', '【答え】', '【正解】'] as const;

const DEFAULT_LETTERS = ['a', 'b', 'c', 'd', 'e'];

type QuestionShape = Pick<Question, 'type'> & Partial<Pick<Question, 'choices'>>;

// ---------------------------------------------------------------------------
// The reference behaviour
// ---------------------------------------------------------------------------

/**
 * Python's `\s` (its `str.isspace()`, also what `str.strip()` removes). It is not
 * JavaScript's `\s`: Python adds U+001C–U+001F and U+0085 and lacks U+FEFF.
 */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_CHAR = new RegExp(`[${PY_WS}]`, 'u');
/** `【回答】\s*(.+)` with Python's `\s`, and its `.` (anything but a line feed; JavaScript's `.` also stops at \r, U+2028, U+2029). */
const REFERENCE_PATTERN = new RegExp(`【回答】[${PY_WS}]*([^\\n]+)`, 'u');
/** `re.split(r"[,、\s]+", …)` with Python's `\s`. */
const REFERENCE_SPLIT = new RegExp(`[,、${PY_WS}]+`, 'u');

/** `s` without leading and trailing characters that match `ws` (one character). Linear, unlike a regex on long blank runs. */
function stripWith(s: string, ws: RegExp): string {
  let i = 0;
  let j = s.length;
  while (i < j && ws.test(s[i] as string)) i++;
  while (j > i && ws.test(s[j - 1] as string)) j--;
  return s.slice(i, j);
}

/** Python's `str.strip()` (no arguments). */
export function pyStrip(s: string): string {
  return stripWith(s, PY_WS_CHAR);
}

/** The reference's tokens of an answer: markdown removed, stripped, split on commas, 、 and white space. */
function referenceTokens(answer: string): string[] {
  return pyStrip(answer.replace(/[*_`#]/g, '')).split(REFERENCE_SPLIT);
}

/** Exactly what the reference harness's `parse_answer` does. */
export function referenceParse(raw: string, type: Question['type']): { predicted: string[]; ok: boolean } {
  const m = REFERENCE_PATTERN.exec(raw);
  if (!m) return { predicted: [], ok: false };
  const answer = pyStrip(m[1] ?? '');
  if (type === 'calculation') return { predicted: [answer], ok: true };
  const letters = [
    ...new Set(
      referenceTokens(answer)
        .filter((t) => /^[a-eA-E]$/.test(t))
        .map((t) => t.toLowerCase()),
    ),
  ].sort();
  return { predicted: letters, ok: letters.length > 0 };
}

/** The reference's full procedure: content first, then the reasoning text. */
export function referenceExtract(content: string, reasoning: string | null | undefined, type: Question['type']): { predicted: string[]; ok: boolean } {
  const r = referenceParse(content, type);
  if (!r.ok && reasoning) return referenceParse(reasoning, type);
  return r;
}

// ---------------------------------------------------------------------------
// Ours
// ---------------------------------------------------------------------------

function markerPositions(text: string, marker: string): number[] {
  const out: number[] = [];
  let i = text.indexOf(marker);
  while (i >= 0) {
    out.push(i + marker.length);
    i = text.indexOf(marker, i + marker.length);
  }
  return out;
}

/** White space in either sense (JavaScript's \s and Python's): our extraction skips and splits on both. */
const ANY_WS = '\\s\\x1c-\\x1f\\x85';
const ANY_WS_CHAR = new RegExp(`[${ANY_WS}]`, 'u');
const SPLIT = new RegExp(`[,、${ANY_WS}]+`, 'u');

const trimAny = (s: string): string => stripWith(s, ANY_WS_CHAR);

/**
 * The text the reference's `\s*(.+)` would capture after a marker, stripped: skip
 * white space (even line breaks), then to the end of that line. (When only white
 * space follows, the reference captures some of it, which strips to "" as here.)
 */
function answerLineAt(text: string, start: number): string {
  let i = start;
  while (i < text.length && ANY_WS_CHAR.test(text[i] as string)) i++;
  let j = text.indexOf('\n', i);
  if (j < 0) j = text.length;
  return trimAny(text.slice(i, j));
}

const OPENERS = /^[「『【(（[<〈"'“‘]+/u;
const CLOSERS = /[」』】)）\]>〉"'”’.。:：]+$/u;

/** The reference's tokenisation: white space, commas and 、; only tokens that are exactly a letter. */
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

function parseChoices(line: string, letters: readonly string[], notes: Set<ExtractionNote>): string[] {
  const normalised = line.normalize('NFKC');
  let s = trimAny(normalised.replace(/[*_`#]/g, '')).replace(OPENERS, '');
  // A quoted or bracketed answer ends at its closing mark: 「【回答】d」と出力します → d.
  const close = s.search(/[」』】”]/u);
  if (close > 0) s = s.slice(0, close);
  const found = new Set<string>();
  for (const token of s.split(SPLIT)) {
    const t = token.toLowerCase().replace(OPENERS, '').replace(CLOSERS, '');
    if (letters.includes(t)) found.add(t);
  }
  const result = [...found].sort();
  if (result.length > 0) {
    // Name the fix only where it changes the outcome against the reference's tokenisation.
    const plain = plainLetters(line, letters);
    const plainNormalised = plainLetters(normalised, letters);
    if (plainNormalised !== plain) notes.add('fullwidth');
    if (result.join(',') !== plainNormalised) notes.add('bracket-stripped');
  }
  return result;
}

/** One digit per group, as on a mark sheet: "3 1 5", "0 . 4 0" (used only when it has a space). */
const MARK_SHEET = /^[-+]?\d(?: +\d)*(?: *\. *\d(?: +\d)*)?(?!\d)/u;
/** An ordinary number: "315", "1,200", "0.40". */
const PLAIN_NUMBER = /^[-+]?\d+(?:,\d{3}(?!\d))*(?:\.\d+)?/u;

/**
 * A calculation answer as a plain decimal string: full-width digits and
 * markdown removed, digits spaced out as on a mark sheet joined ("3 1 5" → "315"),
 * trailing units ignored ("1.200 g/日" → "1.200").
 */
export function normaliseNumber(text: string): string | null {
  const s = text
    .normalize('NFKC')
    .replace(/\\boxed\{([^}]*)\}/g, '$1')
    .replace(/[*_`#${}]/g, '')
    .replace(/[，]/g, ',')
    .trim();
  // Single digits spaced out are joined; "28 2桁" is 28, not 282 (only one-digit groups are).
  const sheet = MARK_SHEET.exec(s);
  const m = sheet && sheet[0].includes(' ') ? sheet : PLAIN_NUMBER.exec(s);
  if (!m) return null;
  const value = m[0].replace(/[\s,]/g, '');
  return Number.isFinite(Number(value)) ? value : null;
}

function parseNumber(line: string, notes: Set<ExtractionNote>): string[] {
  const value = normaliseNumber(line);
  if (value === null) return [];
  if (value !== line.trim()) notes.add('numeric-normalised');
  return [value];
}

function parseText(text: string, q: QuestionShape): { predicted: string[]; notes: ExtractionNote[] } | null {
  const positions = markerPositions(text, PRIMARY_MARKER);
  let alt = false;
  if (positions.length === 0) {
    for (const m of ALT_MARKERS) positions.push(...markerPositions(text, m));
    positions.sort((a, b) => a - b);
    alt = positions.length > 0;
  }
  const letters = q.choices && q.choices.length > 0 ? q.choices : DEFAULT_LETTERS;
  const parseAt = (k: number, notes: Set<ExtractionNote>): string[] => {
    const line = answerLineAt(text, positions[k] as number);
    return q.type === 'calculation' ? parseNumber(line, notes) : parseChoices(line, letters, notes);
  };
  // The last markers first, then the first one (the reference's). A response stuck repeating the
  // marker (thousands on one line) would otherwise cost markers × line length.
  const tried =
    positions.length - 1 > MAX_LAST_MARKERS ? [...range(positions.length - 1, positions.length - MAX_LAST_MARKERS), 0] : range(positions.length - 1, 0);
  for (const k of tried) {
    const notes = new Set<ExtractionNote>();
    const predicted = parseAt(k, notes);
    if (predicted.length === 0) continue;
    if (alt) notes.add('alt-marker');
    // Name the rule only when it changes the outcome against the first marker.
    if (k !== 0 && parseAt(0, new Set()).join(',') !== predicted.join(',')) notes.add('last-marker');
    return { predicted, notes: [...notes] };
  }
  return null;
}

/** Markers tried from the end of a text (besides the first one). */
const MAX_LAST_MARKERS = 50;

/** from, from-1, …, to (inclusive; empty when from < to). */
function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k >= to; k--) out.push(k);
  return out;
}

/** Extract the answer from a response: the content first, then (if nothing) the reasoning text. */
export function extractAnswer(content: string | null | undefined, reasoning: string | null | undefined, q: QuestionShape): Extraction {
  const fromContent = content ? parseText(content, q) : null;
  if (fromContent) return { ...fromContent, ok: true, source: 'content' };
  const fromReasoning = reasoning ? parseText(reasoning, q) : null;
  if (fromReasoning) return { ...fromReasoning, ok: true, source: 'reasoning' };
  return { predicted: [], ok: false, source: null, notes: [] };
}
