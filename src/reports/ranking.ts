/**
 * The one ranking of runs, used by `jmle-bench leaderboard`, its charts and the
 * viewer: complete runs first (a high percentage over a few questions must not
 * outrank a run of the whole exam), then score %, then accuracy, then file path
 * (ties keep the reference's file order). The viewer receives runs already in
 * this order and keeps no copy of the rule.
 */

/** What a run is ranked on; any row type with these fields can be sorted. */
export interface RankKey {
  /** False for a run that did not answer every scored question; absent counts as complete. */
  readonly complete?: boolean;
  /** Score %, a 4-decimal fraction (the summary's `score_pct`). */
  readonly scorePct: number;
  readonly accuracy: number;
  readonly path: string;
}

/** Best first: a comparator for `Array.prototype.sort`. */
export function compareRank(a: RankKey, b: RankKey): number {
  return (
    Number(b.complete !== false) - Number(a.complete !== false) ||
    b.scorePct - a.scorePct ||
    b.accuracy - a.accuracy ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

/** A sorted copy, best first, of items ranked by `key`. */
export function rankBy<T>(items: readonly T[], key: (item: T) => RankKey): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((x, y) => compareRank(x.key, y.key));
  return keyed.map((k) => k.item);
}
