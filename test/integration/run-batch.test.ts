import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ResultFile } from '../../src/results/schema.js';
import { CLI, DATA_ROOT } from '../helpers/data.js';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { startFakeGemini, type FakeGemini } from '../helpers/fake-gemini.js';
import { startFakeOpenAI } from '../helpers/fake-openai.js';
import { startFakeOpenAIBatch, type FakeOpenAIBatch } from '../helpers/fake-openai-batch.js';

/**
 * `--batch` end to end, for each batch API against its fake server: a whole
 * run in one batch at half price; items that error or expire asked again one
 * by one; a run killed with SIGKILL (or stopped with Ctrl-C) while polling,
 * then resumed, attaches to the same batch (the server sees one creation).
 * The kills use the built CLI as a real process (`npm test` builds first).
 */

const KEY = 'sk-batch-SECRET-1234567890';
type Outcome = 'ok' | 'errored' | 'expired';

/** One provider's fake, behind the few handles the tests need. */
interface Api {
  readonly id: 'anthropic' | 'openai' | 'gemini';
  args(): string[];
  readonly env: Record<string, string>;
  hold(on: boolean): void;
  items(fn: (questionId: string | null) => Outcome): void;
  creations(): number;
  /** Polls of the batches so far. */
  polls(): number;
  /** Question ids asked one by one (the normal path). */
  single(): (string | null)[];
  /** Custom ids of the first batch. */
  customIds(): string[];
  reset(): void;
  close(): Promise<void>;
}

const ITEM = { ok: 'succeeded', errored: 'errored', expired: 'expired' } as const;

/** What the three fakes share, as `Api`: the options a test switches (held batches, item outcomes), the batch log, reset and close. */
function batchApi(
  f: { readonly batchCreations: number; readonly batches: Map<string, { polls: number }>; reset(): void; close(): Promise<void> },
  setOptions: (o: { apiKey: string; holdBatches: boolean; batchItem: (item: { questionId: string | null }) => (typeof ITEM)[Outcome] }) => void,
  own: Pick<Api, 'id' | 'args' | 'env' | 'single' | 'customIds'>,
): Api {
  let outcome: (q: string | null) => Outcome = () => 'ok';
  let held = false;
  const sync = () => setOptions({ apiKey: KEY, holdBatches: held, batchItem: ({ questionId }) => ITEM[outcome(questionId)] });
  sync();
  return {
    ...own,
    hold: (on) => ((held = on), sync()),
    items: (fn) => ((outcome = fn), sync()),
    creations: () => f.batchCreations,
    polls: () => [...f.batches.values()].reduce((n, b) => n + b.polls, 0),
    reset: () => (f.reset(), (outcome = () => 'ok'), (held = false), sync()),
    close: () => f.close(),
  };
}

async function anthropicApi(): Promise<Api> {
  const f: FakeAnthropic = await startFakeAnthropic({ apiKey: KEY });
  return batchApi(f, (o) => (f.options = o), {
    id: 'anthropic',
    args: () => ['--provider', 'anthropic', '--model', 'claude-fake', '--base-url', f.url],
    env: { ANTHROPIC_API_KEY: KEY },
    single: () => f.requests.filter((r) => r.path === '/v1/messages').map((r) => r.questionId),
    customIds: () => [...f.batches.values()][0]?.requests.map((r) => r.custom_id) ?? [],
  });
}

async function openaiApi(): Promise<Api> {
  const f: FakeOpenAIBatch = await startFakeOpenAIBatch({ apiKey: KEY });
  return batchApi(f, (o) => (f.options = o), {
    id: 'openai',
    args: () => ['--model', 'gpt-fake', '--base-url', f.url],
    env: { OPENAI_API_KEY: KEY },
    single: () => f.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.questionId),
    customIds: () => [...f.batches.values()][0]?.lines.map((l) => l.custom_id) ?? [],
  });
}

async function geminiApi(): Promise<Api> {
  const f: FakeGemini = await startFakeGemini({ apiKey: KEY });
  return batchApi(f, (o) => (f.options = o), {
    id: 'gemini',
    args: () => ['--provider', 'gemini', '--model', 'gemini-fake', '--base-url', f.url],
    env: { GEMINI_API_KEY: KEY },
    single: () => f.requests.filter((r) => r.path.endsWith(':generateContent')).map((r) => r.questionId),
    customIds: () => [...f.batches.values()][0]?.requests.map((r) => r.metadata?.key ?? '') ?? [],
  });
}

const ENV = { JMLE_DATA_DIR: DATA_ROOT, JMLE_RETRY_BASE_MS: '5', JMLE_BATCH_POLL_MS: '20' };

async function cli(args: string[], cwd: string, env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { ...ENV, ...env },
    cwd,
  };
  const code = await main(['run', ...args], io);
  return { code, stdout, stderr };
}

