import { divideDecimal, equalDecimal, formatDecimal, parseDecimal, shiftDecimal, type Decimal } from './decimal.js';
import { ALTERNATIVE_WORDS, collapseSpaces, stripLatex, stripMarkdown } from './text.js';

/**
 * Reading a calculation answer: one number, as a plain decimal string.
 *
 * A mark sheet takes one number, so an answer line that states two values, a
 * range or an alternative ("28〜29", "28-29", "28 または 29", "28 29",
 * "315 or 316", "28以上") is `ambiguous`: a parse failure, never a guess. What
 * is unambiguous is read as meant:
 * - digits spaced out one per group, as on a mark sheet: "3 1 5" → 315
 *   (groups of several digits are two numbers: "3 15" is ambiguous);
 * - circled numbers are the sheet's box labels, not digits: "①3 ②1 ③5" → 315,
 *   "①26torr" → 26 (Unicode normalisation would turn ① into 1);
 * - thousands separators "1,200" → 1200, a decimal comma "0,4" → 0.4 (any other
 *   comma between digits, "1,2" or "28,29", is ambiguous);
 * - exponents "1.2e3", "1.2×10^3", "1.2×10³" → 1200; a fraction "2/5" → 0.4
 *   (one that does not terminate, "28/29" or "1/3", is ambiguous: it may be
 *   two values and it cannot be marked);
 * - an equation's result: "70/2.5 = 28" → 28;
 * - full-width digits, markdown, LaTeX, units and approximation words around
 *   the number: "**28**", "$\boxed{315}$", "約 28", "0.40 g/日" → the number.
 * A line that does not start with its number ("BMIは28です") is read only when
 * it holds exactly one number.
 */

export type NumberReading = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'ambiguous' } | { readonly kind: 'none' };

const NONE: NumberReading = { kind: 'none' };
const AMBIGUOUS: NumberReading = { kind: 'ambiguous' };

/** Circled numbers ①–⑳, ⓪, ⓫–⓴, ❶–➓, ㉑–㊿: box labels on the mark sheet. */
const CIRCLED = /[\u2460-\u2473\u24EA-\u24FF\u2776-\u2793\u3251-\u325F\u32B1-\u32BF][=:：]?/gu;
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** The line as plain ASCII-ish text: labels out, superscripts as ^n, NFKC, LaTeX and markdown gone, spaces collapsed. */
function prepare(line: string): string {
  const s = line
    .replace(CIRCLED, ' ')
    // Before NFKC, which would make "10³" into "103".
    .replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+/gu, (m) => `^${[...m].map((c) => (c === '⁻' ? '-' : c === '⁺' ? '+' : String(SUPERSCRIPTS.indexOf(c)))).join('')}`)
    .normalize('NFKC');
  return collapseSpaces(stripMarkdown(stripLatex(s)));
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAsciiLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/**
 * Does a number start at s[i]? Not inside another number, not an exponent
 * ("m^2"), and not one digit glued to a word, which is part of a unit or a
 * name ("m2", "H2O", "HbA1c"); several digits after letters are a number ("BMI28").
 */
function numberStartsAt(s: string, i: number): boolean {
  const c = s[i];
  const prev = s[i - 1];
  if (c === '.') return isDigit(s[i + 1]) && !isDigit(prev) && !isAsciiLetter(prev);
  if (!isDigit(c) || isDigit(prev) || prev === '^' || prev === '_') return false;
  if (prev === '.' && isDigit(s[i - 2])) return false;
  if (prev === ',' && isDigit(s[i - 2])) return false;
  if (isAsciiLetter(prev)) return isDigit(s[i + 1]);
  return true;
}

function nextNumberStart(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (numberStartsAt(s, i)) return i;
  return -1;
}

/** Single digits spaced out, as on a mark sheet: "3 1 5", "0 . 4 0" (a match without a space is not one). */
const SHEET = /\d(?: \d)*(?: ?\. ?\d(?: \d)*)?(?!\d)/y;
const EXPONENT_E = /[eE]([-+−]?\d+)(?![\d.])/y;
const EXPONENT_TIMES = / ?[×xX*·✕] ?10 ?\^ ?\(?([-+−]?\d+)\)?/y;
const POWER = /\^ ?\(?([-+−]?\d+)\)?/y;
const FRACTION = / ?[/÷] ?(\d+(?:\.\d+)?)(?![\d,])/y;

