import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataRoot } from '../../src/exam/data-root.js';
import { loadExam } from '../../src/exam/registry.js';
import { DATA_ROOT } from '../helpers/data.js';

const empty = () => mkdtempSync(join(tmpdir(), 'jmle-root-'));

describe('finding the data: --data-dir, then JMLE_DATA_DIR, then the cache', () => {
  it('takes the flag over the environment over the cache', () => {
    const env = { JMLE_DATA_DIR: DATA_ROOT, JMLE_CACHE_DIR: empty() };
    expect(resolveDataRoot('jmle2026', DATA_ROOT, env).from).toBe('flag');
    expect(resolveDataRoot('jmle2026', undefined, env).from).toBe('env');
    expect(resolveDataRoot('jmle2026', undefined, { JMLE_CACHE_DIR: DATA_ROOT }).from).toBe('cache');
  });
  it('with no data, one line naming the pull command for the exam asked for', () => {
    const env = { JMLE_CACHE_DIR: empty() };
    expect(() => loadExam({ exam: '120', env })).toThrow(/^no jmle2026 data found: run `jmle-bench dataset pull` \(or pass --data-dir/);
    expect(() => loadExam({ exam: '119', env })).toThrow(/^no igakuqa119 data found: run `jmle-bench dataset pull --exam 119`/);
    // A pull fills the cache unless told where: the hint fetches into the folder that was searched.
    const dir = empty();
    expect(() => loadExam({ exam: '116', dataDir: dir, env })).toThrow(
      `has no igakuqa/ folder; point it at a data root (one folder per source) or fetch it there: \`jmle-bench dataset pull --exam 116 --data-dir ${dir}\``,
    );
    expect(() => loadExam({ exam: '119', env: { ...env, JMLE_DATA_DIR: dir } })).toThrow(
      `JMLE_DATA_DIR=${dir} has no igakuqa119/ folder; point it at a data root (one folder per source), fetch it there (\`jmle-bench dataset pull --exam 119 --data-dir ${dir}\`) or unset JMLE_DATA_DIR to use the download cache`,
    );
  });
});
