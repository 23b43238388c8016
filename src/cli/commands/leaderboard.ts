import { DEFAULT_EXAM } from '../../exam/editions.js';
import { loadResultDir } from '../../runs/collection.js';
import { chartFormat, writeChart } from '../../reports/chart.js';
import { buildLeaderboard } from '../../reports/leaderboard.js';
import { allTableMarkdown, leaderboardCsv, leaderboardJson, leaderboardMarkdown, textTableMarkdown } from '../../reports/leaderboard-render.js';
import { checkReadme, LEADERBOARD_MARKERS, leaderboardBlocks, updateReadmeBlocks } from '../../reports/readme.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../stats/index.js';
import { buildSeries, parseSeriesExams, seriesCsv, seriesJson, seriesMarkdown } from '../../reports/series.js';
import { UserError } from '../../util/errors.js';
import { DATA_OPTIONS, flag, intOption, str, writeLine, type Command, EXTRACTION_OPTION, extractionFlag, EXTRACTION_HELP } from '../command.js';

const FORMATS = ['md', 'json', 'csv'] as const;

const sortedExams = (ids: readonly string[]) => [...new Set(ids)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));

/** "left out 5 runs of other exams (112: 3, 116: 2); --exams shows them side by side" */
export function otherExamsNote(exams: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const e of exams) counts.set(e, (counts.get(e) ?? 0) + 1);
  const list = sortedExams(exams)
    .map((e) => `${e}: ${counts.get(e)}`)
    .join(', ');
  return `left out ${exams.length} run${exams.length === 1 ? '' : 's'} of other exams (${list}); --exams shows them side by side`;
}
type Format = (typeof FORMATS)[number];

