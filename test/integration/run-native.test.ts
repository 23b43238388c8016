import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ResultFile } from '../../src/results/schema.js';
import { DATA_ROOT } from '../helpers/data.js';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { startFakeGemini, type FakeGemini } from '../helpers/fake-gemini.js';

/**
 * Full runs of `jmle-bench run --provider anthropic|gemini` (the CLI
 * in-process) against the fake APIs: every question asked with the
 * reference prompt, the settings sent and recorded, thinking and usage kept,
 * truncated answers counted, a wrong key or a missing one stopped at once.
 */

const ANTHROPIC_KEY = 'sk-ant-run-SECRET-1234567';
const GEMINI_KEY = 'AIza-run-SECRET-1234567';

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { JMLE_DATA_DIR: DATA_ROOT, JMLE_RETRY_BASE_MS: '5', ...env },
    cwd,
  };
  const code = await main(['run', ...args], io);
  return { code, stdout, stderr };
}

const readResult = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultFile;

let anthropic: FakeAnthropic;
let gemini: FakeGemini;
let dir: string;
beforeAll(async () => {
  anthropic = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY });
  gemini = await startFakeGemini({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await anthropic.close();
  await gemini.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-native-'));
  anthropic.options = { apiKey: ANTHROPIC_KEY };
  anthropic.reset();
  gemini.options = { apiKey: GEMINI_KEY };
  gemini.reset();
});

describe('jmle-bench run --provider anthropic', () => {
  it('Claude with extended thinking and vision: all 400 questions, images sent, thinking and usage recorded', async () => {
    const r = await cli(
      [
        '--provider',
        'anthropic',
        '--model',
        'claude-fake',
        '--base-url',
        anthropic.url,
        '--thinking-budget',
        '2048',
        '--image-mode',
        'vision',
        '--parallel',
        '16',
        '--out',
        'a.json',
      ],
      dir,
      { ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'a.json'));
    expect(f.results).toHaveLength(400);
    expect(f.results.every((x) => x.correct && x.error === null)).toBe(true);
    expect(f.metadata).toMatchObject({ provider: 'anthropic', max_tokens: 2048 + 8000, thinking_budget: 2048, image_mode: 'vision', status: 'complete' });
    expect(f.results.every((x) => typeof x.reasoning === 'string' && x.reasoning.includes(x.question_id))).toBe(true);
    expect(f.results[0]?.usage).toMatchObject({ reasoning_tokens: 28, cached_tokens: 7 });
    expect((f.summary as { usage: { reasoning_tokens: number } }).usage.reasoning_tokens).toBe(400 * 28);
    // Every image of the exam went out as a base64 block of its question's request.
    const images = anthropic.requests
      .filter((q) => q.path === '/v1/messages')
      .flatMap((q) => ((q.body as { messages: { content: { type: string }[] }[] }).messages[0]?.content ?? []).filter((b) => b.type === 'image'));
    expect(images).toHaveLength(anthropic.exam.questions.reduce((n, q) => n + q.images.length, 0));
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, 'a.json'), 'utf8')]) expect(text).not.toContain(ANTHROPIC_KEY);
  });

  it('answers cut off by max_tokens are flagged and counted in the summary', async () => {
    const cut = new Set(['120A-1', '120A-2', '120B-3']);
    anthropic.options = { apiKey: ANTHROPIC_KEY, fault: ({ questionId }) => (questionId && cut.has(questionId) ? { kind: 'max-tokens' } : undefined) };
    const r = await cli(
      ['--provider', 'anthropic', '--model', 'claude-fake', '--base-url', anthropic.url, '--api-key', ANTHROPIC_KEY, '--blocks', 'A,B', '--out', 't.json'],
      dir,
    );
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 't.json'));
    expect(f.results.filter((x) => x.truncated).map((x) => x.question_id)).toEqual([...cut].sort());
    expect(f.results.find((x) => x.question_id === '120A-1')).toMatchObject({ finish_reason: 'max_tokens', correct: false });
    expect((f.summary as { truncated: number }).truncated).toBe(3);
    expect(r.stdout).toContain('  Truncated: 3 (cut off by the token limit: raise --max-tokens)');
  });

  it('retries 529 overloaded and 429 with the server-given wait, then succeeds', async () => {
    anthropic.options = {
      apiKey: ANTHROPIC_KEY,
      fault: ({ questionId, attempt }) =>
        questionId === '120A-5' && attempt === 1 ? { kind: '529' } : questionId === '120A-6' && attempt === 1 ? { kind: '429', retryAfter: '0.05' } : undefined,
    };
    const r = await cli(
      ['--provider', 'anthropic', '--model', 'claude-fake', '--base-url', anthropic.url, '--api-key', ANTHROPIC_KEY, '--blocks', 'A', '--out', 'o.json'],
      dir,
    );
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'o.json'));
    expect(f.results.find((x) => x.question_id === '120A-5')?.attempts).toBe(2);
    expect(f.results.find((x) => x.question_id === '120A-6')?.attempts).toBe(2);
    expect(f.results.every((x) => x.correct)).toBe(true);
  });

  it('a wrong key stops at once naming the variable; a missing key is refused before anything is sent', async () => {
    const wrong = await cli(['--provider', 'anthropic', '--model', 'claude-fake', '--base-url', anthropic.url, '--out', 'w.json'], dir, {
      ANTHROPIC_API_KEY: 'sk-ant-wrong',
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/authentication failed \(401\): check ANTHROPIC_API_KEY/);
    expect(anthropic.requests.length).toBeLessThanOrEqual(8);
    anthropic.reset();
    const none = await cli(['--provider', 'anthropic', '--model', 'claude-fake', '--out', 'n.json'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no API key for api\.anthropic\.com: pass --api-key or set ANTHROPIC_API_KEY/);
    expect(anthropic.requests).toHaveLength(0);
    const seed = await cli(['--provider', 'anthropic', '--model', 'claude-fake', '--seed', '3', '--api-key', 'k', '--out', 's.json'], dir);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--seed cannot be used with provider anthropic: the Messages API takes no seed');
  });
});

