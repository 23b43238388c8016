/**
 * 禁忌肢 (prohibited choices) as the sources write them, normalised to sorted
 * lower-case ASCII letters. IgakuQA's metadata uses every one of these forms:
 *   ["c","e"]      one letter per element
 *   ["cde"]        several letters run together in one element
 *   ["d", " e"]    stray white space
 *   ["ｂ"]         full-width letters
 *   "cde"          a bare string (accepted too)
 *   []             no prohibited choice
 */

export type KinkiResult = { readonly ok: true; readonly letters: string[] } | { readonly ok: false; readonly reason: string };

const SEPARATORS = /[\s,、，・/]+/gu;

/** Normalise one raw `kinki` value; anything that is not letters is reported, never guessed. */
export function normaliseKinki(raw: unknown): KinkiResult {
  if (raw === null || raw === undefined) return { ok: true, letters: [] };
  const parts: unknown[] = Array.isArray(raw) ? raw : [raw];
  const found = new Set<string>();
  for (const part of parts) {
    if (typeof part !== 'string') return { ok: false, reason: `kinki element ${JSON.stringify(part)} is not a string` };
    const cleaned = part.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
    for (const ch of cleaned) {
      if (!/^[a-z]$/.test(ch)) return { ok: false, reason: `kinki ${JSON.stringify(raw)} has "${ch}", which is not a choice letter` };
      found.add(ch);
    }
  }
  return { ok: true, letters: [...found].sort() };
}

/** The prohibited choices a prediction selected (empty when none, or when the exam does not disclose them). */
export function selectedKinki(predicted: readonly string[], kinki: readonly string[] | undefined): string[] {
  if (!kinki || kinki.length === 0) return [];
  return predicted.filter((p) => kinki.includes(p));
}
