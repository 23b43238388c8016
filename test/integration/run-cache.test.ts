import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ResultFile } from '../../src/results/schema.js';
import { CLI, DATA_ROOT, REPO_ROOT } from '../helpers/data.js';
import { startFakeOpenAI, type FakeServer } from '../helpers/fake-openai.js';

/** Run a command in-process with the cache file `cache`. */
async function cli(argv: string[], cwd: string, cache: string) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { JMLE_DATA_DIR: DATA_ROOT, JMLE_RESPONSE_CACHE: cache, JMLE_RETRY_BASE_MS: '5' },
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Run a node process to its end. */
function node(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultFile;

let fake: FakeServer;
let dir: string;
let cache: string;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-cache-'));
  cache = join(dir, 'cache', 'responses.sqlite');
  fake.options = {};
  fake.reset();
});

const remote = (out: string, ...more: string[]) => ['run', '--model', 'fake-model', '--base-url', fake.url, '--blocks', 'A', '--out', out, '--cache', ...more];

describe('run --cache', () => {
  it('a rerun with the same settings sends no request, and its records say they came from the cache', async () => {
    const first = await cli(remote('a.json', '--epochs', '2'), dir, cache);
    expect(first.code).toBe(0);
    expect(fake.requests).toHaveLength(150);
    fake.reset();
    const again = await cli(remote('b.json', '--epochs', '2'), dir, cache);
    expect(again.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(again.stderr).toContain('cache: 150 of 150 answered from the cache');
    const a = read(join(dir, 'a.json'));
    const b = read(join(dir, 'b.json'));
    expect(b.results.every((r) => r.cached === true)).toBe(true);
    expect(a.results.some((r) => r.cached)).toBe(false);
    expect(b.results.map((r) => r.raw_response)).toEqual(a.results.map((r) => r.raw_response));
    // The same scores; only the usage line differs (no requests, no latency).
    const { usage: ua, ...scoresA } = a.summary as Record<string, unknown>;
    const { usage: ub, ...scoresB } = b.summary as Record<string, unknown>;
    expect(scoresB).toEqual(scoresA);
    expect([(ua as { requests: number }).requests, (ub as { requests: number }).requests]).toEqual([150, 0]); // usage covers every epoch
    expect(b.metadata['cache']).toBe(true);
  });

  it('asks again what differs: another setting, another epoch, or an answer that was an error', async () => {
    fake.options = { fault: (c) => (c.questionId === '120A-1' ? { kind: '400' } : undefined) };
    await cli(remote('a.json'), dir, cache);
    fake.options = {};
    fake.reset();
    await cli(remote('b.json'), dir, cache);
    expect(fake.requests.map((r) => r.questionId)).toEqual(['120A-1']); // errors are never stored
    fake.reset();
    await cli(remote('c.json', '--extra-body', '{"temperature":0}'), dir, cache);
    expect(fake.requests).toHaveLength(75);
    fake.reset();
    await cli(remote('d.json', '--epochs', '2'), dir, cache);
    expect(fake.requests).toHaveLength(75); // epoch 2 only
  });

  it('never stores the API key', async () => {
    const key = 'sk-test-CACHE-SECRET-123';
    fake.options = { apiKey: key };
    expect((await cli([...remote('k.json'), '--api-key', key], dir, cache)).code).toBe(0);
    for (const f of [cache, `${cache}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(key)).toBe(false);
    }
  });

  it('cache info lists it per model; cache clear --model removes one model, cache clear the rest', async () => {
    await cli(remote('a.json'), dir, cache);
    await cli([...remote('b.json'), '--model', 'other-model', '--questions', '120A-1,120A-2'], dir, cache);
    const info = await cli(['cache', 'info'], dir, cache);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`path:     ${cache}`);
    expect(info.stdout).toMatch(/entries: {2}77\n/);
    expect(info.stdout).toMatch(/75 {2}fake-model \(openai\)/);
    expect(info.stdout).toMatch(/ 2 {2}other-model \(openai\)/);
    const json = JSON.parse((await cli(['cache', 'info', '--json'], dir, cache)).stdout);
    expect(json.byModel).toEqual([
      { provider: 'openai', model: 'fake-model', entries: 75 },
      { provider: 'openai', model: 'other-model', entries: 2 },
    ]);
    expect((await cli(['cache', 'clear', '--model', 'other-model'], dir, cache)).stdout).toContain('removed 2 answer(s) of other-model');
    expect((await cli(['cache', 'clear'], dir, cache)).stdout).toContain('removed 75 answer(s)');
    expect(JSON.parse((await cli(['cache', 'info', '--json'], dir, cache)).stdout).entries).toBe(0);
  });

  it('cache info before any run says so; a wrong subcommand is one line', async () => {
    const none = await cli(['cache', 'info'], dir, cache);
    expect(none.stdout).toContain(`no response cache yet at ${cache}`);
    const bad = await cli(['cache', 'purge'], dir, cache);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('jmle-bench: cache: say info or clear, e.g. `jmle-bench cache info` (see `jmle-bench cache --help`)\n');
  });
});

describe('two runs sharing the cache at once', () => {
  it('both finish, each answer is stored once, and a third run finds them all', async () => {
    fake.options = { latencyMs: 20 };
    const env = { JMLE_DATA_DIR: DATA_ROOT, JMLE_RESPONSE_CACHE: cache };
    const args = (out: string) => [CLI, ...remote(out, '--blocks', 'A,B', '--parallel', '16', '--no-progress', '--no-readme')];
    const [one, two] = await Promise.all([node(args('one.json'), env, dir), node(args('two.json'), env, dir)]);
    expect(one.stderr).not.toMatch(/internal error|locked|SQLITE/);
    expect(two.stderr).not.toMatch(/internal error|locked|SQLITE/);
    expect([one.code, two.code]).toEqual([0, 0]);
    const info = JSON.parse((await cli(['cache', 'info', '--json'], dir, cache)).stdout);
    expect(info.entries).toBe(125);
    fake.reset();
    await cli(remote('three.json', '--blocks', 'A,B'), dir, cache);
    expect(fake.requests).toHaveLength(0);
  });

  it('writers in two processes contend without losing a row', async () => {
    const store = pathToFileURL(join(REPO_ROOT, 'dist', 'providers', 'cache-sqlite.js')).href;
    const writer = `
      const { SqliteResponseStore } = await import(${JSON.stringify(store)});
      const s = await SqliteResponseStore.open(process.env.CACHE, { create: true });
      const scope = { provider: 'p', baseUrl: null, model: process.env.WHO, settings: {} };
      for (let i = 0; i < 2000; i++) s.put(process.env.WHO + i, scope, 1, { content: String(i), reasoning: null, usage: null, finishReason: 'stop', truncated: false });
      s.close();`;
    const results = await Promise.all(['w1', 'w2'].map((who) => node(['--input-type=module', '-e', writer], { CACHE: cache, WHO: who }, dir)));
    expect(results.map((r) => r.stderr)).toEqual(['', '']);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const info = JSON.parse((await cli(['cache', 'info', '--json'], dir, cache)).stdout);
    expect(info.byModel).toEqual([
      { provider: 'p', model: 'w1', entries: 2000 },
      { provider: 'p', model: 'w2', entries: 2000 },
    ]);
  });
});
