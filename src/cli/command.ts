import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXTRACTION_RULES, type ExtractionRule } from '../results/vocabulary.js';
import { UserError } from '../util/errors.js';
import { redact } from '../util/redact.js';

/** Where a command writes; injectable so tests can run commands in-process. */
export interface Io {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/** One CLI command: declared as data (name, options, help), run by `main`. */
export interface Command {
  readonly name: string;
  /** Full help text: usage line, options, examples. */
  readonly help: string;
  readonly options: OptionSpec;
  readonly positionals?: boolean;
  run(args: Parsed, io: Io): Promise<number | void>;
}

/** Options shared by every command that reads the data. */
export const DATA_OPTIONS: OptionSpec = {
  'data-dir': { type: 'string' },
  exam: { type: 'string' },
};

/**
 * `--parallel -1`: node's parser takes "-1" for an option and calls the value
 * ambiguous. A negative number after an option that takes a value is its value
 * (so the range check can say what is wrong with it).
 */
function joinNegativeValues(cmd: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name !== null && cmd.options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** `--extraction jmle-bench|reference`: how answers are read; `reference` reproduces the reference harness's numbers exactly. */
export const EXTRACTION_OPTION: OptionSpec = { extraction: { type: 'string' } };

export const EXTRACTION_HELP = `  --extraction RULE      jmle-bench (default) | reference: score with the reference harness's
                         extraction and comparison exactly, to reproduce a published number`;

export function extractionFlag(args: Parsed): ExtractionRule | undefined {
  const v = str(args, 'extraction');
  if (v === undefined) return undefined;
  if (!(EXTRACTION_RULES as readonly string[]).includes(v)) throw new UserError(`--extraction must be one of ${EXTRACTION_RULES.join(', ')}; got "${v}"`);
  return v as ExtractionRule;
}

export function parseCommandArgs(cmd: Command, argv: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(cmd, argv),
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cmd.positionals ?? false,
      strict: true,
    });
    return { values: values, positionals };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${cmd.name}: ${msg} (see \`jmle-bench ${cmd.name} --help\`)`);
  }
}

export function str(args: Parsed, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: Parsed, name: string): boolean {
  return args.values[name] === true;
}

/** Parse an integer option with bounds; a bad value is a one-line usage error. */
export function intOption(args: Parsed, name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = str(args, name);
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v.trim())) throw new UserError(`--${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UserError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A number option as typed (`whole`: no fraction), or undefined when absent; range checks are the caller's. */
export function numberOption(args: Parsed, name: string, whole = false): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || (whole && !Number.isInteger(n))) throw new UserError(`--${name} must be ${whole ? 'a whole number' : 'a number'}, got "${v}"`);
  return n;
}

/** A user error as the CLI prints it: one line, always (a message may quote a file's text, e.g. JSON.parse's excerpt, with its line breaks). */
export function errorLine(e: UserError): string {
  return `jmle-bench: ${e.message.replace(/\s*[\r\n]+\s*/g, ' ')}`;
}

export function writeLine(stream: Io['stdout'], line = ''): void {
  stream.write(redact(line) + '\n');
}
