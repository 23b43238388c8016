import { basename } from 'node:path';
import { buildLeaderboard, runCoverage, type LeaderboardRow } from '../reports/leaderboard.js';
import { rankBy } from '../reports/ranking.js';
import type { LoadedRun } from '../results/collection.js';
import { bootstrapRun, questionVectors, type Interval, type RunIntervals } from '../scoring/stats.js';
import { roundHalfEven } from '../util/round.js';
import type { ChartBar, IntervalView, RunStats } from './types.js';

/**
 * One exam's runs as the leaderboard shows them: ranked by the one ranking
 * (reports/ranking.ts), each with its bootstrap intervals, and the two score
 * charts, which are the CLI's two tables (`buildLeaderboard` with `--ci`). The
 * app renders these as they come.
 */

export interface Charts {
  readonly all: ChartBar[];
  readonly text: ChartBar[];
  readonly notes: string[];
}

export interface BoardRun {
  readonly run: LoadedRun;
  /** 1 = best. */
  readonly rank: number;
  readonly stats: RunStats | null;
}

const r4 = (x: number) => roundHalfEven(x, 4);
const interval = (i: Interval): IntervalView => ({ low: r4(i.low), high: r4(i.high), level: i.level });

function stats(ci: RunIntervals): RunStats {
  const level = Math.round((ci.score.level ?? 0.95) * 100);
  return {
    method: `${level}% bootstrap over questions (${ci.resamples} resamples, seed ${ci.seed})`,
    score: interval(ci.score),
    accuracy: interval(ci.accuracy),
  };
}

/** The runs of one exam, ranked, with intervals, and the charts; `idOf` names a run in the payload. */
export function rankedBoard(runs: readonly LoadedRun[], idOf: (run: LoadedRun) => string): { runs: BoardRun[]; charts: Charts } {
  if (runs.length === 0) return { runs: [], charts: { all: [], text: [], notes: [] } };
  const ranked = rankBy(runs, (r) => ({ complete: runCoverage(r).complete, scorePct: r.summary.score_pct, accuracy: r.summary.accuracy, path: r.path }));
  const lb = buildLeaderboard(runs, { ci: true });

  // A run's interval covers the questions it answered: the All table's row, or for a
  // skip-mode run its text-only row (its whole run); runs in neither (partial runs,
  // duplicates of a name) get theirs computed the same way.
  const known = new Map<string, RunIntervals>();
  for (const row of lb.all) if (row.ci) known.set(row.path, { ...row.ci, resamples: lb.ci?.resamples ?? 0, seed: lb.ci?.seed ?? 0 });
  for (const row of lb.text)
    if (row.ci && row.imageMode === 'skip') known.set(row.path, { ...row.ci, resamples: lb.ci?.resamples ?? 0, seed: lb.ci?.seed ?? 0 });
  const statsOf = (run: LoadedRun): RunStats | null => {
    const hit = known.get(run.path);
    if (hit) return stats(hit);
    const v = questionVectors(run.file.results, run.exam);
    return v.ids.length ? stats(bootstrapRun(v)) : null;
  };

  const byPath = new Map(runs.map((r) => [r.path, r]));
  const bar = (row: LeaderboardRow): ChartBar => ({
    run: idOf(byPath.get(row.path) as LoadedRun),
    score: row.score,
    max: row.scoreMax,
    pct: row.scorePct,
    ci: row.ci ? interval(row.ci.score) : null,
  });
  // Notes name files, never local paths.
  const local = (note: string) => runs.reduce((t, r) => t.split(r.path).join(basename(r.path)), note);
  return {
    runs: ranked.map((run, i) => ({ run, rank: i + 1, stats: statsOf(run) })),
    charts: { all: lb.all.map(bar), text: lb.text.map(bar), notes: lb.notes.map(local) },
  };
}
