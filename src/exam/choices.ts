/**
 * Choice letters as printed in a question's text: lines that start with a
 * letter followed by a (full-width) space, e.g. "a　緊急手術" or "　b　甲状腺腫".
 * Letters must come in order (a, b, c…): a line "b …" before any "a …" is prose.
 *
 * The rule, as a pattern (the unit tests hold this scan to it):
 * `/^[ \t\u3000|]*([a-zａ-ｚ])[ \t\u3000.．:：)）|]/gmu`, the letter NFKC-normalised.
 * It is a hand-written scan because it runs on every question while the exam
 * loads, before a run's first request: the pattern, with an iterator and a
 * normalisation per match, cost ~2 ms of that start-up.
 */
export function choiceLettersInText(text: string): string[] {
  const found: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // At the start of a line: skip the indent, read a letter, then a separator.
    let j = i;
    let c = text.charCodeAt(j);
    while (c === 0x20 || c === 0x09 || c === 0x3000 || c === 0x7c) c = text.charCodeAt(++j);
    const letter = c >= 0x61 && c <= 0x7a ? c : c >= 0xff41 && c <= 0xff5a ? c - 0xfee0 : -1;
    if (letter === 0x61 + found.length && isSeparator(text.charCodeAt(j + 1))) found.push(String.fromCharCode(letter));
    // The next line: after any line terminator (as `^` with the m flag).
    while (j < n && !isLineTerminator(text.charCodeAt(j))) j++;
    i = j + 1;
  }
  return found;
}

function isSeparator(c: number): boolean {
  // space, tab, ideographic space, . ． : ： ) ） |
  return c === 0x20 || c === 0x09 || c === 0x3000 || c === 0x2e || c === 0xff0e || c === 0x3a || c === 0xff1a || c === 0x29 || c === 0xff09 || c === 0x7c;
}

function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/** "a–e" for messages. */
export function describeLetters(letters: readonly string[]): string {
  if (letters.length === 0) return '(none)';
  if (letters.length === 1) return letters[0] as string;
  return `${letters[0]}–${letters[letters.length - 1]}`;
}
