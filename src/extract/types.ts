/**
 * What extraction returns, and the names of its rules. Every rule of ours that
 * makes an outcome differ from the reference's is named in `notes`, so a viewer
 * and `rescore` can say why.
 */

/** Which rule extracts answers: ours (default) or exactly the reference harness's `parse_answer`. */
/** The rules a result file can be scored with (the file format's vocabulary, results/summary.ts). */
export { EXTRACTION_RULES, type ExtractionRule } from '../results/vocabulary.js';

export type ExtractionNote =
  | 'last-marker' // several 【回答】: the last one that is the model's answer wins
  | 'format-example' // a later 【回答】 that quotes the format ("（形式: 【回答】a,c,e）") was passed over
  | 'alt-marker' // 【解答】 etc. used because 【回答】 is absent
  | 'bracket-stripped' // "c】", "「d」", "d.", "b:", "\boxed{d}" → the letter
  | 'fullwidth' // ａ / ０-９ / ，→ ASCII
  | 'joined-letters' // "a・c", "aとc" → a, c
  | 'per-option-verdicts' // "a: 誤り、b: 誤り、c: 正しい" judges every option: not a selection
  | 'numeric-normalised' // "3 1 5" → 315, "28**" → 28, "1.200 g/日" → 1.200, "2/5" → 0.4, "①3 ②1 ③5" → 315
  | 'ambiguous'; // two values, a range or an alternative ("28〜29", "a または c"): a parse failure

export interface Extraction {
  /** Letters (sorted, unique) or one numeric string for calculation questions. */
  readonly predicted: string[];
  readonly ok: boolean;
  /** Which text gave the answer (null when there is none). */
  readonly source: 'content' | 'reasoning' | null;
  readonly notes: ExtractionNote[];
}
