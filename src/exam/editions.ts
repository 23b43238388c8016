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
    notes:
      'Official MHLW criteria for the 120th: required ≥160/200, general ≥224/300, 禁忌肢 ≤3 (the reference harness used 221, the 119th criterion).',
  },
};

export const DEFAULT_EXAM = '120';

/** Points of a question by its position, for sources without per-question points. */
export function pointsByPosition(rules: ExamRules, block: string, number: number): number {
  for (const r of rules.pointRules) {
    if (r.blocks.includes(block) && number >= r.from && number <= r.to) return r.points;
  }
  return rules.defaultPoints;
}
