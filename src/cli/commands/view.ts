import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadExam } from '../../exam/registry.js';
import { startViewer } from '../../viewer/server.js';
import { DATA_OPTIONS, flag, intOption, str, writeLine, type Command } from '../command.js';

/** Try to open the URL in a browser; any failure is ignored (the URL is printed anyway). */
function openBrowser(url: string): void {
  try {
    const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: fine
  }
}

export const viewCommand: Command = {
  name: 'view',
  summary: 'Browse results in a local web app: leaderboard, per-model and per-question views',
  help: `Usage: jmle-bench view [--results DIR] [--port N] [--host H] [--open] [--data-dir DIR] [--exam ID]

Starts a local web server for the result files in DIR and prints its URL.
Every file is rescored against the current answer key on load (stored
summaries are never trusted); files that cannot be read are listed as
skipped. Stop with Ctrl-C.

Options:
  --results DIR    folder of result files (default: ./results)
  --port N         port (default 8765; 0 = any free port)
  --host H         address to listen on (default 127.0.0.1; only change when
                   you mean to share the viewer on a network)
  --open           open the URL in a browser (xdg-open)
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        exam edition (default 120)

Examples:
  jmle-bench view --results results/
  jmle-bench view --results results/ --port 0 --open`,
  options: { ...DATA_OPTIONS, results: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, open: { type: 'boolean' } },
  async run(args, io) {
    const resultsDir = resolve(io.cwd, str(args, 'results') ?? 'results');
    const port = intOption(args, 'port', 8765, 0, 65535);
    const { exam } = loadExam({ exam: str(args, 'exam'), dataDir: str(args, 'data-dir'), env: io.env });
    const viewer = await startViewer({ resultsDir, exam, port, host: str(args, 'host'), dataDir: str(args, 'data-dir'), env: io.env });
    writeLine(io.stdout, `jmle-bench view: ${viewer.runs.length} run(s) from ${resultsDir}${viewer.skipped.length ? `, ${viewer.skipped.length} skipped` : ''}`);
    for (const s of viewer.skipped) writeLine(io.stderr, `  skipped ${s.file}: ${s.reason}`);
    writeLine(io.stdout, `  ${viewer.url}`);
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
