import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataRoot } from '../../src/exam/data-root.js';
import { cacheRoot } from '../../src/util/cache-root.js';

/** Repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The command that fetches everything the integration and browser tests read. */
export const TEST_DATA_PULL = 'npx jmle-bench dataset pull --all --with-results';

/** What the tests read in a data root, beyond each source's folder: the published results of both leaderboards. */
const NEEDED = ['jmle2026/jmle2026_dataset.json', 'jmle2026/results', 'igakuqa/data', 'igakuqa/baseline_results', 'igakuqa119/questions'];

/**
 * The real data, found the way every command finds it: --data-dir (not for tests),
 * then $JMLE_DATA_DIR, then the `dataset pull` cache. Without it: one line naming
 * the pull that fetches it.
 */
function findDataRoot(): string {
  const env = process.env;
  const envDir = env['JMLE_DATA_DIR'];
  const where = envDir ? `JMLE_DATA_DIR=${envDir}` : `the download cache ${cacheRoot(env)}`;
  // A pull fills the cache unless told where; JMLE_DATA_DIR would still point elsewhere.
  const fix = envDir ? `\`${TEST_DATA_PULL} --data-dir ${envDir}\`, or unset JMLE_DATA_DIR to use the download cache` : `\`${TEST_DATA_PULL}\``;
  let root: string | undefined;
  try {
    root = resolveDataRoot('jmle2026', undefined, env).root;
  } catch {
    root = undefined;
  }
  const missing = root === undefined ? ['jmle2026'] : NEEDED.filter((p) => !existsSync(join(root, p)));
  if (root === undefined || missing.length) {
    throw new Error(`no test data in ${where} (missing ${missing.join(', ')}): run ${fix}`);
  }
  return root;
}

/** The real data root (one folder per source). */
export const DATA_ROOT = findDataRoot();

export const JMLE2026_DIR = join(DATA_ROOT, 'jmle2026');
export const RESULTS_DIR = join(JMLE2026_DIR, 'results');

/** The built CLI (npm test builds before running vitest). */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.cjs');
