import type { ExamDesign } from './design.js';

/**
 * The official score of one set of answers (one epoch, or the majority vote)
 * under the design's rules, as the summary computes it: points per question,
 * required = the required blocks, pass marks applied only to a whole part.
 */
export interface OfficialScore {
  /** Points earned. */
  readonly score: number;
  readonly required: number;
  readonly general: number;
  /** Questions right. */
  readonly correct: number;
  /** Questions with a prohibited choice selected; null = unknown (not disclosed). */
  readonly kinki: number | null;
  /** required ≥ its mark; null when the design does not cover the whole required part. */
  readonly requiredPass: boolean | null;
  readonly generalPass: boolean | null;
  /** 禁忌肢 ≤ the limit; null = unknown. */
  readonly kinkiPass: boolean | null;
  /**
   * Passes every criterion that can be judged: required and general passed
   * and 禁忌肢 not failed (unknown counts as not failed: the summary's
   * "pass unless 禁忌肢"). Null when a part is not covered (incomplete).
   */
  readonly passesKnown: boolean | null;
}

/** Pass flags from part scores (points) and a 禁忌肢 count (null = unknown). */
function passFlags(
  design: ExamDesign,
  required: number,
  general: number,
  kinki: number | null,
): Pick<OfficialScore, 'requiredPass' | 'generalPass' | 'kinkiPass' | 'passesKnown'> {
  const r = design.rules;
  const requiredPass = design.requiredComplete ? required >= r.requiredPass : null;
  const generalPass = design.generalComplete ? general >= r.generalPass : null;
  const kinkiPass = kinki === null ? null : kinki <= r.kinkiMax;
  // As the verdict: any failed criterion fails; otherwise an uncovered part leaves it undecided.
  const failed = requiredPass === false || generalPass === false || kinkiPass === false;
  const passesKnown = failed ? false : requiredPass === null || generalPass === null ? null : true;
  return { requiredPass, generalPass, kinkiPass, passesKnown };
}

/**
 * Score one row of outcomes: `correct[offset + i]` (and `kinki[offset + i]`)
 * for question position i. `kinki` null = unknown.
 */
export function officialScore(design: ExamDesign, correct: ArrayLike<number>, kinki: ArrayLike<number> | null, offset = 0): OfficialScore {
  const n = design.ids.length;
  let required = 0;
  let general = 0;
  let right = 0;
  let kinkiCount = 0;
  for (let i = 0; i < n; i++) {
    if (kinki && kinki[offset + i]) kinkiCount++;
    if (!correct[offset + i]) continue;
    right++;
    if (design.required[i]) required += design.points[i] as number;
    else general += design.points[i] as number;
  }
  const k = design.kinkiKnown && kinki ? kinkiCount : null;
  return { score: required + general, required, general, correct: right, kinki: k, ...passFlags(design, required, general, k) };
}
