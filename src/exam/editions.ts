import type { ExamRules, PointRule } from './types.js';

/**
 * Official rules of each edition, as data. Scoring, pass/fail and reports read
 * these; nothing else in the code knows a threshold.
 */

const REQUIRED_3PT: readonly PointRule[] = [{ blocks: ['B', 'E'], from: 26, to: 50, points: 3 }];

export const EDITIONS: Readonly<Record<string, ExamRules>> = {
  '120': {
    id: '120',
    title: '第120回医師国家試験 (Feb 2026)',
    year: 2026,
    blocks: ['A', 'B', 'C', 'D', 'E', 'F'],
    requiredBlocks: ['B', 'E'],
    requiredMax: 200,
    generalMax: 300,
    requiredPass: 160,
    generalPass: 224,
    kinkiMax: 3,
    kinkiDisclosed: false,
    pointRules: REQUIRED_3PT,
    defaultPoints: 1,
    notes: 'Official MHLW criteria for the 120th: required ≥160/200, general ≥224/300, 禁忌肢 ≤3 (the reference harness used 221, the 119th criterion).',
  },
  // Past exams (issue 6). 112th–116th come from IgakuQA, which carries points per
  // question (0 = excluded from scoring), so no position rules there; maxima are
  // the official ones after exclusions.
  ...pastEdition('112', 2018, 160, 200, 208, 299, true),
  ...pastEdition('113', 2019, 160, 200, 209, 296, true),
  ...pastEdition('114', 2020, 158, 197, 217, 299, true),
  ...pastEdition('115', 2021, 160, 200, 209, 300, true),
  ...pastEdition('116', 2022, 158, 197, 214, 297, true),
  ...pastEdition('119', 2025, 160, 200, 221, 300, false, REQUIRED_3PT),
};

function pastEdition(
  id: string,
  year: number,
  requiredPass: number,
  requiredMax: number,
  generalPass: number,
  generalMax: number,
  kinkiDisclosed: boolean,
  pointRules: readonly PointRule[] = [],
): Record<string, ExamRules> {
  return {
    [id]: {
      id,
      title: `第${id}回医師国家試験 (Feb ${year})`,
      year,
      blocks: ['A', 'B', 'C', 'D', 'E', 'F'],
      requiredBlocks: ['B', 'E'],
      requiredMax,
      generalMax,
      requiredPass,
      generalPass,
      kinkiMax: 3,
      kinkiDisclosed,
      pointRules,
      defaultPoints: 1,
      notes: `Official MHLW criteria for the ${id}th: required ≥${requiredPass}/${requiredMax}, general ≥${generalPass}/${generalMax}, 禁忌肢 ≤3${
        kinkiDisclosed ? ' (prohibited choices from IgakuQA metadata)' : ' (prohibited choices not disclosed)'
      }.`,
    },
  };
}

export const DEFAULT_EXAM = '120';

/** Points of a question by its position, for sources without per-question points. */
export function pointsByPosition(rules: ExamRules, block: string, number: number): number {
  for (const r of rules.pointRules) {
    if (r.blocks.includes(block) && number >= r.from && number <= r.to) return r.points;
  }
  return rules.defaultPoints;
}
