/**
 * Choice letters as printed in a question's text: lines that start with a
 * letter followed by a (full-width) space, e.g. "a　緊急手術" or "　b　甲状腺腫".
 * Letters must come in order (a, b, c…): a line "b …" before any "a …" is prose.
 * Full-width letters count as their ASCII letters (what NFKC makes of them).
 *
 * It runs on every question while the exam loads, before a run's first
 * request, so it is one `exec` loop with the letter mapped by its code: no
 * iterator, no NFKC normalisation per match, and no `u` flag (the classes
 * hold no astral characters, so it matches the same). Cold, on the 120th:
 * ~2.4 ms against ~3 ms for `matchAll` with them, and ~5.5 ms for a scan
 * by character codes in JavaScript. The unit tests hold it to the `u` pattern.
 */
const CHOICE_LINE = /^[ \t\u3000|]*([a-zａ-ｚ])[ \t\u3000.．:：)）|]/gm;
const FULL_WIDTH_A = 0xff41;

export function choiceLettersInText(text: string): string[] {
  const found: string[] = [];
  CHOICE_LINE.lastIndex = 0;
  for (let m = CHOICE_LINE.exec(text); m !== null; m = CHOICE_LINE.exec(text)) {
    const code = (m[1] as string).charCodeAt(0);
    const letter = code >= FULL_WIDTH_A ? code - (FULL_WIDTH_A - 0x61) : code;
    if (letter === 0x61 + found.length) found.push(String.fromCharCode(letter));
  }
  return found;
}

/** "a–e" for messages. */
export function describeLetters(letters: readonly string[]): string {
  if (letters.length === 0) return '(none)';
  if (letters.length === 1) return letters[0] as string;
  return `${letters[0]}–${letters[letters.length - 1]}`;
}
