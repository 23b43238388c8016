import type { AnswerTemplate } from './types.js';

/**
 * Calculation questions print their answer as digit boxes: "解答：①.②" (one
 * digit, a point, one digit), "①②③mL", "①②.③/人口1,000対", even
 * "1, ①②③ kcal" (a printed thousands digit before the boxes). Some sources
 * write the key as the box digits only ("21" for ①.② = 2.1, "04" for 0.4);
 * this module reads the template and turns such a key into the real number, so
 * that answers are compared numerically and right.
 */

const BOX = '①②③④⑤⑥⑦⑧⑨⑩';
const BOX_CLASS = `[${BOX}]`;
/** The answer line: "解答：" then optional printed digits, then boxes with at most one point. */
const SP = '[ \\t\\u3000]*'; // spaces within the answer line, never a line break (the 120th prints a digit grid below it)
const TEMPLATE = new RegExp(`解答[：:]${SP}((?:\\d[\\d,，]*${SP})?)(${BOX_CLASS}(?:${SP}[.．]?${SP}${BOX_CLASS})*)`, 'u');

export interface ParsedTemplate {
  readonly template: AnswerTemplate;
  /** Digits printed before the boxes (e.g. "1" in "1, ①②③ kcal"); empty when none. */
  readonly fixedPrefix: string;
  /** The template as printed, for messages ("①.②", "1, ①②③"). */
  readonly printed: string;
}

/** Read the answer template from a question's text; undefined when it has none. */
export function parseAnswerTemplate(text: string): ParsedTemplate | undefined {
  const m = TEMPLATE.exec(text);
  if (!m) return undefined;
  const prefixRaw = m[1] ?? '';
  const boxes = (m[2] ?? '').replace(/[ \t\u3000]/g, '');
  const digits = [...boxes].filter((c) => BOX.includes(c)).length;
  const point = boxes.search(/[.．]/u);
  const integerDigits = point < 0 ? digits : [...boxes.slice(0, point)].filter((c) => BOX.includes(c)).length;
  const fixedPrefix = prefixRaw.normalize('NFKC').replace(/[^\d]/g, '');
  return {
    template: { digits, integerDigits },
    fixedPrefix,
    printed: `${prefixRaw}${boxes}`.trim(),
  };
}

export type KeyConversion = { readonly ok: true; readonly value: string; readonly converted: boolean } | { readonly ok: false; readonly reason: string };

/**
 * The key as a decimal string. A key already written as a number ("1.2",
 * "7.20") is kept; a key of box digits only ("21", "04", "100") is read through
 * the template ("2.1", "0.4", "10.0"), with any printed prefix digits in front.
 */
export function keyFromTemplate(key: string, parsed: ParsedTemplate | undefined): KeyConversion {
  const k = key.normalize('NFKC').trim();
  if (/^\d+\.\d+$/.test(k)) {
    if (parsed && parsed.template.integerDigits === parsed.template.digits) {
      return { ok: false, reason: `key "${key}" has a decimal point but the template ${parsed.printed} has none` };
    }
    return { ok: true, value: k, converted: false };
  }
  if (!/^\d+$/.test(k)) return { ok: false, reason: `key "${key}" is not a number` };
  if (!parsed) return { ok: true, value: k, converted: false };
  const { digits, integerDigits } = parsed.template;
  if (k.length !== digits) {
    return { ok: false, reason: `key "${key}" has ${k.length} digit(s) but the template ${parsed.printed} has ${digits} box(es)` };
  }
  const whole = parsed.fixedPrefix + k.slice(0, integerDigits);
  const frac = k.slice(integerDigits);
  const value = frac ? `${whole}.${frac}` : whole;
  return { ok: true, value, converted: value !== k };
}
