/**
 * Mutations of a response, as models vary the same answer: the marker spaced or
 * on its own line, markdown, full-width forms, notes after the answer, and
 * format examples or explanations that contain 【回答】 themselves. Used by the
 * extraction invariants (test/unit/extract-invariants.test.ts on hand-written
 * responses, test/integration/extract-corpus.test.ts on every published one):
 * - parity: where the reference rule reads the answer key, ours does too;
 * - stability: a presentation mutation never changes what we read.
 */
import type { Question, QuestionType } from '../../src/exam/types.js';

export interface Response {
  readonly content: string;
  readonly reasoning: string | null;
}

export interface Mutation {
  readonly name: string;
  /**
   * Does the reference still read the model's own answer after it? Not when the
   * example is on the answer's line (the reference then reads the example's
   * letters too), nor when the content is dropped (it reads the reasoning).
   */
  readonly parity: boolean;
  /** Does it leave the answer as the model stated it (so our reading must not change)? */
  readonly stable: boolean;
  /** The mutated response; null when it does not apply (no marker to vary). */
  readonly apply: (r: Response, type: QuestionType) => Response | null;
}

const MARKER = '【回答】';

/** Full-width letters, digits and commas. */
const fullWidth = (s: string): string => s.replace(/[a-eA-E0-9,]/g, (c) => (c === ',' ? '，' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

/** The content with the first marker and its answer (the rest of its line, after white space) rewritten. */
function rewriteAnswer(content: string, f: (answer: string) => string): string | null {
  const i = content.indexOf(MARKER);
  if (i < 0) return null;
  let j = i + MARKER.length;
  while (j < content.length && /\s/.test(content[j] as string)) j++;
  let k = content.indexOf('\n', j);
  if (k < 0) k = content.length;
  return content.slice(0, i) + f(content.slice(j, k)) + content.slice(k);
}

/** The prompt's own format example for a question of this type (choice examples differ by count; a,c,e is the longest). */
const example = (type: QuestionType): string => (type === 'calculation' ? '3.14' : 'a,c,e');

function onAnswer(name: string, f: (answer: string) => string, parity = true): Mutation {
  return {
    name,
    parity,
    stable: true,
    apply: (r) => {
      const content = rewriteAnswer(r.content, f);
      return content === null ? null : { content, reasoning: r.reasoning };
    },
  };
}

function appended(name: string, tail: (type: QuestionType) => string): Mutation {
  return { name, parity: true, stable: true, apply: (r, type) => ({ content: r.content + tail(type), reasoning: r.reasoning }) };
}

export const MUTATIONS: readonly Mutation[] = [
  { name: 'as written', parity: true, stable: true, apply: (r) => r },
  onAnswer('a space after the marker', (a) => `${MARKER} ${a}`),
  onAnswer('the answer on the next line', (a) => `${MARKER}\n${a}`),
  onAnswer('an ideographic space after the marker', (a) => `${MARKER}\u3000${a}`),
  onAnswer('the answer line in bold', (a) => `**${MARKER}${a}**`),
  onAnswer('the answer in bold', (a) => `${MARKER}**${a}**`),
  onAnswer('the answer as code', (a) => `${MARKER}\`${a}\``),
  onAnswer('the answer line as a heading', (a) => `### ${MARKER}${a}`),
  onAnswer('the answer line as a list item', (a) => `- ${MARKER}${a}`),
  onAnswer('full-width letters, digits and commas', (a) => `${MARKER}${fullWidth(a)}`),
  onAnswer('upper case', (a) => `${MARKER}${a.toUpperCase()}`),
  onAnswer('です after the answer', (a) => `${MARKER}${a} です。`),
  onAnswer('an English note after the answer', (a) => `${MARKER}${a} (final answer)`),
  onAnswer('the answer given twice', (a) => `${MARKER}${a}\n\n${MARKER}${a}`),
  onAnswer('a format example on the answer line', (a) => `${MARKER}${a}（形式: ${MARKER}a,c,e）`, false),
  { name: 'CRLF line ends', parity: true, stable: true, apply: (r) => ({ content: r.content.replace(/\n/g, '\r\n'), reasoning: r.reasoning }) },
  { name: 'a preamble', parity: true, stable: true, apply: (r) => ({ content: `以下に解答します。\n\n${r.content}`, reasoning: r.reasoning }) },
  appended('trailing blanks', () => '  \n\n'),
  appended('a note on the next lines', () => '\n\n※ 以上の所見から判断しました。'),
  appended('a format example in brackets', (t) => `\n\n（形式: ${MARKER}${example(t)}）`),
  appended('a format example after "回答形式:"', (t) => `\n\n回答形式: ${MARKER}${example(t)}`),
  appended('a format example after "例："', (t) => `\n例：${MARKER}${example(t)}`),
  appended('a quoted format example', (t) => `\n\n※「${MARKER}${example(t)}」のように出力するよう指定されています。`),
  appended('an explanation of the format', () => `\n\n※ ${MARKER}の形式で a, b のように記号で答えました。`),
  appended('an English format example', (t) => `\n\n(Required format, e.g. ${MARKER}${example(t)})`),
  {
    name: 'a format discussion after the reasoning',
    parity: true,
    stable: true,
    apply: (r, t) => ({
      content: r.content,
      reasoning: r.reasoning === null ? null : `${r.reasoning}\n\n出力は「${MARKER}${example(t)}」のように指定されています。`,
    }),
  },
  { name: 'the content lost, its text in the reasoning', parity: true, stable: false, apply: (r) => ({ content: '', reasoning: r.content }) },
  {
    name: 'the content without its marker, the answer in the reasoning',
    parity: true,
    stable: false,
    apply: (r) => ({ content: r.content.split(MARKER).join(''), reasoning: r.content }),
  },
  { name: 'the content lost', parity: true, stable: false, apply: (r) => ({ content: '', reasoning: r.reasoning }) },
];

/** A question for extraction tests: five choices (or a calculation), the given key, one point. */
export function testQuestion(type: QuestionType, answer: readonly string[]): Question {
  return {
    id: 'T-1',
    exam: 'test',
    block: 'A',
    number: 1,
    type,
    text: '',
    choices: type === 'calculation' ? [] : ['a', 'b', 'c', 'd', 'e'],
    images: [],
    requiresImage: false,
    selectCount: type === 'calculation' ? 1 : answer.length,
    answer,
    accepted: [answer],
    allCorrect: false,
    points: 1,
    required: false,
  };
}
