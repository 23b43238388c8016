import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The real data (a data root with one folder per source): $JMLE_DATA_DIR, else ../shared/data. */
export const DATA_ROOT = resolve(process.env['JMLE_DATA_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'data'));

export const JMLE2026_DIR = join(DATA_ROOT, 'jmle2026');
export const RESULTS_DIR = join(JMLE2026_DIR, 'results');

/** The built CLI (npm test builds before running vitest). */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

if (!existsSync(JMLE2026_DIR)) {
  throw new Error(`test data not found at ${JMLE2026_DIR}: set JMLE_DATA_DIR to a data root (../shared/data)`);
}
