import { mulberry32 } from '../util/prng.js';
import type { Question } from '../exam/types.js';
import { ANSWER_MARKER } from '../prompt/prompt.js';
import type { Completion, CompletionRequest, Provider } from './types.js';

/**
 * The offline chance-level baseline (`--model random`): picks `selectCount`
 * letters from the question's choices (or a number of the template's shape for
 * calculation questions) and answers `【回答】…`. No key, no network. The pick
 * depends only on the seed and the question id, never on scheduling order.
 */

export const RANDOM_MODEL = 'random';
export const RANDOM_DISPLAY_NAME = 'Random (chance level)';

/** FNV-1a, 32 bit. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function randomAnswer(q: Question, seed: number): string {
  const rnd = mulberry32(hash32(`${seed}\0${q.id}`));
  if (q.type === 'calculation') {
    const t = q.answerTemplate ?? { digits: 2, integerDigits: 2 };
    let digits = '';
    for (let i = 0; i < t.digits; i++) digits += String(Math.floor(rnd() * 10));
    const int = digits.slice(0, t.integerDigits).replace(/^0+(?=\d)/, '');
    const frac = digits.slice(t.integerDigits);
    return frac ? `${int}.${frac}` : int;
  }
  const pool = [...(q.choices.length ? q.choices : ['a', 'b', 'c', 'd', 'e'])];
  const picked: string[] = [];
  const n = Math.min(q.selectCount, pool.length);
  for (let i = 0; i < n; i++) picked.push(...pool.splice(Math.floor(rnd() * pool.length), 1));
  return picked.sort().join(',');
}

export function randomProvider(seed = 0): Provider {
  return {
    name: 'random',
    async complete(request: CompletionRequest): Promise<Completion> {
      return {
        content: `${ANSWER_MARKER}${randomAnswer(request.question, seed)}`,
        reasoning: null,
        usage: null,
        finishReason: 'stop',
        attempts: 1,
      };
    },
  };
}
