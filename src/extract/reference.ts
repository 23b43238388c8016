import type { Question } from '../exam/types.js';
import { stripWith } from './text.js';

/**
 * The reference harness's answer parsing (JMLE2026-Bench `benchmark.py`,
 * `parse_answer` and its use in `process_question`), reproduced exactly,
 * Python's white space and line rules included, so any published number can be
 * reproduced (`--extraction reference`) and ours compared with it.
 */

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

/** Python's `str.strip()` (no arguments). */
export function pyStrip(s: string): string {
  return stripWith(s, PY_WS_CHAR);
}

/** The reference's tokens of an answer: markdown removed, stripped, split on commas, 、 and white space. */
export function referenceTokens(answer: string): string[] {
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