export const leaderboardCommand: Command = {
  name: 'leaderboard',
  help: `Usage: jmle-bench leaderboard [--results DIR] [--readme FILE] [--plot FILE.png|.svg]
                            [--format md|json|csv] [--ci] [--uncertainty] [--data-dir DIR] [--exam ID]
       jmle-bench leaderboard --exams 112-116,119,120 [--results DIR] [--format md|json|csv]

Reads every *.json result file in DIR, rescores each against the current
dataset and the edition's rules (stored summaries are never trusted) and builds
the reference's two tables: All questions (skip-mode runs excluded; name in
bold when both the required and the general threshold are passed, the
reference's rule) and Text-only. Sorted by score %. When one name appears in
several runs, the best run is kept and a note says so. Files that cannot be
read are listed as skipped.

Options:
  --results DIR    folder of result files (default: results/)
  --readme FILE    replace the tables between <!-- leaderboard-all-start/end -->
                   and <!-- leaderboard-text-start/end --> in FILE (atomic;
                   nothing else changes; rerunning changes nothing)
  --plot FILE      write the chart (grouped bars, all / text-only score %) as
                   .png or .svg (replaces an earlier chart)
  --format F       md (default), json or csv; json and csv carry 95% intervals,
                   epochs, score_mean, score_sd, p_pass_rerun, p_pass_exam,
                   rank_low and rank_high (empty/null where not estimable)
  --ci             add 95% interval columns to the Markdown tables (and
                   whiskers to the chart): questions resampled by case and block
  --uncertainty    add columns for repeated runs and how sure the ranking is:
                   epochs, mean ± sd, P(pass) on a rerun and on an exam like
                   this one, and the 95% rank range (README, "Uncertainty")
  --resamples N    resamples (default ${DEFAULT_RESAMPLES})
  --seed N         resampling seed (default ${DEFAULT_SEED})
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        exam edition (default: the files' own, else 120)
${EXTRACTION_HELP}
  --include-partial  keep runs that did not answer every scored question
                   (interrupted, --blocks, --questions); by default they are
                   left out with a note, since a high % over a few questions
                   would outrank complete runs
  --exams LIST     the series view: one row per model, a column per exam (score,
                   pass ✓/✗/?), and the mean score %; LIST is ids and ranges,
                   e.g. 112-116,119,120 (runs of each file's own exam)

Examples:
  jmle-bench leaderboard
  jmle-bench leaderboard --readme README.md --plot results/leaderboard.png
  jmle-bench leaderboard --format json > leaderboard.json
  jmle-bench leaderboard --ci
  jmle-bench leaderboard --exams 112-116,119,120`,
  options: {
    ...DATA_OPTIONS,
    results: { type: 'string' },
    readme: { type: 'string' },
    plot: { type: 'string' },
    format: { type: 'string' },
    ci: { type: 'boolean' },
    uncertainty: { type: 'boolean' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
    exams: { type: 'string' },
    'include-partial': { type: 'boolean' },
    ...EXTRACTION_OPTION,
  },
  async run(args, io) {
    const extraction = extractionFlag(args);
    const format = (str(args, 'format') ?? 'md') as Format;
    if (!FORMATS.includes(format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const resamples = intOption(args, 'resamples', DEFAULT_RESAMPLES, 100, 1_000_000);
    const seed = intOption(args, 'seed', DEFAULT_SEED, 0, 0xffffffff);
    const showCi = flag(args, 'ci');
    const showUncertainty = flag(args, 'uncertainty');
    const dir = str(args, 'results') ?? 'results';
    const exam = str(args, 'exam');
    const plot = str(args, 'plot');
    const examsSpec = str(args, 'exams');
    if (examsSpec !== undefined) {
      if (exam) throw new UserError('use either --exam (one exam) or --exams (the series), not both');
      if (plot || str(args, 'readme') || showCi || showUncertainty)
        throw new UserError('--plot, --readme, --ci and --uncertainty work with one exam; drop them with --exams');
      const list = parseSeriesExams(examsSpec);
      const { runs, skipped } = loadResultDir(dir, { dataDir: str(args, 'data-dir'), env: io.env, extraction });
      for (const s of skipped) writeLine(io.stderr, `skipped: ${s.reason}`);
      const series = buildSeries(runs, list, { includePartial: flag(args, 'include-partial') });
      for (const n of series.notes) writeLine(io.stderr, `note: ${n}`);
      if (series.rows.length === 0) throw new UserError(`no runs of exams ${list.join(', ')} in ${dir}; pass --results DIR`);
      if (format === 'json') writeLine(io.stdout, JSON.stringify({ ...seriesJson(series), skipped }, null, 2));
      else if (format === 'csv') io.stdout.write(seriesCsv(series));
      else io.stdout.write(seriesMarkdown(series));
      return 0;
    }
    if (plot) chartFormat(plot); // a bad extension fails before any work
    const readme = str(args, 'readme');
    if (readme) checkReadme(readme, [LEADERBOARD_MARKERS.all, LEADERBOARD_MARKERS.text]); // so does a README without markers

    const loaded = loadResultDir(dir, { dataDir: str(args, 'data-dir'), exam, env: io.env, extraction });
    const { skipped, otherExams } = loaded;
    let runs = loaded.runs;
    for (const s of skipped) writeLine(io.stderr, `skipped: ${s.reason}`);
    if (otherExams.length > 0) writeLine(io.stderr, `note: ${otherExamsNote(otherExams.map((o) => o.exam))}`);
    if (runs.length === 0) {
      throw new UserError(
        otherExams.length
          ? `no run of exam ${exam} in ${dir}; pass --exam with one of ${sortedExams(otherExams.map((o) => o.exam)).join(', ')}`
          : skipped.length
            ? `no result file in ${dir} could be loaded (${skipped.length} skipped, see above)`
            : `no result files (*.json) in ${dir}; pass --results DIR`,
      );
    }
    const exams = sortedExams(runs.map((r) => r.exam.id));
    if (exams.length > 1) {
      // Without --exam, the default exam's runs, as every command defaults to it; the others are named.
      if (!exams.includes(DEFAULT_EXAM)) throw new UserError(`${dir} holds runs of several exams (${exams.join(', ')}); pick one with --exam ID`);
      runs = runs.filter((r) => r.exam.id === DEFAULT_EXAM);
      writeLine(
        io.stderr,
        `note: ${dir} also holds runs of exam(s) ${exams.filter((e) => e !== DEFAULT_EXAM).join(', ')}: showing the ${DEFAULT_EXAM}th (pass --exam ID for another, or --exams for the series)`,
      );
    }
    for (const r of runs) for (const w of r.warnings) writeLine(io.stderr, `warning: ${w}`);

    const withStats = showCi || showUncertainty || format !== 'md' || plot !== undefined;
    const lb = buildLeaderboard(runs, { uncertainty: withStats ? { resamples, seed } : false, includePartial: flag(args, 'include-partial') });
    for (const n of lb.notes) writeLine(io.stderr, `note: ${n}`);

    if (format === 'json') writeLine(io.stdout, JSON.stringify(leaderboardJson(lb, { skipped }), null, 2));
    else if (format === 'csv') io.stdout.write(leaderboardCsv(lb));
    else io.stdout.write(leaderboardMarkdown(lb, { ci: showCi, uncertainty: showUncertainty }));

    if (readme) {
      const tables = { all: allTableMarkdown(lb, { ci: showCi }), text: textTableMarkdown(lb, { ci: showCi }) };
      const { changed } = updateReadmeBlocks(readme, leaderboardBlocks(tables));
      writeLine(io.stderr, changed ? `leaderboard updated in ${readme}` : `${readme} already up to date`);
    }
    if (plot) {
      const c = writeChart(plot, lb);
      writeLine(io.stderr, `chart written: ${plot} (${c.width}×${c.height})`);
    }
    return 0;
  },
};