function sticky(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

interface Scanned {
  /** null: the digits are not one readable number ("1,2", "28/29"). */
  readonly value: Decimal | null;
  readonly end: number;
}

/** The digits of an ordinary number at s[i]: "315", "1,200", "0.40", "0,4". */
function scanDigits(s: string, i: number): { text: string; end: number } | null {
  let j = i;
  while (isDigit(s[j])) j++;
  const whole = s.slice(i, j) || '0';
  let text = whole;
  if (s[j] === ',' && isDigit(s[j + 1])) {
    let k = j + 1;
    while (isDigit(s[k])) k++;
    const group = s.slice(j + 1, k);
    if (whole === '0') return { text: `0.${group}`, end: k }; // a decimal comma: "0,4"
    if (group.length !== 3 || whole.length > 3 || whole.startsWith('0')) return null; // "1,2", "28,29"
    text += group;
    j = k;
    while (s[j] === ',' && isDigit(s[j + 1])) {
      k = j + 1;
      while (isDigit(s[k])) k++;
      if (k - j - 1 !== 3) return null;
      text += s.slice(j + 1, k);
      j = k;
    }
  }
  if (s[j] === '.' && isDigit(s[j + 1])) {
    let k = j + 1;
    while (isDigit(s[k])) k++;
    text += s.slice(j, k);
    j = k;
  }
  return { text, end: j };
}

/**
 * No answer has this many digits or so large an exponent; refusing them keeps
 * the arithmetic small on a runaway response ("1e999999999", a million 1s).
 */
const MAX_DIGITS = 40;
const MAX_EXPONENT = 40;
const tooLong = (text: string): boolean => text.replace(/\D/g, '').length > MAX_DIGITS;
const exponentOf = (text: string): number | null => {
  const e = Number(text.replace('−', '-'));
  return Math.abs(e) <= MAX_EXPONENT ? e : null;
};

/** The number at s[i] (its sign is the caller's), with what makes it one value: exponent, power of ten, fraction. */
function scanNumber(s: string, i: number): Scanned {
  const sheet = sticky(SHEET, s, i);
  if (sheet && sheet[0].includes(' ')) {
    const end = i + sheet[0].length;
    return { value: tooLong(sheet[0]) ? null : parseDecimal(sheet[0].replace(/ /g, '')), end };
  }
  const digits = scanDigits(s, i);
  if (!digits || tooLong(digits.text)) return { value: null, end: digits?.end ?? i + 1 };
  let value = parseDecimal(digits.text);
  let end = digits.end;
  if (!value) return { value: null, end };
  const e = sticky(EXPONENT_E, s, end) ?? sticky(EXPONENT_TIMES, s, end);
  if (e) {
    const exponent = exponentOf(e[1] as string);
    return { value: exponent === null ? null : shiftDecimal(value, exponent), end: end + e[0].length };
  }
  const power = sticky(POWER, s, end);
  if (power) {
    // "10^3" is a number; "2^3" is not how anyone writes an answer.
    const exponent = exponentOf(power[1] as string);
    if (digits.text !== '10' || exponent === null) return { value: null, end: end + power[0].length };
    return { value: shiftDecimal({ digits: 1n, scale: 0 }, exponent), end: end + power[0].length };
  }
  const fraction = sticky(FRACTION, s, end);
  if (fraction) {
    const den = parseDecimal(fraction[1] as string);
    value = den ? divideDecimal(value, den) : null;
    end += fraction[0].length;
  }
  return { value, end };
}

/** Words and signs between two numbers that make them a range, alternatives or a list. */
const CONNECTOR = '[〜~\\-‐‑–—―−ー/,、;&±・]|\\+/?-|から|to|または|又は|もしくは|若しくは|あるいは|或いは|ないし|乃至|or|か|と|及び|および|and|vs\\.?';
/** After the value: connectors and another number ("28〜29", "315 or 316", "28、または29"). */
const SECOND_VALUE = new RegExp(`^ ?(?:(?:${CONNECTOR}) ?)+(?:(?:約|およそ) ?)?[-+−]?\\.?\\d`, 'iu');
/** After the value: a bracket holding another number ("28 (29)", "28（または29）"). */
const BRACKETED_VALUE = new RegExp(`^ ?[(\\[] ?(?:(?:${CONNECTOR}) ?)?[-+−]?\\.?\\d`, 'iu');
/** After the value: another number after a space ("28 29", "3 15"). */
const SPACED_VALUE = /^ [-+−]?\.?\d/u;
/** After the value: not one value but a bound or a range left open ("28以上", "28+", "28〜"). */
const OPEN_BOUND = /^ ?(?:以上|以下|未満|超|より(?:大|小|多|少|上|下|高|低)|or (?:more|less|higher|lower|above|below|greater|fewer)|\+(?!\d)|[〜~])/iu;
/** After the value: an equation's next member ("70/2.5 = 28", "28.1 ≒ 28"). */
const EQUALS = /^ ?(?:[=≒≈≃≅→⇒]|=>) ?/u;

/** Before the value: nothing but these (quotes, a colon, an approximation word, a bullet) means the line starts with its number. */
const PLAIN_LEAD =
  /^(?:[ "'“”‘’「」『』(（[【:：=≒≈≃]|約|およそ|おおよそ|ほぼ|概ね|おおむね|大体|だいたい|approximately|approx\.?|about|around|roughly|ca\.|answer(?: is)?|答え(?:は)?|[-・•](?= ))*$/iu;
/** Before the value: a bound, not a value ("<28", "≥ 28", "at least 28", "〜28"). */
const BOUND_LEAD = /(?:[<>≤≥≦≧〜~]|at least|at most|more than|less than|over|under|up to) ?$/iu;
const SIGN = /[-−+]$/u;
const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Read a calculation answer line. `value` is a plain decimal string keeping the
 * digits written ("0.40" stays "0.40"); `ambiguous` is a line that states more
 * than one value; `none` is a line without a number.
 */
export function readNumber(line: string): NumberReading {
  const s = prepare(line);
  const first = nextNumberStart(s, 0);
  if (first < 0) return NONE;
  let lead = s.slice(0, first);
  let negative = false;
  if (SIGN.test(lead)) {
    negative = !lead.endsWith('+');
    lead = lead.slice(0, -1);
  }
  if (BOUND_LEAD.test(lead)) return AMBIGUOUS;

  let at = first;
  let sign = negative;
  let startsWithNumber = PLAIN_LEAD.test(lead);
  for (;;) {
    const { value, end } = scanNumber(s, at);
    if (!value) return AMBIGUOUS;
    const rest = s.slice(end);
    const eq = EQUALS.exec(rest);
    if (eq) {
      const after = end + eq[0].length;
      const signed = s[after] === '-' || s[after] === '−';
      const next = signed ? after + 1 : after;
      if (numberStartsAt(s, next)) {
        at = next;
        sign = signed;
        startsWithNumber = true;
        continue;
      }
    }
    if (SECOND_VALUE.test(rest) || BRACKETED_VALUE.test(rest) || SPACED_VALUE.test(rest) || OPEN_BOUND.test(rest)) return AMBIGUOUS;
    // A number inside prose is the answer only when it is the only number; so is one glued to a
    // Japanese word, which may be part of a phrase ("1日尿蛋白量は0.4 g" is not 1). And another
    // number offered as an alternative in words ("28 です。ただし 29 の可能性も") is a second value.
    const another = nextNumberStart(s, end) >= 0;
    if (another && (!startsWithNumber || JAPANESE.test(s[end] ?? '') || ALTERNATIVE_WORDS.test(rest))) return AMBIGUOUS;
    return { kind: 'value', value: formatDecimal(sign ? { digits: -value.digits, scale: value.scale } : value) };
  }
}

/**
 * A calculation answer as a plain decimal string ("３１５" → "315",
 * "3 1 5 mL" → "315", "1.2e3" → "1200"), or null when the text is not one
 * number (none, or ambiguous).
 */
export function normaliseNumber(text: string): string | null {
  const r = readNumber(text);
  return r.kind === 'value' ? r.value : null;
}

/** Two numeric strings are the same number ("0.4" = "0.40"; "28.1" ≠ "28"); false when either is not one number. */
export function sameNumber(a: string, b: string): boolean {
  const x = normaliseNumber(a);
  const y = normaliseNumber(b);
  if (x === null || y === null) return false;
  const dx = parseDecimal(x);
  const dy = parseDecimal(y);
  return dx !== null && dy !== null && equalDecimal(dx, dy);
}