describe('jmle-bench run --provider gemini', () => {
  it('Gemini with thinking (block A, 2 epochs): thought summaries and thinking tokens recorded, a seed per epoch', async () => {
    const r = await cli(
      [
        '--provider',
        'gemini',
        '--model',
        'gemini-fake',
        '--base-url',
        gemini.url,
        '--thinking-budget',
        '4096',
        '--seed',
        '5',
        '--epochs',
        '2',
        '--blocks',
        'A',
        '--out',
        'g.json',
      ],
      dir,
      { GEMINI_API_KEY: GEMINI_KEY },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'g.json'));
    expect(f.results.length).toBeGreaterThan(50);
    expect(f.results.every((x) => x.correct && x.reasoning?.includes(x.question_id))).toBe(true);
    expect(f.extra_epochs?.[0]?.results).toHaveLength(f.results.length);
    expect(f.metadata).toMatchObject({ provider: 'gemini', thinking_budget: 4096, seed: 5, epochs: 2 });
    expect(f.results[0]?.usage).toMatchObject({ reasoning_tokens: 30, completion_tokens: 40, cached_tokens: 4 });
    const seeds = new Set(gemini.requests.map((q) => (q.body as { generationConfig?: { seed?: number } }).generationConfig?.seed));
    expect(seeds).toEqual(new Set([5, 6]));
  });

  it('GOOGLE_API_KEY works too; an invalid key (400 API_KEY_INVALID) stops at once as an auth failure', async () => {
    const ok = await cli(['--provider', 'gemini', '--model', 'gemini-fake', '--base-url', gemini.url, '--questions', '120A-1', '--out', 'k.json'], dir, {
      GOOGLE_API_KEY: GEMINI_KEY,
    });
    expect(ok.code).toBe(0);
    const bad = await cli(['--provider', 'gemini', '--model', 'gemini-fake', '--base-url', gemini.url, '--out', 'b.json'], dir, {
      GEMINI_API_KEY: 'AIza-wrong',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/authentication failed \(400\): check GEMINI_API_KEY/);
  });
});
