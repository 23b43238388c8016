/**
 * The official verdict of one run under its exam's rules: the one definition
 * of "passed" that the summary, the CLI, the reports and the viewer all use.
 *
 * - `pass`: required ≥ its mark, general ≥ its mark, and 禁忌肢 within the limit.
 * - `fail`: any criterion failed.
 * - `pass-unless-kinki`: required and general passed, but the exam does not
 *   disclose its prohibited choices (the 119th, the 120th), so the 禁忌肢
 *   criterion cannot be judged: a pass unless the model chose more than the
 *   limit allows.
 * - `incomplete`: the run does not cover a whole part (an interrupted run,
 *   `--blocks`, `--questions`), so the marks cannot be applied.
 *
 * The reference harness's README marks a model bold on a weaker rule (required
 * and general, 禁忌肢 ignored): that is `referenceBold`, and only the README
 * tables it writes use it.
 */
export type { Verdict } from '../results/vocabulary.js';
import type { Verdict } from '../results/vocabulary.js';

/** The parts of a summary the verdict reads. */
export interface VerdictInput {
  readonly required_pass: boolean | null;
  readonly general_pass: boolean | null;
  readonly kinki: { readonly pass: boolean | null };
}

export function verdictOf(s: VerdictInput): Verdict {
  if (s.required_pass === false || s.general_pass === false || s.kinki.pass === false) return 'fail';
  if (s.required_pass === null || s.general_pass === null) return 'incomplete';
  return s.kinki.pass === null ? 'pass-unless-kinki' : 'pass';
}

/** The summary's `passed`: true only on a full pass, false on a fail, null when it cannot be judged. */
export function passedOf(v: Verdict): boolean | null {
  return v === 'pass' ? true : v === 'fail' ? false : null;
}

/** Counts as passing on every criterion that can be judged (pass, or pass unless 禁忌肢). */
export function passesKnownCriteria(v: Verdict): boolean {
  return v === 'pass' || v === 'pass-unless-kinki';
}

export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  pass: 'pass',
  fail: 'fail',
  'pass-unless-kinki': 'pass unless 禁忌肢 (not disclosed)',
  incomplete: 'incomplete (partial run)',
};

/** The reference README's bold: required and general passed (禁忌肢 not considered). Only for the reference's tables. */
export function referenceBold(s: Pick<VerdictInput, 'required_pass' | 'general_pass'>): boolean {
  return s.required_pass === true && s.general_pass === true;
}
