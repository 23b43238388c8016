import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT, REPO_ROOT, RESULTS_DIR } from '../helpers/data.js';

/**
 * The golden check of refactoring: `jmle-bench rescore FILE --out OUT` on each
 * published result file gives byte-identical output (only `rescored_by`, which
 * holds the time and the harness version, is set aside). A change of scoring
 * that is meant must regenerate the hashes on purpose:
 *   UPDATE_GOLDEN=1 npx vitest run test/integration/rescore-golden.test.ts
 * and the commit must say why the outputs changed.
 */
const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'rescore-published.json');

function rescoredHash(file: string, dir: string): string {
  const out = join(dir, file);
  execFileSync(process.execPath, [CLI, 'rescore', join(RESULTS_DIR, file), '--out', out, '--data-dir', DATA_ROOT], { encoding: 'utf8' });
  const data = JSON.parse(readFileSync(out, 'utf8')) as { metadata: Record<string, unknown> };
  expect(data.metadata['rescored_by']).toBeTypeOf('object');
  data.metadata['rescored_by'] = null;
  return createHash('sha256')
    .update(JSON.stringify(data, null, 2))
    .digest('hex');
}

describe('rescoring the published result files is byte-identical to the golden output', () => {
  const files = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('covers the 10 published files', () => {
    expect(files).toHaveLength(10);
  });

  it('each rescored file hashes to its golden value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-golden-'));
    const hashes = Object.fromEntries(files.map((f) => [f, rescoredHash(f, dir)]));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, JSON.stringify(hashes, null, 2) + '\n');
    expect(existsSync(GOLDEN), `${GOLDEN} is missing; UPDATE_GOLDEN=1 writes it`).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
    expect(hashes).toEqual(golden);
  });
});
