import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exam, ImageMode, Question } from '../exam/types.js';
import { UserError } from '../util/errors.js';

/**
 * Prompts identical to the reference harness (JMLE2026-Bench `benchmark.py`),
 * so scores are comparable with the published leaderboard.
 */

const PREAMBLE = 'あなたは医師国家試験を解く医学の専門家です。';
const FORMAT_LINE = '最終回答は必ず以下の形式で出力してください:';
export const ANSWER_MARKER = '【回答】';

export function systemPrompt(q: Pick<Question, 'type' | 'selectCount'>): string {
  if (q.type === 'calculation') {
    return `${PREAMBLE}\n問題を読み、数値で回答してください。\n\n${FORMAT_LINE}\n${ANSWER_MARKER}3.14`;
  }
  const n = q.selectCount;
  const example = ['a', 'c', 'e'].slice(0, n).join(',');
  return `${PREAMBLE}\n問題を読み、正解を${n}つ選んでください。\n\n${FORMAT_LINE}\n${ANSWER_MARKER}${example}`;
}

/** The user message text: serial context, an empty line, then the question. */
export function userText(q: Pick<Question, 'text' | 'serial'>): string {
  const parts: string[] = [];
  if (q.serial) parts.push(q.serial.context, '');
  parts.push(q.text);
  return parts.join('\n');
}

export type ContentPart = { readonly type: 'text'; readonly text: string } | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string | readonly ContentPart[];
}

/**
 * The shape of the answer a prompt asks for: what an offline baseline needs to
 * answer without a model (the random baseline), so that providers never see
 * the exam's `Question` type.
 */
export type AnswerFormat =
  | { readonly kind: 'choices'; readonly letters: readonly string[]; readonly select: number }
  | { readonly kind: 'number'; readonly digits: number; readonly integerDigits: number };

export interface Prompt {
  readonly questionId: string;
  readonly messages: readonly ChatMessage[];
  readonly answerFormat: AnswerFormat;
}

const DEFAULT_LETTERS = ['a', 'b', 'c', 'd', 'e'] as const;

/** The answer format of a question: its choice letters and how many to select, or the digits of a calculation answer. */
export function answerFormat(q: Pick<Question, 'type' | 'choices' | 'selectCount' | 'answerTemplate'>): AnswerFormat {
  if (q.type === 'calculation') {
    const t = q.answerTemplate ?? { digits: 2, integerDigits: 2 };
    return { kind: 'number', digits: t.digits, integerDigits: t.integerDigits };
  }
  return { kind: 'choices', letters: q.choices.length > 0 ? q.choices : DEFAULT_LETTERS, select: q.selectCount };
}

const MIME: Readonly<Record<string, string>> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** The data URL's media type: PNG, as the reference always writes (every 120th image is one), unless the name says otherwise. */
export function imageMime(name: string): string {
  return MIME[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] ?? 'image/png';
}

/** Build the chat messages for one question. In vision mode every image follows as a data URL. */
export function buildPrompt(exam: Exam, q: Question, imageMode: ImageMode): Prompt {
  const content: ContentPart[] = [{ type: 'text', text: userText(q) }];
  if (imageMode === 'vision' && q.images.length > 0) {
    if (!exam.imageDir) throw new UserError(`${q.id}: this exam has no images; use --image-mode blind or skip`);
    for (const name of q.images) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(exam.imageDir, name));
      } catch {
        throw new UserError(`${q.id}: image ${name} is missing; run \`jmle-bench dataset pull\` or use --image-mode blind`);
      }
      content.push({ type: 'image_url', image_url: { url: `data:${imageMime(name)};base64,${bytes.toString('base64')}` } });
    }
  }
  return {
    questionId: q.id,
    answerFormat: answerFormat(q),
    messages: [
      { role: 'system', content: systemPrompt(q) },
      { role: 'user', content },
    ],
  };
}
