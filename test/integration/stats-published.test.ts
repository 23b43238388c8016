import { beforeAll, describe, expect, it } from 'vitest';
import { loadResultDir, type LoadedRun } from '../../src/runs/collection.js';
import {
  epochStats,
  examDesign,
  leaderboardUncertainty,
  outcomesFromRecords,
  pairedDifference,
  passOnRerun,
  passOnSimilarExam,
  type ExamDesign,
  type LeaderboardUncertainty,
  type RunOutcomes,
} from '../../src/stats/index.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

/**
 * The statistics on the 10 published runs of the 120th (one epoch each):
 * properties that must hold whatever the random draws, never the draws
 * themselves.
 */

let runs: LoadedRun[];
let design: ExamDesign;
let outcomes: RunOutcomes[];
let lb: LeaderboardUncertainty;
const byName = (name: string) => runs.findIndex((r) => r.name === name);

beforeAll(() => {
  runs = loadResultDir(RESULTS_DIR, { dataDir: DATA_ROOT }).runs;
  const exam = runs[0]!.exam;
  design = examDesign(exam);
  outcomes = runs.map((r) => outcomesFromRecords(design, exam, [r.file.results]));
  lb = leaderboardUncertainty(design, outcomes, { resamples: 2000 });
});

describe('the design of the 120th', () => {
  it('has 400 scored questions, 200 + 300 points, 20 serial cases and 禁忌肢 unknown', () => {
    expect(runs).toHaveLength(10);
    expect(design.ids).toHaveLength(400);
    expect([design.requiredMax, design.generalMax]).toEqual([200, 300]);
    expect(design.clusterCount).toBe(400 - 50 + 20); // 50 questions in 20 cases
    expect(design.kinkiKnown).toBe(false);
  });
});

describe('one epoch of each published run', () => {
  it('scores exactly as the recomputed summary does', () => {
    runs.forEach((r, m) => {
      const s = epochStats(design, outcomes[m]!);
      const e = s.perEpoch[0]!;
      expect([e.score, e.required, e.general, e.correct]).toEqual([r.summary.score, r.summary.required_score, r.summary.general_score, r.summary.correct]);
      expect([e.requiredPass, e.generalPass, e.kinki]).toEqual([r.summary.required_pass, r.summary.general_pass, null]);
      expect(s.score.sd).toBeNull();
      expect(s.majority?.score).toBe(e.score); // one epoch: the vote is that epoch
    });
  });

  it('cannot say anything about a rerun (one epoch): null, never 0 or 1', () => {
    for (const o of outcomes) expect(passOnRerun(design, o)).toEqual({ p: null, reason: 'one-epoch', kinkiIncluded: false });
  });

  it('has score intervals around the observed score, inside [0, 1], narrower near the top', () => {
    const widths = lb.runs.map((u, m) => {
      const observed = runs[m]!.summary.score / 500;
      expect(u.score.value).toBeCloseTo(observed, 12);
      expect(u.score.interval.low).toBeLessThan(observed);
      expect(u.score.interval.high).toBeGreaterThan(observed);
      expect(u.score.interval.high).toBeLessThanOrEqual(1);
      return { observed, width: u.score.interval.high - u.score.interval.low };
    });
    widths.sort((a, b) => b.observed - a.observed);
    expect(widths[0]!.width).toBeLessThan(widths[widths.length - 1]!.width);
  });
});

describe('the leaderboard’s uncertainty', () => {
  it('ties the top three (493, 490, 488 of 500): their rank ranges overlap the leader’s', () => {
    const top = [...runs.keys()].sort((a, b) => runs[b]!.summary.score - runs[a]!.summary.score).slice(0, 3);
    expect(top.map((m) => runs[m]!.summary.score)).toEqual([493, 490, 488]);
    const [first, second, third] = top.map((m) => lb.ranks.ranges[m]!);
    expect(first!.leader).toBe(true);
    expect(first!.low).toBe(1);
    expect(second!.tiedWithLeader && third!.tiedWithLeader).toBe(true);
    expect(second!.low).toBe(1);
    expect(third!.high).toBeGreaterThanOrEqual(3);
  });

  it('does not tie the leader with the runs 30+ points behind', () => {
    runs.forEach((r, m) => {
      if (r.summary.score <= 460) {
        expect(lb.ranks.ranges[m]!.tiedWithLeader).toBe(false);
        expect(lb.ranks.ranges[m]!.low).toBeGreaterThan(1);
      }
    });
  });

  it('finds no evidence that Claude Opus 4.6 beats GPT-5.2 (+1.0 points)', () => {
    const d = pairedDifference(design, outcomes[byName('Claude Opus 4.6')]!, outcomes[byName('GPT-5.2')]!);
    expect(d.score.diff).toBeCloseTo(5 / 500, 12);
    expect(d.score.interval.low).toBeLessThan(0);
    expect(d.score.interval.high).toBeGreaterThan(0);
    expect(d.score.p).toBeGreaterThan(0.05);
    // Holm over the leader's tests: no run within a few points of the leader differs from it.
    for (const p of lb.pairs) if (Math.abs(p.diff) < 0.01) expect(p.pHolm).toBeGreaterThan(0.05);
  });
});

describe('P(pass) on an exam like this one', () => {
  const margin = (r: LoadedRun) => Math.min(r.summary.required_score - 160, r.summary.general_score - 224);

  it('is near 1 for the top run and lowest for the run closest to a mark (of the 10 published: gpt-oss-20b (medium), 12 points above the required mark)', () => {
    const p = lb.runs.map((u) => u.passExam.p!);
    for (const x of p) expect(x).toBeGreaterThan(0);
    const closest = [...runs.keys()].sort((a, b) => margin(runs[a]!) - margin(runs[b]!))[0]!;
    const best = [...runs.keys()].sort((a, b) => runs[b]!.summary.score - runs[a]!.summary.score)[0]!;
    expect(p[best]).toBeGreaterThan(0.99);
    expect(p[closest]).toBeLessThan(p[best]!);
    expect(p[closest]).toBe(Math.min(...p));
    expect(lb.runs[closest]!.passExam.kinkiIncluded).toBe(false); // 禁忌肢 not disclosed for the 120th
  });

  it('is reproducible (seeded) and not estimable on the text-only questions alone', () => {
    const o = outcomes[0]!;
    expect(passOnSimilarExam(design, o, { resamples: 500 })).toEqual(passOnSimilarExam(design, o, { resamples: 500 }));
    const exam = runs[0]!.exam;
    const text = examDesign(
      exam,
      exam.questions.filter((q) => !q.requiresImage).map((q) => q.id),
    );
    const textOutcomes = outcomesFromRecords(text, exam, [runs[0]!.file.results]);
    expect(passOnSimilarExam(text, textOutcomes).reason).toBe('incomplete');
  });
});
