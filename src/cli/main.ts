import { COMMANDS } from './commands/index.js';
import { errorLine, parseCommandArgs, writeLine, type Io } from './command.js';
import { UserError } from '../util/errors.js';
import { redact } from '../util/redact.js';
import { VERSION } from '../version.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `jmle-bench ${VERSION} — evaluate LLMs on the Japanese Medical Licensing Examination`,
    '',
    'Usage: jmle-bench <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `jmle-bench <command> --help` for the options of a command.',
  ].join('\n');
}

/** Is this the name of a command (`run`, `leaderboard`…)? */
export function isCommandName(name: string): boolean {
  return COMMANDS.some((c) => c.name === name);
}

/** Run the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    writeLine(io.stdout, usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    writeLine(io.stdout, VERSION);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    writeLine(io.stderr, `jmle-bench: unknown command "${name}"; run \`jmle-bench --help\` for the list`);
    return 2;
  }
  try {
    const cmd = await entry.load();
    const args = parseCommandArgs(cmd, rest);
    if (args.values['help']) {
      writeLine(io.stdout, cmd.help);
      return 0;
    }
    const code = await cmd.run(args, io);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof UserError) {
      writeLine(io.stderr, errorLine(e));
      return e.exitCode;
    }
    const err = e as Error;
    writeLine(io.stderr, `jmle-bench: internal error: ${redact(err.message)}`);
    if (io.env['JMLE_DEBUG']) writeLine(io.stderr, redact(err.stack ?? ''));
    return 1;
  }
}

/**
 * A command that is done exits once its output is written, without waiting for
 * the event loop to drain: idle keep-alive connections, a journal's last sync
 * finishing in the background after the journal was removed. `main` resolves
 * only when the command's work is done (a viewer when it is closed); the
 * natural exit after it cost a run ~2.5 ms (BENCHMARKS.md, "run overhead").
 * The empty writes flush what is still buffered (pipes are asynchronous on
 * some platforms).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const written = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

/**
 * Run the command line of this process and exit with its code: what the
 * `jmle-bench` program (cli/bin.ts) does once it has loaded the CLI.
 */
export function runAsProgram(): void {
  // The standard streams are set up when first used (~1.5 ms): a run prints nothing before its first requests.
  const io: Io = {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(exitWhenWritten, (e: unknown) => {
    process.stderr.write(`jmle-bench: internal error: ${redact(String(e))}\n`);
    exitWhenWritten(1);
  });
}
