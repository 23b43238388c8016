import { join, resolve } from 'node:path';
import { nodeOs } from './builtin.js';

/**
 * jmle-bench's cache folder: $JMLE_CACHE_DIR, else $XDG_CACHE_HOME/jmle-bench,
 * else ~/.cache/jmle-bench. `dataset pull` installs the data there, the
 * response cache keeps its answers there, and the CLI its compile cache and
 * the prepared questions of the 120th (exam/prepared.ts).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['JMLE_CACHE_DIR']) return resolve(env['JMLE_CACHE_DIR']);
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg ? resolve(xdg) : join(nodeOs().homedir(), '.cache'), 'jmle-bench');
}
