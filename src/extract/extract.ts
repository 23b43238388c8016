import type { Question } from '../exam/types.js';
import { readChoices } from './choices.js';
import { answerLineAt, continuesWithAlternative, findMarkers, INSTRUCTED_EXAMPLES, markerRole, ROLE_RANK, type MarkerSite } from './markers.js';
import { readNumber } from './number.js';
import { referenceParse } from './reference.js';
import type { Extraction, ExtractionNote, ExtractionRule } from './types.js';

/**
 * Answer extraction. Two rules (`ExtractionRule`):
 * - 'reference': exactly the reference harness (`referenceParse` on the
 *   content, then on the reasoning text), to reproduce published numbers.
 * - 'jmle-bench' (default): the reference's reading, plus fixes where the
 *   model's intent is unambiguous, and never credit where it is not:
 *   1. the last marker that is the model's answer wins; format examples and
 *      explanations that contain 【回答】 are passed over (src/extract/markers.ts);
 *   2. its line is read by src/extract/choices.ts or src/extract/number.ts;
 *   3. an answer that states two values, a range or an alternative is a parse
 *      failure (`ambiguous`), final: the reasoning text is not consulted;
 *   4. a text with no answer (no marker, or nothing readable after any) falls
 *      back to the reasoning text, as the reference does.
 * For every response where the reference rule gives the answer key, this rule
 * gives it too, except where the reference credits a stated alternative or
 * per-option verdicts (test/integration/extract-corpus.test.ts checks it on
 * mutations of every published response).
 */

export type { Extraction, ExtractionNote, ExtractionRule } from './types.js';
export { EXTRACTION_RULES } from './types.js';
export { pyStrip, referenceParse, referenceExtract } from './reference.js';
export { normaliseNumber, readNumber, sameNumber } from './number.js';
export { ALT_MARKERS } from './markers.js';

const DEFAULT_LETTERS = ['a', 'b', 'c', 'd', 'e'];

export type QuestionShape = Pick<Question, 'type'> & Partial<Pick<Question, 'choices'>>;

/** What one answer line reads as. */
type LineReading =
  | { readonly kind: 'answer'; readonly predicted: string[]; readonly notes: readonly ExtractionNote[] }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'verdicts' }
  | { readonly kind: 'none' };

function readLine(line: string, q: QuestionShape): LineReading {
  if (q.type === 'calculation') {
    const r = readNumber(line);
    if (r.kind !== 'value') return r;
    return { kind: 'answer', predicted: [r.value], notes: r.value !== line.trim() ? ['numeric-normalised'] : [] };
  }
  const r = readChoices(line, q.choices && q.choices.length > 0 ? q.choices : DEFAULT_LETTERS);
  return r.kind === 'letters' ? { kind: 'answer', predicted: r.letters, notes: r.notes } : r;
}

/** What one text (the content or the reasoning) gives: the reading of its best marker, and how good that marker is. */
interface TextReading {
  readonly kind: 'answer' | 'ambiguous' | 'none';
  readonly predicted: string[];
  readonly notes: ExtractionNote[];
  /** ROLE_RANK of the marker read (0 when none). */
  readonly rank: number;
}

const NO_ANSWER: TextReading = { kind: 'none', predicted: [], notes: [], rank: 0 };

/** Markers tried from the end of a text (besides the first one). */
const MAX_LAST_MARKERS = 50;

/**
 * The markers to try: the last ones first, then the first one (the
 * reference's). A response stuck repeating the marker (thousands on one line)
 * would otherwise cost markers × line length.
 */
function tryOrder(count: number): number[] {
  const out: number[] = [];
  for (let k = count - 1; k >= Math.max(1, count - MAX_LAST_MARKERS); k--) out.push(k);
  if (count > 0) out.push(0);
  return out;
}

const key = (r: LineReading): string => (r.kind === 'answer' ? r.predicted.join(',') : '');

