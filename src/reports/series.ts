import { examEntries } from '../exam/registry.js';
import type { LoadedRun } from '../runs/collection.js';
import { parseExamIdList } from '../exam/id-list.js';
import { formatPercent, roundHalfEven } from '../util/round.js';
import { runCoverage } from './leaderboard.js';
import { formatTable } from './leaderboard-render.js';

/**
 * The series view: one row per model, one column per exam (score and pass),
 * plus the mean score %. A single year is a noisy, possibly contaminated
 * signal; the series is what users compare.
 */

export interface SeriesCell {
  readonly exam: string;
  readonly path: string;
  readonly score: number;
  readonly scoreMax: number;
  readonly scorePct: number;
  readonly requiredPass: boolean | null;
  readonly generalPass: boolean | null;
  /** 禁忌肢 selected; null = unknown (not disclosed). */
  readonly kinkiSelected: number | null;
  /** Passed every criterion that can be judged: true / false, or null when one is unknown and none failed. */
  readonly passed: boolean | null;
}

export interface SeriesRow {
  readonly name: string;
  readonly cells: Readonly<Record<string, SeriesCell>>;
  /** Mean score % (4 decimals) over the exams this model has; null when none. */
  readonly meanPct: number | null;
  readonly examsCovered: number;
}

export interface Series {
  readonly exams: readonly string[];
  readonly rows: readonly SeriesRow[];
  readonly notes: readonly string[];
}

/** "112-116,119,120" → ["112",…,"116","119","120"]; every id must be a known exam. */
export function parseSeriesExams(spec: string): string[] {
  return parseExamIdList(
    spec,
    examEntries().map((e) => e.id),
    '--exams',
  );
}

function passedOf(run: LoadedRun): boolean | null {
  return run.summary.passed;
}

/** Build the series from rescored runs (any exams); runs of exams not asked for are ignored. */
export function buildSeries(runs: readonly LoadedRun[], exams: readonly string[], opts: { includePartial?: boolean } = {}): Series {
  const notes: string[] = [];
  const best = new Map<string, Map<string, LoadedRun>>();
  const leftOut = new Map<string, string[]>(); // "name\0exam" → paths of the runs not kept
  for (const run of runs) {
    if (!exams.includes(run.exam.id)) continue;
    if (run.imageMode === 'skip') {
      notes.push(`${run.path}: skip-mode run (image questions left out) is not comparable across exams; left out`);
      continue;
    }
    const c = runCoverage(run);
    if (!c.complete && !opts.includePartial) {
      notes.push(`${run.path}: "${run.name}" answered ${c.answered} of ${c.total} scored questions of the ${run.exam.id}th; left out`);
      continue;
    }
    const byExam = best.get(run.name) ?? new Map<string, LoadedRun>();
    best.set(run.name, byExam);
    const prev = byExam.get(run.exam.id);
    if (!prev) {
      byExam.set(run.exam.id, run);
      continue;
    }
    const [keep, drop] = run.summary.score_pct > prev.summary.score_pct ? [run, prev] : [prev, run];
    byExam.set(run.exam.id, keep);
    const key = `${run.name}\0${run.exam.id}`;
    leftOut.set(key, [...(leftOut.get(key) ?? []), drop.path]);
  }
  for (const [key, paths] of leftOut) {
    const [name, exam] = key.split('\0') as [string, string];
    const kept = best.get(name)?.get(exam);
    notes.push(`"${name}" has ${paths.length + 1} runs of the ${exam}th; kept the best (${kept?.path}), left out ${paths.join(', ')}`);
  }
  const rows: SeriesRow[] = [...best].map(([name, byExam]) => {
    const cells: Record<string, SeriesCell> = {};
    for (const [exam, run] of byExam) {
      const s = run.summary;
      cells[exam] = {
        exam,
        path: run.path,
        score: s.score,
        scoreMax: s.score_max,
        scorePct: s.score_pct,
        requiredPass: s.required_pass,
        generalPass: s.general_pass,
        kinkiSelected: s.kinki.selected,
        passed: passedOf(run),
      };
    }
    const pcts = Object.values(cells).map((c) => c.scorePct);
    const meanPct = pcts.length ? roundHalfEven(pcts.reduce((a, b) => a + b, 0) / pcts.length, 4) : null;
    return { name, cells, meanPct, examsCovered: pcts.length };
  });
  rows.sort((a, b) => b.examsCovered - a.examsCovered || (b.meanPct ?? 0) - (a.meanPct ?? 0) || (a.name < b.name ? -1 : 1));
  return { exams: [...exams], rows, notes };
}

/** ✓ passed, ✗ failed, ? not judgeable (e.g. 禁忌肢 undisclosed and the rest passed). */
export function seriesMark(p: boolean | null): string {
  return p === true ? '✓' : p === false ? '✗' : '?';
}

function cellText(c: SeriesCell | undefined): string {
  return c ? `${c.score}/${c.scoreMax} ${seriesMark(c.passed)}` : '-';
}

export function seriesMarkdown(series: Series): string {
  const headers = ['Model', ...series.exams.map((e) => `${e}th`), 'Mean'];
  const rows = series.rows.map((r) => [
    r.name.replace(/\|/g, '\\|'),
    ...series.exams.map((e) => cellText(r.cells[e])),
    r.meanPct === null ? '-' : `${formatPercent(r.meanPct)}${r.examsCovered < series.exams.length ? ` (${r.examsCovered} of ${series.exams.length})` : ''}`,
  ]);
  const legend =
    '\n✓ passed every criterion · ✗ failed one · ? not judgeable (禁忌肢 not disclosed; required and general passed). Mean = mean score % over the exams the model has.\n';
  return formatTable(headers, rows) + legend;
}

export function seriesJson(series: Series) {
  return {
    exams: series.exams,
    rows: series.rows.map((r) => ({
      name: r.name,
      mean_score_pct: r.meanPct,
      exams_covered: r.examsCovered,
      exams: Object.fromEntries(
        series.exams.map((e) => {
          const c = r.cells[e];
          return [
            e,
            c
              ? {
                  score: c.score,
                  score_max: c.scoreMax,
                  score_pct: c.scorePct,
                  required_pass: c.requiredPass,
                  general_pass: c.generalPass,
                  kinki_selected: c.kinkiSelected,
                  passed: c.passed,
                  path: c.path,
                }
              : null,
          ];
        }),
      ),
    })),
    notes: series.notes,
  };
}

export function seriesCsv(series: Series): string {
  const cols = ['name', 'exam', 'score', 'score_max', 'score_pct', 'required_pass', 'general_pass', 'kinki_selected', 'passed', 'mean_score_pct'];
  const esc = (v: string | number | boolean | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [cols.join(',')];
  for (const r of series.rows) {
    for (const e of series.exams) {
      const c = r.cells[e];
      if (!c) continue;
      lines.push([r.name, e, c.score, c.scoreMax, c.scorePct, c.requiredPass, c.generalPass, c.kinkiSelected, c.passed, r.meanPct].map(esc).join(','));
    }
  }
  return lines.join('\n') + '\n';
}
