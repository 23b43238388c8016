import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { parseSeriesExams } from '../../reports/series.js';
import { isLoopback, startViewer } from '../../viewer/server.js';
import { DATA_OPTIONS, flag, intOption, str, writeLine, type Command } from '../command.js';

/** The URLs a team can use when the viewer listens on every address (0.0.0.0 or ::). */
function networkUrls(port: string): string[] {
  const urls: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') urls.push(`http://${a.address}:${port}/`);
    }
  }
  return urls;
}

/** Try to open the URL in a browser; any failure is ignored (the URL is printed anyway). */
function openBrowser(url: string): void {
  try {
    // The platform's opener: open (macOS), explorer (Windows), xdg-open (elsewhere).
    const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: fine
  }
}

export const viewCommand: Command = {
  name: 'view',
  help: `Usage: jmle-bench view [--results DIR] [--exam ID | --exams LIST] [--port N] [--host H] [--open] [--data-dir DIR]

Starts a local web server for the result files in DIR and prints its URL.
Views: leaderboard (intervals, verdicts), per model, per question, the
question matrix (every model on every question), a paired comparison of two
runs (as \`jmle-bench compare\`), and the series; keys: j/k or ←/→ next and
previous question, / search, Esc close.
Every file is rescored against its exam's current answer key on load (stored
summaries are never trusted); files that cannot be read are listed as
skipped. Runs of several exams are fine: each exam gets its own leaderboard
(pick it in the header), and a series view (#/series) shows one row per model
and a column per exam, as \`jmle-bench leaderboard --exams\`. Stop with Ctrl-C.

Options:
  --results DIR    folder of result files (default: ./results)
  --port N         port (default 8765; 0 = any free port)
  --host H         address to listen on (default 127.0.0.1; e.g. 0.0.0.0 to serve
                   a team on your network: responses are compressed and
                   revalidated by ETag, and anyone who can reach the port can
                   read the results)
  --open           open the URL in a browser (open, explorer or xdg-open)
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        show only this exam's runs (others are listed as skipped);
                   default: every exam in DIR, opening on the newest
  --exams LIST     show these exams and their series table, e.g. 112-116,119,120
                   (default: every exam in DIR; a series when there are two or more)

Examples:
  jmle-bench view --results results/
  jmle-bench view --results results/ --exam 116
  jmle-bench view --results results/ --exams 112-116,119,120 --port 0 --open`,
  options: {
    ...DATA_OPTIONS,
    results: { type: 'string' },
    exams: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    open: { type: 'boolean' },
  },
  async run(args, io) {
    const resultsDir = resolve(io.cwd, str(args, 'results') ?? 'results');
    const port = intOption(args, 'port', 8765, 0, 65535);
    const examsSpec = str(args, 'exams');
    const exams = examsSpec !== undefined ? parseSeriesExams(examsSpec) : undefined;
    const viewer = await startViewer({
      resultsDir,
      exam: str(args, 'exam'),
      exams,
      port,
      host: str(args, 'host'),
      dataDir: str(args, 'data-dir'),
      env: io.env,
    });
    const { collection, series } = viewer.data;
    const runs = collection.exams.reduce((n, g) => n + g.runs.length, 0);
    const perExam = collection.exams.map((g) => `${g.exam.id}th: ${g.runs.length}`).join(', ');
    writeLine(
      io.stdout,
      `jmle-bench view: ${runs} run(s) from ${resultsDir} (${perExam})${collection.skipped.length ? `, ${collection.skipped.length} skipped` : ''}`,
    );
    for (const s of collection.skipped) writeLine(io.stderr, `  skipped ${s.file}: ${s.reason}`);
    if (series) writeLine(io.stdout, `  series of ${series.exams.join(', ')}: ${viewer.url}#/series`);
    writeLine(io.stdout, `  ${viewer.url}`);
    const host = str(args, 'host');
    if (host !== undefined && !isLoopback(host)) {
      const port = new URL(viewer.url).port;
      if (host === '0.0.0.0' || host === '::') for (const u of networkUrls(port)) writeLine(io.stdout, `  ${u}`);
      writeLine(io.stderr, `  note: listening on ${host}; anyone who can reach this machine on port ${port} can read these results`);
    }
    writeLine(io.stdout, '  (Ctrl-C to stop)');
    if (flag(args, 'open')) openBrowser(viewer.url);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void viewer.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
