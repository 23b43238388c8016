import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFile, ResultRecord } from '../../src/results/schema.js';
import { CLI, DATA_ROOT } from '../helpers/data.js';
import { startFakeOpenAI, type FakeServer } from '../helpers/fake-openai.js';

/**
 * The built CLI as a real process: killed with SIGKILL or interrupted with
 * SIGINT mid-run, then resumed. (`npm test` builds dist/ first.)
 */

const KEY = 'sk-test-SECRET-1234567890';

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [CLI, 'run', ...args], {
    cwd,
    env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT, JMLE_RETRY_BASE_MS: '5', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

function journalLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Records in a journal that hold an answer (the header and any torn last line skipped). */
function journaledAnswers(path: string): Set<string> {
  const ids = new Set<string>();
  for (const line of journalLines(path).slice(1)) {
    try {
      const r = JSON.parse(line) as ResultRecord;
      if (r.error === null && r.parse_success) ids.add(r.question_id);
    } catch {
      /* torn line */
    }
  }
  return ids;
}

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});

describe('a run killed with SIGKILL', () => {
  it('resumes from the journal: asks only what has no answer, never a completed question, and ends with all 400', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-kill-'));
    // 120A-3 fails with a 400 that echoes the key (as some APIs do) during the first run only.
    let firstRun = true;
    fake.options = { apiKey: KEY, latencyMs: 10, fault: ({ questionId }) => (firstRun && questionId === '120A-3' ? { kind: '400' } : undefined) };
    fake.reset();
    const journal = join(dir, 'out.json.jsonl');
    const p = start(['--model', 'fake-model', '--base-url', fake.url, '--api-key', KEY, '--parallel', '4', '--out', 'out.json'], dir);
    await waitFor(() => journalLines(journal).length > 120);
    p.child.kill('SIGKILL');
    const ex = await p.exit;
    expect(ex.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, 'out.json'))).toBe(false);

    const done = journaledAnswers(journal);
    expect(done.size).toBeGreaterThanOrEqual(100);
    expect(done.size).toBeLessThan(400);
    const journalText = readFileSync(journal, 'utf8');
    expect(journalText).toContain('fake error 400 for key ***');
    expect(journalText).not.toContain(KEY);
    expect(done.has('120A-3')).toBe(false);
    firstRun = false;
    const header = JSON.parse(journalLines(journal)[0] ?? '{}') as { metadata: Record<string, unknown> };
    expect(header.metadata).toMatchObject({ model: 'fake-model', exam: '120', dataset_version: fake.exam.version });

    fake.reset();
    const r = start(['--resume', 'out.json.jsonl', '--api-key', KEY, '--parallel', '8'], dir);
    const ex2 = await r.exit;
    expect(r.stderr()).not.toMatch(/internal error/);
    expect(ex2.code).toBe(0);
    const asked = fake.requests.map((x) => x.questionId as string);
    expect(asked.filter((id) => done.has(id))).toEqual([]);
    expect(new Set(asked).size + done.size).toBe(400);
    expect(asked).toContain('120A-3'); // the errored record is asked again
    const f = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as ResultFile;
    expect(f.results).toHaveLength(400);
    expect(new Set(f.results.map((x) => x.question_id)).size).toBe(400);
    expect(f.results.every((x) => x.correct)).toBe(true);
    expect(f.metadata['status']).toBe('complete');
    expect(existsSync(journal)).toBe(false);
    for (const text of [p.stdout(), p.stderr(), r.stdout(), r.stderr(), readFileSync(join(dir, 'out.json'), 'utf8')]) expect(text).not.toContain(KEY);
  });
});

describe('Ctrl-C', () => {
  it('stops sending, writes what is done, prints the resume command (without the key), exits 130; the command finishes the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-int-'));
    fake.options = { apiKey: KEY, latencyMs: 40 };
    fake.reset();
    const journal = join(dir, 'int.json.jsonl');
    const p = start(['--model', 'fake-model', '--base-url', fake.url, '--api-key', KEY, '--parallel', '4', '--blocks', 'A,B', '--out', 'int.json'], dir);
    await waitFor(() => journalLines(journal).length > 20);
    p.child.kill('SIGINT');
    const ex = await p.exit;
    expect(ex.code).toBe(130);
    const sentBeforeStop = fake.requests.length;
    const f = JSON.parse(readFileSync(join(dir, 'int.json'), 'utf8')) as ResultFile;
    expect(f.metadata['status']).toBe('interrupted');
    expect(f.results.length).toBeGreaterThanOrEqual(20);
    expect(f.results.length).toBeLessThan(125);
    // in-flight requests were allowed to finish: everything sent was answered and recorded
    expect(f.results.length).toBe(sentBeforeStop);
    expect(existsSync(journal)).toBe(false);
    const err = p.stderr();
    const m = /^ {4}(jmle-bench run .*)$/m.exec(err);
    expect(m).not.toBeNull();
    const cmd = m?.[1] ?? '';
    expect(cmd).toContain(`--base-url ${fake.url}`);
    expect(cmd).toContain('--blocks A,B');
    expect(cmd).toContain('--parallel 4');
    expect(cmd).toMatch(/--resume int\.json$/);
    expect(cmd).not.toContain('--api-key');
    for (const text of [p.stdout(), err]) expect(text).not.toContain(KEY);

    // Run the printed command (the key from the environment, as a user would).
    const done = new Set(f.results.map((x) => x.question_id));
    fake.reset();
    const args = cmd.split(' ').slice(2);
    const r = spawn(process.execPath, [CLI, 'run', ...args], {
      cwd: dir,
      env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT, OPENAI_API_KEY: KEY },
      stdio: 'ignore',
    });
    const code = await new Promise((resolve) => r.on('close', resolve));
    expect(code).toBe(0);
    expect(fake.requests.filter((x) => done.has(x.questionId ?? ''))).toEqual([]);
    const g = JSON.parse(readFileSync(join(dir, 'int.json'), 'utf8')) as ResultFile;
    expect(g.results).toHaveLength(125);
    expect(g.metadata['status']).toBe('complete');
  });
});

