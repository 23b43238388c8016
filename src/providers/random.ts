import { mulberry32 } from '../util/prng.js';
import { ANSWER_MARKER, type AnswerFormat, type ChatMessage } from '../prompt/prompt.js';
import type { Completion, CompletionRequest, Provider } from './types.js';

/**
 * The offline chance-level baseline (`--model random`): picks as many letters
 * as the prompt asks for (or a number of the answer's shape for calculation
 * questions) and answers `【回答】…`. No key, no network. The pick depends only
 * on the seed, the epoch and the prompt's text, never on scheduling order.
 */

/** FNV-1a, 32 bit: a seed for `mulberry32` from a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The text of the messages, images left out: what identifies a prompt. */
function promptText(messages: readonly ChatMessage[]): string {
  return messages.map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n'))).join('\0');
}

/** A random answer of the given format, from a generator. */
export function randomAnswer(format: AnswerFormat, rnd: () => number): string {
  if (format.kind === 'number') {
    let digits = '';
    for (let i = 0; i < format.digits; i++) digits += String(Math.floor(rnd() * 10));
    const int = digits.slice(0, format.integerDigits).replace(/^0+(?=\d)/, '');
    const frac = digits.slice(format.integerDigits);
    return frac ? `${int}.${frac}` : int;
  }
  const pool = [...format.letters];
  const picked: string[] = [];
  const n = Math.min(format.select, pool.length);
  for (let i = 0; i < n; i++) picked.push(...pool.splice(Math.floor(rnd() * pool.length), 1));
  return picked.sort().join(',');
}

export function randomProvider(seed = 0): Provider {
  return {
    name: 'random',
    async complete(request: CompletionRequest): Promise<Completion> {
      const rnd = mulberry32(hash32(`${seed}\0${request.epoch}\0${promptText(request.messages)}`));
      return {
        content: `${ANSWER_MARKER}${randomAnswer(request.answerFormat, rnd)}`,
        reasoning: null,
        usage: null,
        finishReason: 'stop',
        truncated: false,
        attempts: 1,
      };
    },
  };
}
