import { basename } from 'node:path';
import { buildLeaderboard, runCoverage, type LeaderboardRow } from '../reports/leaderboard.js';
import { rankBy } from '../reports/ranking.js';
import { runUncertaintyOf } from '../reports/uncertainty.js';
import { epochLists } from '../results/epochs.js';
import type { LoadedRun } from '../runs/collection.js';
import type { Interval, RunUncertainty } from '../stats/index.js';
import { round4 } from '../util/round.js';
import type { ChartBar, IntervalView, RunStats } from './types.js';

/**
 * One exam's runs as the leaderboard shows them: ranked by the one ranking
 * (reports/ranking.ts), each with its statistics, and the two score charts,
 * which are the CLI's two tables (`buildLeaderboard` with uncertainty, as
 * `leaderboard --ci --uncertainty` shows them). The app renders these as they come.
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

const interval = (i: Interval): IntervalView => ({ low: round4(i.low), high: round4(i.high), level: i.level });

const METHOD = (level: number) =>
  `${Math.round(level * 100)}% interval on an exam like this one: questions resampled by serial case within each block (README, "Uncertainty")`;

/** A run's statistics from its table row (ranks are the table's, joint over its rows). */
function rowStats(row: LeaderboardRow): RunStats | null {
  if (!row.ci) return null;
  const u = row.uncertainty;
  return {
    method: METHOD(row.ci.score.level),
    score: interval(row.ci.score),
    accuracy: interval(row.ci.accuracy),
    ...(u?.rankLow != null && u.rankHigh != null ? { rank_low: u.rankLow, rank_high: u.rankHigh } : {}),
    ...(u?.pPassRerun != null ? { p_pass_rerun: round4(u.pPassRerun) } : {}),
    ...(u?.pPassExam != null ? { p_pass_exam: round4(u.pPassExam) } : {}),
    ...(u && u.epochs > 0 ? { epochs: u.epochs } : {}),
  };
}

/** The same for a run in neither table (a partial run, a duplicate of a name): its own questions, no rank. */
function ownStats(u: RunUncertainty | null): RunStats | null {
  if (!u) return null;
  return {
    method: METHOD(u.level),
    score: interval(u.score.interval),
    accuracy: interval(u.accuracy.interval),
    ...(u.passRerun.p !== null ? { p_pass_rerun: round4(u.passRerun.p) } : {}),
    ...(u.passExam.p !== null ? { p_pass_exam: round4(u.passExam.p) } : {}),
    epochs: u.epochs,
  };
}

/** The runs of one exam, ranked, with statistics, and the charts; `idOf` names a run in the payload. */
export function rankedBoard(runs: readonly LoadedRun[], idOf: (run: LoadedRun) => string): { runs: BoardRun[]; charts: Charts } {
  if (runs.length === 0) return { runs: [], charts: { all: [], text: [], notes: [] } };
  const ranked = rankBy(runs, (r) => ({ complete: runCoverage(r).complete, scorePct: r.summary.score_pct, accuracy: r.summary.accuracy, path: r.path }));
  const lb = buildLeaderboard(runs, { uncertainty: true });

  // A run's statistics cover the questions it answered: its All-table row, or for a
  // skip-mode run its text-only row (its whole run); runs in neither get their own.
  const known = new Map<string, RunStats | null>();
  for (const row of lb.all) known.set(row.path, rowStats(row));
  for (const row of lb.text) if (row.imageMode === 'skip') known.set(row.path, rowStats(row));
  const statsOf = (run: LoadedRun): RunStats | null =>
    known.has(run.path) ? (known.get(run.path) ?? null) : ownStats(runUncertaintyOf(epochLists(run.file), run.exam));

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
