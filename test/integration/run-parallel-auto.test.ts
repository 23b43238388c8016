import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ResultFile } from '../../src/results/schema.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeOpenAI, type FakeServer } from '../helpers/fake-openai.js';

/** Run `jmle-bench run` in-process. */
async function run(args: string[], cwd: string) {
  let stderr = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { JMLE_DATA_DIR: DATA_ROOT, JMLE_RETRY_BASE_MS: '20' },
    cwd,
  };
  const code = await main(['run', ...args], io);
  return { code, stderr };
}

let fake: FakeServer;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-auto-'));
  fake.reset();
});

describe('run --parallel auto against a server with a concurrency limit it does not announce', () => {
  it('finds the limit: every question answered, never more than the limit at once, few rejections, all recorded', async () => {
    fake.options = { latencyMs: 150, concurrencyLimit: { limit: 12 } };
    const r = await run(['--model', 'fake-model', '--base-url', fake.url, '--parallel', 'auto', '--blocks', 'A,B', '--out', 'auto.json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const f = JSON.parse(readFileSync(join(dir, 'auto.json'), 'utf8')) as ResultFile;
    expect(f.results).toHaveLength(125);
    expect(f.results.every((x) => x.correct && x.error === null)).toBe(true);
    expect(fake.peak).toBeLessThanOrEqual(12);
    // It got there (the ramp starts at 8) and heard the server say no, but seldom: the server
    // runs in this process, so a rejection comes back only when the client's event loop lets it.
    expect(f.metadata['parallel_peak']).toBeGreaterThanOrEqual(12);
    expect(fake.rejectedOverLimit).toBeGreaterThan(0);
    expect(fake.rejectedOverLimit).toBeLessThanOrEqual(15);
    expect(f.metadata).toMatchObject({ parallel: 'auto', max_parallel: 64, rejected_requests: fake.rejectedOverLimit });
    expect(r.stderr).toMatch(/parallel auto: at most \d+ in flight, \d+ request\(s\) rejected by the server/);
  });

  it('stays under --max-parallel when the server would take more', async () => {
    fake.options = { latencyMs: 40 };
    const r = await run(
      ['--model', 'fake-model', '--base-url', fake.url, '--parallel', 'auto', '--max-parallel', '5', '--blocks', 'A', '--out', 'cap.json'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(fake.peak).toBeLessThanOrEqual(5);
    const f = JSON.parse(readFileSync(join(dir, 'cap.json'), 'utf8')) as ResultFile;
    expect(f.metadata).toMatchObject({ parallel: 'auto', max_parallel: 5, parallel_peak: 5, rejected_requests: 0 });
  });

  it('keeps going when every rejection carries a Retry-After', async () => {
    fake.options = { latencyMs: 30, concurrencyLimit: { limit: 6, retryAfter: '1' } };
    const r = await run(['--model', 'fake-model', '--base-url', fake.url, '--parallel', 'auto', '--questions', qids(40), '--out', 'ra.json'], dir);
    expect(r.code).toBe(0);
    const f = JSON.parse(readFileSync(join(dir, 'ra.json'), 'utf8')) as ResultFile;
    expect(f.results.every((x) => x.correct)).toBe(true);
    expect(fake.peak).toBeLessThanOrEqual(6);
    // Each rejected question was asked again only after the second the server asked for.
    const rejected = fake.requests.filter((x) => x.outcome === 429);
    expect(rejected.length).toBeGreaterThan(0);
    for (const x of rejected) {
      const next = fake.requests.find((y) => y.questionId === x.questionId && y.t > x.t);
      expect(next).toBeDefined();
      expect((next?.t ?? 0) - x.t).toBeGreaterThanOrEqual(950);
    }
  });
});

function qids(n: number): string {
  return fake.exam.questions
    .slice(0, n)
    .map((q) => q.id)
    .join(',');
}
