import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheRoot } from '../util/cache-root.js';
import { UserError } from '../util/errors.js';
import { DEFAULT_EXAM } from './editions.js';

/**
 * Where the data lives. A data root holds one folder per source
 * (`jmle2026/`, `igakuqa/`, `igakuqa119/`), laid out as upstream publishes it.
 * Precedence: --data-dir, then JMLE_DATA_DIR, then the download cache.
 */
export interface DataRoot {
  readonly root: string;
  readonly from: 'flag' | 'env' | 'cache';
}

/** The command that fetches one exam's data (plain `dataset pull` is the default exam, the 120th). */
export function pullCommand(exam?: string): string {
  return exam && exam !== DEFAULT_EXAM ? `jmle-bench dataset pull --exam ${exam}` : 'jmle-bench dataset pull';
}

/**
 * Pick the data root for a source, or stop with one line saying how to get the
 * data (`exam` names the edition asked for, so the hint fetches the right one).
 */
export function resolveDataRoot(source: string, dataDir?: string, env: NodeJS.ProcessEnv = process.env, exam?: string): DataRoot {
  const pull = pullCommand(exam);
  // A pull fills the cache unless told where: the hint names the folder that was searched, so that the rerun finds it.
  const pullInto = (dir: string) => `${pull} --data-dir ${/\s/.test(dir) ? JSON.stringify(dir) : dir}`;
  if (dataDir) {
    const root = resolve(dataDir);
    if (!existsSync(join(root, source))) {
      throw new UserError(
        `--data-dir ${dataDir} has no ${source}/ folder; point it at a data root (one folder per source) or fetch it there: \`${pullInto(dataDir)}\``,
      );
    }
    return { root, from: 'flag' };
  }
  const envDir = env['JMLE_DATA_DIR'];
  if (envDir) {
    const root = resolve(envDir);
    if (!existsSync(join(root, source))) {
      throw new UserError(
        `JMLE_DATA_DIR=${envDir} has no ${source}/ folder; point it at a data root (one folder per source), fetch it there (\`${pullInto(envDir)}\`) or unset JMLE_DATA_DIR to use the download cache`,
      );
    }
    return { root, from: 'env' };
  }
  const cache = cacheRoot(env);
  if (existsSync(join(cache, source))) return { root: cache, from: 'cache' };
  throw new UserError(`no ${source} data found: run \`${pull}\` (or pass --data-dir / set JMLE_DATA_DIR to a local copy)`);
}
