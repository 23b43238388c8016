import { resolve } from 'node:path';
import { parseSeriesExams } from '../../reports/series.js';
import { UserError } from '../../util/errors.js';
import { exportSite } from '../../viewer/export.js';
import { DATA_OPTIONS, str, writeLine, type Command } from '../command.js';

export const exportSiteCommand: Command = {
  name: 'export-site',
  help: `Usage: jmle-bench export-site OUT [--results DIR] [--exam ID | --exams LIST] [--data-dir DIR]

Writes the same app as \`jmle-bench view\` into the folder OUT as static files
(HTML, JS, CSS, one JSON file per run, each exam's leaderboard, questions and
matrix JSON, a comparison per pair of runs for the paired view (every pair of
the best 40 runs of each exam), the series table JSON when there are several
exams, and the images),
with relative URLs and hash routing so it works from any static host or
sub-folder. OUT must be new, empty, or a previous export (then only the files
that export wrote are replaced).

Options:
  --results DIR    folder of result files (default: ./results)
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        export only this exam's runs (default: every exam in DIR)
  --exams LIST     export these exams and their series table, e.g. 112-116,119,120

Examples:
  jmle-bench export-site site/ --results results/
  npx http-server site/   # or any static file server`,
  options: { ...DATA_OPTIONS, results: { type: 'string' }, exams: { type: 'string' } },
  positionals: true,
  async run(args, io) {
    const [out, ...extra] = args.positionals;
    if (!out || extra.length > 0) throw new UserError('export-site: give exactly one output folder (see `jmle-bench export-site --help`)');
    const resultsDir = resolve(io.cwd, str(args, 'results') ?? 'results');
    const examsSpec = str(args, 'exams');
    const exams = examsSpec !== undefined ? parseSeriesExams(examsSpec) : undefined;
    const r = exportSite(resolve(io.cwd, out), { resultsDir, exam: str(args, 'exam'), exams, dataDir: str(args, 'data-dir'), env: io.env });
    for (const s of r.skipped) writeLine(io.stderr, `  skipped ${s.file}: ${s.reason}`);
    writeLine(
      io.stdout,
      `export-site: ${r.runs} run(s) of exam${r.exams.length === 1 ? '' : 's'} ${r.exams.join(', ')}${r.series ? ' with the series table' : ''}, ${r.images} image(s), ${r.files} file(s) written to ${r.out}`,
    );
    return 0;
  },
};
