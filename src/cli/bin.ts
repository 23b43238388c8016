#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../util/cache-root.js';
import { openBundle } from './compile-cache.js';

/**
 * The `jmle-bench` program: loads the CLI's bundle with its compile cache
 * (cli/compile-cache.ts; in `<cache>/compile/`, off with
 * NODE_DISABLE_COMPILE_CACHE=1, as for Node's own) and runs the command line.
 * The cache is written at exit, for the files that had none.
 */

/** The bundle's entry file, relative to this one; set by scripts/build-cli.mjs (its name carries a hash of its content). */
declare const CLI_ENTRY: string;

/** The part of a cache file's name that says which command made it: the first word (`help` for an option, or nothing). */
function commandTag(arg: string | undefined): string {
  return arg !== undefined && /^[a-z][a-z-]{0,30}$/.test(arg) ? arg : 'help';
}

const env = process.env;
const tag = commandTag(process.argv[2]);
const bundle = openBundle({ cacheDir: env['NODE_DISABLE_COMPILE_CACHE'] ? null : join(cacheRoot(env), 'compile'), tag });
const cli = bundle.load(join(dirname(fileURLToPath(import.meta.url)), CLI_ENTRY)) as { runAsProgram(): void; isCommandName(name: string): boolean };
// A word that is no command (a typo) leaves no cache behind.
if (tag === 'help' || cli.isCommandName(tag)) process.once('exit', () => bundle.save());
cli.runAsProgram();
