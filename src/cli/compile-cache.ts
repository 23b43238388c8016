import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';

/**
 * The CLI's own code, loaded with a V8 code cache (what Node 22's
 * `module.enableCompileCache()` does; Node 20 has nothing of the kind, and no
 * way at all to give an ES module cached code).
 *
 * The CLI is a CommonJS bundle (scripts/build-cli.mjs: dist/cli/app/, every
 * file named with a hash of its content). A file is compiled as a `vm.Script`
 * with the code V8 cached for it the last time; the functions that run compiled
 * then (start-up is mostly compiling: the code cache cut the time to a run's
 * first request by ~10 ms, BENCHMARKS.md "run overhead") are not compiled
 * again. Its `require` loads the bundle's other files (relative paths) the same
 * way, anything else (built-ins, packages) with Node's own `require`.
 *
 * A file with no cached code, or cached code V8 refuses (another Node, other
 * V8 flags), is compiled as usual; `save()` then writes its cache (at exit, so
 * that it holds every function the command ran). One cache per file and
 * command (`tag`): `--help` does not leave a cache without the run's functions.
 * Writes are atomic (a temporary file, renamed); a cache that cannot be read
 * or written only costs the head start, never the command. A save also
 * removes the folder's cache files not written for `STALE_AFTER_MS` (those of
 * earlier versions; one still in use is simply written again).
 */

/** Cache files older than this are removed when another is saved. */
export const STALE_AFTER_MS = 30 * 24 * 3600 * 1000;

export interface BundleOptions {
  /** The folder for cache files (made when first written); null: no cache, nothing read or written. */
  readonly cacheDir: string | null;
  /** What the process runs (its command), part of each cache file's name. */
  readonly tag: string;
}

export interface Bundle {
  /** A file of the bundle, loaded (once) as a CommonJS module: its `module.exports`. */
  load(file: string): unknown;
  /** Write the cache of every file loaded without a usable one; how many were written. Never throws. */
  save(): number;
  /** How each loaded file was compiled: `cached` with its cached code, `compiled` without. */
  readonly compiled: ReadonlyMap<string, 'cached' | 'compiled'>;
}

interface Module {
  exports: unknown;
  readonly id: string;
  readonly filename: string;
}

type ModuleFunction = (exports: unknown, require: (id: string) => unknown, module: Module, filename: string, dirname: string) => void;

/** The cache files of one Node (V8 version, architecture) are kept apart from another's. */
export function cacheFolder(root: string): string {
  return join(root, `v8-${process.versions.v8}-${process.arch}`);
}

export function openBundle(opts: BundleOptions): Bundle {
  const dir = opts.cacheDir === null ? null : cacheFolder(opts.cacheDir);
  const modules = new Map<string, Module>();
  const compiled = new Map<string, 'cached' | 'compiled'>();
  const unsaved: { readonly script: Script; readonly path: string }[] = [];
  const cachePath = (file: string) => (dir === null ? null : join(dir, `${basename(file)}.${opts.tag}.cache`));

  function load(file: string): unknown {
    const known = modules.get(file);
    if (known) return known.exports;
    // A shebang line becomes a comment: the wrapper makes the text a function body, and lines keep their numbers.
    const source = readFileSync(file, 'utf8').replace(/^#!/, '//');
    const path = cachePath(file);
    let cachedData: Buffer | undefined;
    if (path !== null) {
      try {
        cachedData = readFileSync(path);
      } catch {
        // none yet (or unreadable): compiled as usual
      }
    }
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
    const used = cachedData !== undefined && !script.cachedDataRejected;
    compiled.set(file, used ? 'cached' : 'compiled');
    if (!used && path !== null) unsaved.push({ script, path });
    const module: Module = { exports: {}, id: file, filename: file };
    modules.set(file, module); // before it runs: a cycle gets its exports so far, as with Node's require
    const folder = dirname(file);
    let nodeRequire: NodeJS.Require | undefined;
    const require = (id: string): unknown =>
      id.startsWith('./') || id.startsWith('../') ? load(resolve(folder, id)) : (nodeRequire ??= createRequire(file))(id);
    (script.runInThisContext() as ModuleFunction)(module.exports, require, module, file, folder);
    return module.exports;
  }

  function save(): number {
    let written = 0;
    if (dir !== null && unsaved.length > 0) removeStale(dir, Date.now() - STALE_AFTER_MS);
    for (const { script, path } of unsaved.splice(0)) {
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, path);
        written++;
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          // never made
        }
      }
    }
    return written;
  }

  return { load, save, compiled };
}

/** Remove the cache files of a folder last written before `before` (ms since the epoch). */
function removeStale(dir: string, before: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet
  }
  for (const name of names) {
    if (!name.endsWith('.cache') && !/\.cache\.\d+\.tmp$/.test(name)) continue; // a cache file, or one a killed writer left
    try {
      const path = join(dir, name);
      if (statSync(path).mtimeMs < before) unlinkSync(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
}