describe('a repeated run (--epochs 5) killed with SIGKILL against a model of known skill', () => {
  it('resumes per (question, epoch), asks nothing journaled again, ends with 5 answers per question, and its mean sits in its interval of the truth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-epochs-kill-'));
    const exam = fake.exam;
    // Per-question probability of being right, fixed by the question: a strong model with a tail of hard questions.
    const p = (q: { id: string }) => {
      let h = 7;
      for (const c of q.id) h = (h * 31 + c.charCodeAt(0)) % 1000;
      return h < 150 ? 0.3 + (h / 150) * 0.5 : 0.97;
    };
    fake.reset();
    fake.options = { apiKey: KEY, latencyMs: 3, stochastic: { p, seed: 11 } };
    const sampleOf = (body: Record<string, unknown>, qid: string | null) => `${qid}#${Number(body['seed']) - 99}`;
    const args = [
      '--model',
      'fake-model',
      '--base-url',
      fake.url,
      '--api-key',
      KEY,
      '--epochs',
      '5',
      '--seed',
      '100',
      '--parallel',
      '8',
      '--out',
      'e.json',
      '--no-progress',
    ];
    const first = start(args, dir);
    const journal = join(dir, 'e.json.jsonl');
    await waitFor(() => journalLines(journal).length > 900);
    first.child.kill('SIGKILL');
    await first.exit;
    // What the journal holds at the kill: those samples must never be asked again.
    const journaled = new Set<string>();
    for (const line of journalLines(journal).slice(1)) {
      try {
        const r = JSON.parse(line) as ResultRecord;
        if (r.error === null && r.parse_success) journaled.add(`${r.question_id}#${r.epoch ?? 1}`);
      } catch {
        /* a torn last line */
      }
    }
    expect(journaled.size).toBeGreaterThan(800);
    fake.reset();
    const second = start(['--resume', 'e.json', '--api-key', KEY, '--no-progress'], dir);
    const done = await second.exit;
    expect(done.code, second.stderr()).toBe(0);
    const asked = fake.requests.map((r) => sampleOf(r.body, r.questionId));
    expect(asked.filter((s) => journaled.has(s))).toEqual([]);
    expect(asked.length).toBe(2000 - journaled.size);

    const f = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8')) as ResultFile & { summary: { epochs: { count: number; score: { mean: number } } } };
    expect(f.results).toHaveLength(400);
    expect(f.extra_epochs?.map((e) => [e.epoch, e.results.length])).toEqual([
      [2, 400],
      [3, 400],
      [4, 400],
      [5, 400],
    ]);
    // The known expectation of the score, against the run's mean and its 95% interval (the summary block prints it).
    const expected = exam.questions.reduce((s, q) => s + q.points * p(q), 0);
    const out = second.stderr() + second.stdout();
    const m = /95% range: ([\d.]+)–([\d.]+) of 500/.exec(out);
    expect(m, out).not.toBeNull();
    const [low, high] = [Number(m?.[1]), Number(m?.[2])];
    expect(f.summary.epochs.count).toBe(5);
    expect(low).toBeLessThanOrEqual(f.summary.epochs.score.mean);
    expect(high).toBeGreaterThanOrEqual(f.summary.epochs.score.mean);
    expect(expected).toBeGreaterThanOrEqual(low);
    expect(expected).toBeLessThanOrEqual(high);
    expect(out).toMatch(/Epochs: {4}5: score [\d.]+ ± [\d.]+/);
    expect(out).toMatch(/P\(pass\): {3}on an exam like this [\d.<>]+; on a rerun of this exam [\d.<>]+/);
  }, 120_000);
});
