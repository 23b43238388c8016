/**
 * Choice letters as printed in a question's text: lines that start with a
 * letter followed by a (full-width) space, e.g. "a　緊急手術" or "　b　甲状腺腫".
 */
const CHOICE_LINE = /^[ \t\u3000|]*([a-zａ-ｚ])[ \t\u3000.．:：)）|]/gmu;

export function choiceLettersInText(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(CHOICE_LINE)) {
    const letter = (m[1] ?? '').normalize('NFKC');
    if (letter === String.fromCharCode(97 + found.length)) found.push(letter);
  }
  return found;
}

/** "a–e" for messages. */
export function describeLetters(letters: readonly string[]): string {
  if (letters.length === 0) return '(none)';
  if (letters.length === 1) return letters[0] as string;
  return `${letters[0]}–${letters[letters.length - 1]}`;
}
