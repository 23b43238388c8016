import type { RunEntry } from '../../src/viewer/types';

/**
 * Order and pass/fail of runs, as `jmle-bench leaderboard` does it (pure; tested
 * against `buildLeaderboard` in test/viewer-rank.test.ts).
 */

/**
 * Best first: score %, then accuracy, then file name, as the CLI's tables. Runs
 * that did not answer every scored question (which the CLI leaves out) come after
 * every complete run, ranked the same way among themselves.
 */
export function ranked(runs: readonly RunEntry[]): RunEntry[] {
  return [...runs].sort(
    (a, b) =>
      Number(b.coverage.complete) - Number(a.coverage.complete) ||
      b.summary.score_pct - a.summary.score_pct ||
      b.summary.accuracy - a.summary.accuracy ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
}

/** Required and general passed, and no more 禁忌肢 than allowed where that is known. */
export const passes = (r: RunEntry): boolean => r.summary.required_pass === true && r.summary.general_pass === true && r.summary.kinki.pass !== false;

export interface ChartEntry {
  readonly run: RunEntry;
  /** Score % (fraction) over the chart's questions. */
  readonly value: number;
  readonly score: number;
  readonly max: number;
}

/**
 * The bars of a score chart, best first. "all": every question, so skip-mode
 * runs (which answered only the text-only ones) are left out, as from the CLI's
 * All table. "text": the text-only part of every run (a skip-mode run is all text-only).
 * Partial runs are left out of both, as from the CLI's tables.
 */
export function chartEntries(runs: readonly RunEntry[], which: 'all' | 'text'): ChartEntry[] {
  const entries = ranked(runs)
    .filter((r) => r.coverage.complete && (which === 'text' || r.imageMode !== 'skip'))
    .map((run): ChartEntry => {
      const s = run.summary;
      return which === 'all' || run.imageMode === 'skip'
        ? { run, value: s.score_pct, score: s.score, max: s.score_max }
        : { run, value: s.text_only_score_pct, score: s.text_only_score, max: s.text_only_score_max };
    });
  return entries.sort((a, b) => b.value - a.value); // stable: ties keep the ranking
}