/** The latest marker of the best rank, read. */
function readText(text: string, q: QuestionShape, where: 'content' | 'reasoning'): TextReading {
  const { sites, alt } = findMarkers(text);
  const readings = new Map<number, { line: string; reading: LineReading }>();
  const readAt = (k: number) => {
    let r = readings.get(k);
    if (!r) {
      const { line, lineEnd } = answerLineAt(text, (sites[k] as MarkerSite).end, sites[k + 1]?.start);
      let reading = readLine(line, q);
      // An alternative on the next line makes the answer ambiguous too: "【回答】28\nまたは 29".
      if (reading.kind === 'answer' && continuesWithAlternative(text, lineEnd)) reading = { kind: 'ambiguous' };
      r = { line, reading };
      readings.set(k, r);
    }
    return r;
  };
  const ctx = { examples: INSTRUCTED_EXAMPLES, exampleIsQuoted: q.type === 'calculation' && where === 'reasoning' };
  const notes = new Set<ExtractionNote>();
  let best: number | null = null;
  let bestRank = 0;
  /** Markers passed over, with their rank. */
  const passed = new Map<number, number>();
  for (const k of tryOrder(sites.length)) {
    const { line, reading } = readAt(k);
    if (reading.kind === 'none') continue;
    if (reading.kind === 'verdicts') {
      notes.add('per-option-verdicts');
      continue;
    }
    const rank = ROLE_RANK[markerRole(text, sites[k] as MarkerSite, line, reading.kind === 'answer' ? key(reading) : null, ctx)];
    // Markers come latest first (the first one, tried last, is the earliest): a tie keeps the later one.
    if (rank > bestRank) {
      if (best !== null) passed.set(best, bestRank);
      best = k;
      bestRank = rank;
    } else passed.set(k, rank);
    if (bestRank === ROLE_RANK.answer) break;
  }
  if (best === null) return { ...NO_ANSWER, notes: [...notes] };
  const at = best;
  const reading = readAt(at).reading;
  if (reading.kind !== 'answer') return { kind: 'ambiguous', predicted: [], notes: [...notes, 'ambiguous'], rank: bestRank };
  const answer = key(reading);
  for (const n of reading.notes) notes.add(n);
  if (alt) notes.add('alt-marker');
  // Name the rules only where they change the outcome: against the first marker, against a later example.
  if (at !== 0 && key(readAt(0).reading) !== answer) notes.add('last-marker');
  if ([...passed.keys()].some((k) => k > at && readAt(k).reading.kind === 'answer' && key(readAt(k).reading) !== answer)) notes.add('format-example');
  return { kind: 'answer', predicted: reading.predicted, notes: [...notes], rank: bestRank };
}

/** The reference's procedure as an Extraction: content, then the reasoning text; no notes. */
function referenceExtraction(content: string | null | undefined, reasoning: string | null | undefined, type: Question['type']): Extraction {
  const fromContent = referenceParse(content ?? '', type);
  if (fromContent.ok) return { ...fromContent, source: 'content', notes: [] };
  if (reasoning) {
    const fromReasoning = referenceParse(reasoning, type);
    if (fromReasoning.ok) return { ...fromReasoning, source: 'reasoning', notes: [] };
  }
  return { predicted: [], ok: false, source: null, notes: [] };
}

/**
 * Extract the answer from a response: the content first, then (if it gives no
 * answer at all) the reasoning text. `rule` picks ours (default) or exactly the
 * reference's.
 */
export function extractAnswer(
  content: string | null | undefined,
  reasoning: string | null | undefined,
  q: QuestionShape,
  rule: ExtractionRule = 'jmle-bench',
): Extraction {
  if (rule === 'reference') return referenceExtraction(content, reasoning, q.type);
  const fromContent = content ? readText(content, q, 'content') : NO_ANSWER;
  // The content's answer (even an ambiguous one, which is a failure) is final: the reasoning text is
  // read only where the content states none. A doubtful marker of the content (a thought, a quoted
  // example) yields to an answer in the reasoning.
  const fromReasoning = fromContent.rank === ROLE_RANK.answer || !reasoning ? NO_ANSWER : readText(reasoning, q, 'reasoning');
  const [used, source] = fromReasoning.rank > fromContent.rank ? ([fromReasoning, 'reasoning'] as const) : ([fromContent, 'content'] as const);
  const notes = [...new Set([...fromContent.notes, ...fromReasoning.notes])];
  if (used.kind === 'answer') return { predicted: used.predicted, ok: true, source, notes: source === 'content' ? used.notes : notes };
  return { predicted: [], ok: false, source: null, notes: used.kind === 'ambiguous' ? used.notes : notes };
}