function spawnCli(args: string[], cwd: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'run', ...args], {
    cwd,
    env: { ...process.env, ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exit };
}

async function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const readResult = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultFile;
const journalHasBatch = (path: string) => existsSync(path) && readFileSync(path, 'utf8').includes('"jmle_bench_batch":{"submitted"');

const apis: Api[] = [];
beforeAll(async () => {
  apis.push(await anthropicApi(), await openaiApi(), await geminiApi());
});
afterAll(async () => {
  for (const a of apis) await a.close();
});

describe.each(['anthropic', 'openai', 'gemini'] as const)('--batch with %s', (id) => {
  const api = () => apis.find((a) => a.id === id) as Api;

  it('sends the whole run as one batch, records the answers as batch answers, and prices them at half', async () => {
    const a = api();
    a.reset();
    const dir = mkdtempSync(join(tmpdir(), `jmle-batch-${id}-`));
    const r = await cli([...a.args(), '--batch', '--price-in', '2', '--price-out', '8', '--out', 'b.json'], dir, a.env);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(a.creations()).toBe(1);
    expect(a.single()).toEqual([]);
    expect(r.stderr).toMatch(/batch \S+ submitted: 400 requests/);
    const f = readResult(join(dir, 'b.json'));
    expect(f.results).toHaveLength(400);
    expect(f.results.every((x) => x.correct && x.batch === true)).toBe(true);
    expect(f.metadata).toMatchObject({ batch: true, status: 'complete' });
    const u = (f.summary as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    expect(f.metadata['cost_usd']).toBeCloseTo((u.prompt_tokens * 2 + u.completion_tokens * 8) / 1e6 / 2, 6);
    expect(existsSync(join(dir, 'b.json.jsonl'))).toBe(false);
  });

  it('with --cache: the answers of a batch are kept; a rerun batches only what the cache does not hold', async () => {
    const a = api();
    a.reset();
    const dir = mkdtempSync(join(tmpdir(), `jmle-batch-cache-${id}-`));
    const env = { ...a.env, JMLE_RESPONSE_CACHE: join(dir, 'responses.sqlite') };
    const first = await cli([...a.args(), '--batch', '--cache', '--blocks', 'A', '--out', 'c1.json'], dir, env);
    expect(first.code).toBe(0);
    expect(a.creations()).toBe(1);
    // The same run again: everything from the cache, no batch, no request.
    const again = await cli([...a.args(), '--batch', '--cache', '--blocks', 'A', '--out', 'c2.json'], dir, env);
    expect(again.code).toBe(0);
    expect(a.creations()).toBe(1);
    expect(a.single()).toEqual([]);
    const f = readResult(join(dir, 'c2.json'));
    expect(f.results).toHaveLength(75);
    expect(f.results.every((x) => x.correct && x.cached === true)).toBe(true);
    // More blocks: only the new ones go to a batch.
    const more = await cli([...a.args(), '--batch', '--cache', '--blocks', 'A,B', '--out', 'c3.json'], dir, env);
    expect(more.code).toBe(0);
    expect(a.creations()).toBe(2);
    expect(more.stderr).toMatch(/batch \S+ submitted: 50 requests/);
    const g = readResult(join(dir, 'c3.json'));
    expect(g.results.filter((x) => x.cached).length).toBe(75);
    expect(g.results.filter((x) => x.batch).length).toBe(50);
  });

  it('items that errored or expired in the batch are asked again one by one, and the run completes', async () => {
    const a = api();
    a.reset();
    a.items((q) => (q === '120A-1' ? 'errored' : q === '120B-2' ? 'expired' : 'ok'));
    const dir = mkdtempSync(join(tmpdir(), `jmle-batch-${id}-`));
    const r = await cli([...a.args(), '--batch', '--out', 'e.json'], dir, a.env);
    expect(r.code).toBe(0);
    expect(a.single().sort()).toEqual(['120A-1', '120B-2']);
    expect(r.stderr).toMatch(/398 answered, 2 asked again one by one/);
    const f = readResult(join(dir, 'e.json'));
    expect(f.results.every((x) => x.correct)).toBe(true);
    expect(f.results.filter((x) => !x.batch).map((x) => x.question_id)).toEqual(['120A-1', '120B-2']);
  });

  it('killed with SIGKILL while polling, then resumed: attaches to the same batch (one creation), nothing asked twice', async () => {
    const a = api();
    a.reset();
    a.hold(true);
    const dir = mkdtempSync(join(tmpdir(), `jmle-batch-kill-${id}-`));
    const journal = join(dir, 'k.json.jsonl');
    const p = spawnCli([...a.args(), '--batch', '--out', 'k.json'], dir, a.env);
    await waitFor(() => journalHasBatch(journal) && a.polls() >= 2);
    p.child.kill('SIGKILL');
    expect((await p.exit).signal).toBe('SIGKILL');
    expect(a.creations()).toBe(1);

    a.hold(false);
    const r = spawnCli(['--resume', 'k.json'], dir, a.env);
    const ex = await r.exit;
    expect(r.stderr()).not.toMatch(/internal error/);
    expect(ex.code).toBe(0);
    expect(r.stderr()).toMatch(/batches: +1 still open from the interrupted run: attaching/);
    expect(a.creations()).toBe(1);
    expect(a.single()).toEqual([]);
    const f = readResult(join(dir, 'k.json'));
    expect(f.results).toHaveLength(400);
    expect(f.results.every((x) => x.correct && x.batch)).toBe(true);
    expect(existsSync(journal)).toBe(false);
  });
});

describe('--batch, more', () => {
  it('Ctrl-C while polling: exit 130, the batch keeps running, the printed command resumes it', async () => {
    const a = apis.find((x) => x.id === 'anthropic') as Api;
    a.reset();
    a.hold(true);
    const dir = mkdtempSync(join(tmpdir(), 'jmle-batch-int-'));
    const p = spawnCli([...a.args(), '--batch', '--blocks', 'A', '--out', 'i.json'], dir, a.env);
    await waitFor(() => journalHasBatch(join(dir, 'i.json.jsonl')) && a.polls() >= 1);
    p.child.kill('SIGINT');
    expect((await p.exit).code).toBe(130);
    expect(p.stderr()).toContain('1 batch(es) keep running at the provider; resuming collects their answers (nothing is sent twice).');
    const cmd = /^ {4}(jmle-bench run .*)$/m.exec(p.stderr())?.[1] ?? '';
    expect(cmd).toMatch(/--provider anthropic .*--batch.*--resume i\.json$/);
    expect(cmd).not.toContain(KEY);
    a.hold(false);
    const r = spawnCli(cmd.split(' ').slice(2), dir, a.env);
    expect((await r.exit).code).toBe(0);
    expect(a.creations()).toBe(1);
    expect(readResult(join(dir, 'i.json')).results.length).toBeGreaterThan(50);
  });

  it('--epochs 2 submits every sample; custom ids carry the question id and the epoch', async () => {
    const a = apis.find((x) => x.id === 'anthropic') as Api;
    a.reset();
    const dir = mkdtempSync(join(tmpdir(), 'jmle-batch-epochs-'));
    const r = await cli([...a.args(), '--batch', '--epochs', '2', '--blocks', 'A', '--out', 'e.json'], dir, a.env);
    expect(r.code).toBe(0);
    const ids = a.customIds();
    expect(ids).toContain('120A-1_e1');
    expect(ids).toContain('120A-1_e2');
    expect(new Set(ids).size).toBe(ids.length);
    const f = readResult(join(dir, 'e.json'));
    expect(ids).toHaveLength(f.results.length * 2);
    expect(f.extra_epochs?.[0]?.results.every((x) => x.batch && x.correct)).toBe(true);
  });

  it('Gemini vision in batch mode is split under the 20 MB limit of inlined requests', async () => {
    const a = apis.find((x) => x.id === 'gemini') as Api;
    a.reset();
    const dir = mkdtempSync(join(tmpdir(), 'jmle-batch-vision-'));
    const r = await cli([...a.args(), '--batch', '--image-mode', 'vision', '--out', 'v.json'], dir, a.env);
    expect(r.code).toBe(0);
    expect(a.creations()).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(/\(part 1 of \d\)/);
    expect(readResult(join(dir, 'v.json')).results.every((x) => x.correct && x.batch)).toBe(true);
  });

  it('refuses --batch where it cannot work, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-batch-no-'));
    const random = await cli(['--model', 'random', '--batch'], dir, {});
    expect(random.code).toBe(2);
    expect(random.stderr.trim()).toBe('jmle-bench: --batch is not available for provider random: it has no batch API');
    // An OpenAI-compatible server without the Batch API (no /v1/files): one line, nothing asked.
    const plain = await startFakeOpenAI();
    const none = await cli(['--model', 'm', '--base-url', plain.url, '--batch', '--out', 'p.json'], dir, {});
    await plain.close();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /the batch was refused \(404 .*\); check --model and --base-url \(the server must offer the batch API\), or run without --batch/,
    );
    expect(plain.requests).toHaveLength(0);
    const g = apis.find((x) => x.id === 'gemini') as Api;
    const extra = await cli([...g.args(), '--batch', '--extra-body', '{"generationConfig":{"temperature":0}}'], dir, g.env);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("--extra-body cannot be used in batch mode for provider gemini: the SDK's inlined batch requests carry no extra body");
  });
});
