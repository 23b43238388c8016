import type { QuestionView, RecordView } from '../../src/viewer/types.js';
import { h, type Child } from './dom.js';

/**
 * Free-text search over questions (text, choices, shared case) and the models'
 * responses (answer and reasoning). A query is one or more words (a "quoted
 * phrase" is one word); a question matches when every word occurs in it or in
 * one of the responses searched. Matching ignores case and width (NFKC: ＣＴ
 * finds CT, ｶﾙｼｳﾑ finds カルシウム). Each text is normalised once and kept, so a
 * search over thousands of long responses is a plain substring scan.
 */

export interface Query {
  readonly raw: string;
  /** Normalised words; empty = no search. */
  readonly terms: readonly string[];
}

export const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

export function parseQuery(raw: string | null | undefined): Query {
  const text = (raw ?? '').trim();
  const terms: string[] = [];
  for (const m of text.matchAll(/"([^"]+)"|(\S+)/gu)) {
    const t = fold((m[1] ?? m[2] ?? '').trim());
    if (t && !terms.includes(t)) terms.push(t);
  }
  // Words are tracked as bits of a 32-bit number.
  return { raw: text, terms: terms.slice(0, 30) };
}

export const isEmpty = (q: Query): boolean => q.terms.length === 0;

// ---- haystacks, normalised once ---------------------------------------------
const questionText = new WeakMap<QuestionView, string>();
export function questionHaystack(q: QuestionView): string {
  let s = questionText.get(q);
  if (s === undefined) {
    s = fold([q.id, q.text, ...q.choices, q.serial?.context ?? ''].join('\n'));
    questionText.set(q, s);
  }
  return s;
}

const responseText = new WeakMap<RecordView, string>();
export function responseHaystack(r: RecordView): string {
  let s = responseText.get(r);
  if (s === undefined) {
    s = fold(`${r.raw_response}\n${r.reasoning ?? ''}`);
    responseText.set(r, s);
  }
  return s;
}

/** Which words of the query each text contains, as a bit set (bit i = word i). */
function found(q: Query, text: string): number {
  let bits = 0;
  q.terms.forEach((t, i) => {
    if (text.includes(t)) bits |= 1 << i;
  });
  return bits;
}

export interface Hit {
  /** The question matches the whole query (every word somewhere). */
  readonly match: boolean;
  /** The question's own text holds at least one word. */
  readonly inQuestion: boolean;
  /** Runs whose response holds at least one word. */
  readonly inResponses: ReadonlySet<string>;
}

/**
 * Search one question and the given responses to it (run id → record). Words
 * may be spread over the question and the responses.
 */
export function searchQuestion(q: Query, question: QuestionView, responses: Iterable<readonly [string, RecordView | undefined]>): Hit {
  const all = (1 << q.terms.length) - 1;
  const inQ = found(q, questionHaystack(question));
  let bits = inQ;
  const inResponses = new Set<string>();
  for (const [run, r] of responses) {
    if (!r) continue;
    const b = found(q, responseHaystack(r));
    if (b) inResponses.add(run);
    bits |= b;
  }
  return { match: bits === all, inQuestion: inQ !== 0, inResponses };
}

// ---- highlighting ----------------------------------------------------------

/**
 * Where the words occur in a text, as [start, end) ranges of the original
 * string (merged, in order). Each character is folded on its own so offsets map
 * back exactly.
 */
export function hitRanges(text: string, q: Query): [number, number][] {
  if (isEmpty(q) || !text) return [];
  let folded = '';
  const origin: number[] = []; // folded index → original index
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  const ranges: [number, number][] = [];
  for (const t of q.terms) {
    for (let at = folded.indexOf(t); at >= 0; at = folded.indexOf(t, at + t.length)) {
      const start = origin[at] as number;
      const endIdx = at + t.length;
      // The end is the original index after the last folded character of the match.
      let end = origin[endIdx] as number;
      if (end <= start) end = start + 1;
      ranges.push([start, end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Plain text with the words marked: text nodes and <mark> elements (never markup from the text). */
export function highlighted(text: string, q: Query): Child[] {
  const ranges = hitRanges(text, q);
  if (ranges.length === 0) return [text];
  const out: Child[] = [];
  let pos = 0;
  for (const [a, b] of ranges) {
    if (a > pos) out.push(text.slice(pos, a));
    out.push(h('mark', { class: 'hit' }, text.slice(a, b)));
    pos = b;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}

/** Mark the words inside an element already built (e.g. rendered Markdown); returns the number of marks. */
export function highlightIn(root: HTMLElement, q: Query): number {
  if (isEmpty(q)) return 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  let count = 0;
  for (const node of nodes) {
    const text = node.data;
    const ranges = hitRanges(text, q);
    if (ranges.length === 0) continue;
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const [a, b] of ranges) {
      if (a > pos) frag.appendChild(document.createTextNode(text.slice(pos, a)));
      const m = document.createElement('mark');
      m.className = 'hit';
      m.textContent = text.slice(a, b);
      frag.appendChild(m);
      pos = b;
      count++;
    }
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    node.replaceWith(frag);
  }
  return count;
}
