import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ResultFile } from '../../src/results/schema.js';
import { DATA_ROOT, JMLE2026_DIR } from '../helpers/data.js';
import { startFakeOpenAI, type Fault, type FakeServer } from '../helpers/fake-openai.js';

/** Run the CLI in-process in `cwd`; stderr is not a TTY, so progress is plain lines. */
async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, tty = false, columns?: number) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty, columns },
    env: { JMLE_DATA_DIR: DATA_ROOT, JMLE_RETRY_BASE_MS: '5', ...env },
    cwd,
  };
  const code = await main(['run', ...args], io);
  return { code, stdout, stderr };
}

function readResult(path: string): ResultFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultFile;
}

let fake: FakeServer;
let dir: string;
const KEY = 'sk-test-SECRET-1234567890';

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await fake.settle();
  dir = mkdtempSync(join(tmpdir(), 'jmle-run-'));
  fake.options = {};
  fake.reset();
});

const remote = () => ['--model', 'fake-model', '--base-url', fake.url];

describe('jmle-bench run: a full run', () => {
  it('asks all 400 questions at --parallel 32 and writes the reference format', async () => {
    const r = await cli([...remote(), '--parallel', '32', '--out', 'r.json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'r.json'));
    expect(f.results).toHaveLength(400);
    const ids = f.results.map((x) => x.question_id);
    expect(ids).toEqual([...ids].sort());
    expect(f.results.every((x) => x.correct && x.error === null && x.parse_success)).toBe(true);
    expect(fake.requests).toHaveLength(400);
    expect(new Set(fake.requests.map((x) => x.questionId)).size).toBe(400);
    expect(fake.peak).toBeLessThanOrEqual(32);
    // reference key order, then ours
    expect(Object.keys(f.metadata).slice(0, 8)).toEqual([
      'model',
      'base_url',
      'timestamp',
      'image_mode',
      'extra_body',
      'total_questions',
      'attempted',
      'skipped_image',
    ]);
    expect(f.metadata).toMatchObject({
      model: 'fake-model',
      base_url: fake.url,
      image_mode: 'blind',
      total_questions: 400,
      attempted: 400,
      skipped_image: 0,
      exam: '120',
      dataset_version: fake.exam.version,
      status: 'complete',
    });
    expect(f.metadata.timestamp).toMatch(/^\d{8}_\d{6}$/);
    expect(f.metadata).not.toHaveProperty('display_name');
    const s = f.summary as Record<string, unknown>;
    expect(s['score']).toBe(500);
    expect(s['required_pass']).toBe(true);
    const rec = f.results[0];
    expect(rec).toMatchObject({ usage: { completion_tokens: 12, reasoning_tokens: 5 }, attempts: 1, finish_reason: 'stop' });
    expect(typeof rec?.latency_ms).toBe('number');
    expect((s['usage'] as Record<string, number>)['reasoning_tokens']).toBe(2000);
    // the journal is gone once the result file is written
    expect(existsSync(join(dir, 'r.json.jsonl'))).toBe(false);
    // the reference's summary block, with pass/fail, on stdout
    expect(r.stdout).toContain('Score:     500/500 (100.0%)');
    expect(r.stdout).toMatch(/Required \(B\+E\):\s+200\/200 \(100\.0%\)\s+PASS/);
    expect(r.stdout).toContain('禁忌肢:    unknown (not disclosed)');
    expect(r.stdout).toContain('Results saved to: r.json');
    // non-TTY progress: one line per 10 questions
    expect(r.stderr.match(/^ {2}\[\d+\/400\] \d+\/\d+ correct, 0 errors, [\d.]+ req\/s, ETA \S+$/gm)).toHaveLength(40);
  });

  it('writes to results/{model}_{UTC timestamp}.json by default', async () => {
    const r = await cli(['--model', 'org/fake-model', '--base-url', fake.url, '--questions', '120A-1'], dir);
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, 'results'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^org_fake-model_\d{8}_\d{6}\.json$/);
  });

  it('--image-mode skip drops image questions and counts them', async () => {
    const r = await cli([...remote(), '--image-mode', 'skip', '--parallel', '16', '--out', 's.json'], dir);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 's.json'));
    const images = fake.exam.questions.filter((q) => q.requiresImage).length;
    expect(f.metadata.skipped_image).toBe(images);
    expect(f.metadata.attempted).toBe(400 - images);
    expect(f.metadata.total_questions).toBe(400);
    expect(fake.requests.every((x) => !fake.exam.byId.get(x.questionId ?? '')?.requiresImage)).toBe(true);
  });

  it('--image-mode vision sends the images as data URLs', async () => {
    const q = fake.exam.questions.find((x) => x.images.length > 0);
    const r = await cli([...remote(), '--image-mode', 'vision', '--questions', q?.id ?? '', '--out', 'v.json'], dir);
    expect(r.code).toBe(0);
    const content = (fake.requests[0]?.body['messages'] as { content: unknown }[])[1]?.content as { type: string; image_url?: { url: string } }[];
    expect(content.filter((p) => p.type === 'image_url')).toHaveLength(q?.images.length ?? -1);
    expect(content[1]?.image_url?.url).toMatch(/^data:image\/png;base64,/);
  });

  it('--parallel N is never exceeded (server-side peak)', async () => {
    fake.options = { latencyMs: 15 };
    const r = await cli([...remote(), '--parallel', '5', '--blocks', 'B', '--out', 'p.json'], dir);
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(50);
    expect(fake.peak).toBe(5);
    expect(Math.max(...fake.requests.map((x) => x.concurrency))).toBe(5);
  });

  it('on a terminal, draws a live bar: done/total, accuracy, errors, req/s, ETA', async () => {
    fake.options = { fault: ({ questionId }) => (questionId === '120E-2' ? { kind: '400' } : undefined) };
    const r = await cli([...remote(), '--blocks', 'E', '--out', 't.json'], dir, {}, true);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[2K');
    expect(r.stderr).toMatch(/50\/50 {2}acc 98\.0% {2}err 1 {2}[\d.]+ req\/s {2}ETA 0s/);
    expect(r.stderr).not.toMatch(/^ {2}\[\d+\/50\]/m);
    // ASCII (block characters are double-width in many Japanese terminals); cleared before the summary
    expect(r.stderr).toMatch(/\[#{24}\] 50\/50/);
    const afterBar = r.stderr.slice(r.stderr.lastIndexOf('ETA 0s') + 'ETA 0s'.length);
    expect(afterBar.startsWith('\r\x1b[2K')).toBe(true);
    expect(afterBar).not.toMatch(/#|req\/s/);
    // cut to the terminal's width: a wrapped line could not be redrawn in place
    // and on a narrow one the bar shrinks (or goes) before the figures are cut
    for (const columns of [40, 60, 70]) {
      const narrow = await cli([...remote(), '--blocks', 'E', '--out', `n${columns}.json`], dir, {}, true, columns);
      const drawn = narrow.stderr
        .split('\r\x1b[2K')
        .map((x) => x.split('\n')[0] ?? '')
        .filter((x) => /^ {2}(\[| *\d+\/50)/.test(x));
      expect(drawn.length).toBeGreaterThan(1);
      for (const x of drawn) expect(x.length).toBeLessThanOrEqual(columns - 1);
      if (columns >= 60) expect(drawn.at(-1)).toMatch(/^ {2}\[#+\] 50\/50 {2}acc 98\.0% {2}err 1 /);
      if (columns === 70) expect(drawn.at(-1)).toMatch(/ETA 0s$/);
    }
    const quiet = await cli([...remote(), '--blocks', 'E', '--out', 'q.json', '--no-progress'], dir);
    expect(quiet.stderr).not.toMatch(/\[\d+\/50\]|req\/s/);
  });

  it('--json prints only a JSON summary on stdout', async () => {
    const r = await cli([...remote(), '--blocks', 'E', '--out', 'j.json', '--json', '--display-name', 'Fake'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { path: string; summary: { correct: number }; metadata: { display_name: string } };
    expect(report.path).toBe('j.json');
    expect(report.summary.correct).toBe(50);
    expect(report.metadata.display_name).toBe('Fake');
    expect(r.stderr).toContain('Results saved to: j.json');
  });

  it('adds tokens and cost to the summary block', async () => {
    const r = await cli([...remote(), '--questions', '120A-1,120A-2', '--out', 'c.json', '--price-in', '1', '--price-out', '10'], dir);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'c.json'));
    const prompt = (f.summary as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
    expect(f.metadata['cost_usd']).toBeCloseTo((prompt * 1 + 24 * 10) / 1e6, 9);
    expect(r.stdout).toMatch(/Tokens: +\d+ prompt, 24 completion \(10 reasoning\)/);
    expect(r.stdout).toMatch(/Cost: +\$0\.\d{4}/);
  });
});

describe('jmle-bench run: faults', () => {
  it('retries each transient fault and records attempts; keeps reasoning-only answers', async () => {
    const plan: Record<string, Fault> = {
      '120B-1': { kind: '429', retryAfter: '0' },
      '120B-2': { kind: '500' },
      '120B-3': { kind: '503' },
      '120B-4': { kind: 'drop' },
      '120B-5': { kind: 'hang' },
      '120B-6': { kind: 'malformed' },
      '120B-7': { kind: 'empty-choices' },
    };
    fake.options = {
      fault: ({ questionId, attempt }) => {
        if (questionId === '120B-8') return { kind: 'reasoning-only', field: 'reasoning_content' };
        if (questionId === '120B-9') return { kind: '500' }; // never recovers
        return attempt === 1 ? plan[questionId ?? ''] : undefined;
      },
    };
    const r = await cli([...remote(), '--blocks', 'B', '--timeout', '0.4', '--max-retries', '2', '--out', 'f.json'], dir);
    expect(r.code).toBe(0);
    const f = readResult(join(dir, 'f.json'));
    const by = new Map(f.results.map((x) => [x.question_id, x]));
    for (const id of Object.keys(plan)) {
      expect(by.get(id), id).toMatchObject({ correct: true, error: null, attempts: 2 });
    }
    expect(by.get('120B-8')).toMatchObject({ correct: true, raw_response: '', parse_source: 'reasoning' });
    expect(by.get('120B-8')?.reasoning).toContain('【回答】');
    const failed = by.get('120B-9');
    expect(failed).toMatchObject({ correct: false, parse_success: false, attempts: 3, raw_response: '' });
    expect(failed?.error).toMatch(/500/);
    expect(fake.requests.filter((x) => x.questionId === '120B-9')).toHaveLength(3);
    expect((f.summary as { errors: number }).errors).toBe(1);
    expect(f.results).toHaveLength(50);
    expect(r.stderr).toMatch(/! 120B-9: .*500/);
  });

  it('counts retries in the progress lines', async () => {
    fake.options = {
      fault: ({ questionId, attempt }) => (attempt === 1 && ['120E-1', '120E-2', '120E-3'].includes(questionId ?? '') ? { kind: '500' } : undefined),
    };
    const r = await cli([...remote(), '--blocks', 'E', '--out', 'rt.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ {2}\[50\/50\] 50\/50 correct, 0 errors, 3 retries, /m);
  });

  it('a Retry-After beyond 10 minutes (a spent quota) stops the run: what is done is saved, exit 75, the resume command', async () => {
    fake.options = { latencyMs: 5, fault: ({ questionId }) => (questionId === '120E-20' ? { kind: '429', retryAfter: '99999' } : undefined) };
    const r = await cli([...remote(), '--blocks', 'E', '--parallel', '2', '--out', 'quota.json'], dir);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/Stopped: the server asks to retry after 27h47m \(429 .*\): \d+ answered this time, \d+ still to ask\. To resume:/);
    expect(r.stderr).toMatch(/^ {4}jmle-bench run --model fake-model --base-url \S+ --blocks E --parallel 2 --resume quota\.json$/m);
    const f = readResult(join(dir, 'quota.json'));
    expect(f.metadata['status']).toBe('interrupted');
    expect(f.results.find((x) => x.question_id === '120E-20')).toBeUndefined();
    expect(f.results.length).toBeGreaterThanOrEqual(19);
    expect(fake.requests.length).toBeLessThan(30);
  });

  it('a static file server (501 with an HTML page) stops the run at once with one line, not after every retry', async () => {
    fake.options = { fault: () => ({ kind: 'html-error', status: 501 }) };
    const r = await cli([...remote(), '--parallel', '4', '--out', 'static.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^jmle-bench: http:\/\/127\.0\.0\.1:\d+\/v1 .*not an API reply \(501 .*Error response.*check --base-url and --model$/,
    );
    expect(fake.requests.length).toBeLessThanOrEqual(4);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a server that goes away mid-run stops the run resumably (exit 75) instead of burning every retry', async () => {
    let answered = 0;
    let gone = false;
    fake.options = {
      latencyMs: 5,
      fault: () => {
        if (++answered === 20 && !gone) {
          gone = true;
          setImmediate(() => void fake.close());
        }
        return gone ? { kind: 'drop' } : undefined;
      },
    };
    const r = await cli([...remote(), '--blocks', 'A', '--parallel', '2', '--max-retries', '50', '--out', 'gone.json'], dir, {
      JMLE_RETRY_BASE_MS: '20',
      JMLE_UNREACHABLE_AFTER_MS: '500',
    });
    fake = await startFakeOpenAI();
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/Stopped: the server has not been reachable for \d+s \(.*\); resume when it is back: \d+ answered this time/);
    expect(r.stderr).toMatch(/^ {4}jmle-bench run --model fake-model .* --resume gone\.json$/m);
    const f = readResult(join(dir, 'gone.json'));
    expect(f.metadata['status']).toBe('interrupted');
    expect(f.results.length).toBeGreaterThanOrEqual(18);
    expect(f.results.every((x) => x.error === null)).toBe(true);
  });

  it('fails fast when the first question cannot reach the server, or the server is no API', async () => {
    const closed = await startFakeOpenAI();
    const url = closed.url;
    await closed.close();
    const r = await cli(['--model', 'm', '--base-url', url, '--max-retries', '2', '--out', 'cr.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^jmle-bench: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1 \(connection error: .*ECONNREFUSED.*\); check --base-url and that the server is running$/,
    );
    fake.options = { fault: () => ({ kind: 'html' }) };
    const h = await cli([...remote(), '--max-retries', '1', '--parallel', '2', '--out', 'html.json'], dir);
    expect(h.code).toBe(2);
    expect(h.stderr.trim().split('\n').at(-1)).toMatch(
      /does not answer like an OpenAI-compatible API \(bad response: not JSON but "<!DOCTYPE html>.*check --base-url and --model$/,
    );
    expect(fake.requests.length).toBeLessThanOrEqual(4);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not retry a 400', async () => {
    fake.options = { fault: ({ questionId }) => (questionId === '120A-2' ? { kind: '400' } : undefined) };
    const r = await cli([...remote(), '--questions', '120A-1,120A-2,120A-3', '--out', 'b.json'], dir);
    expect(r.code).toBe(0);
    expect(fake.requests.filter((x) => x.questionId === '120A-2')).toHaveLength(1);
    expect(readResult(join(dir, 'b.json')).results.find((x) => x.question_id === '120A-2')?.attempts).toBe(1);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const date = new Date(Date.now() + 2000).toUTCString();
    fake.options = {
      fault: ({ questionId, attempt }) => {
        if (attempt > 1) return undefined;
        if (questionId === '120A-1') return { kind: '429', retryAfter: '1' };
        if (questionId === '120A-2') return { kind: '503', retryAfter: date };
        return undefined;
      },
    };
    const r = await cli([...remote(), '--questions', '120A-1,120A-2', '--out', 'ra.json'], dir);
    expect(r.code).toBe(0);
    for (const id of ['120A-1', '120A-2']) {
      const reqs = fake.requests.filter((x) => x.questionId === id);
      expect(reqs).toHaveLength(2);
      expect((reqs[1]?.t ?? 0) - (reqs[0]?.t ?? 0), id).toBeGreaterThanOrEqual(900);
    }
  });

  for (const [fault, message] of [
    ['401', 'authentication failed (401): check --api-key'],
    ['403', 'authentication failed (403): check --api-key'],
    ['404', 'model not found (404): check --model'],
  ] as const) {
    it(`fails fast on ${fault}: one line, exit 2, a handful of requests, nothing written`, async () => {
      fake.options = { latencyMs: 5, fault: () => ({ kind: fault }) };
      const r = await cli([...remote(), '--api-key', 'sk-wrong-key-000', '--parallel', '4', '--out', 'ff.json'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toContain(message);
      expect(r.stderr).not.toContain('sk-wrong-key-000');
      expect(fake.requests.length).toBeLessThanOrEqual(4);
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});

describe('jmle-bench run: resume', () => {
  it('re-asks only errored and unparsed records and writes back to the same file', async () => {
    fake.options = {
      answer: (q) => (q.id === '120C-3' ? 'わからない' : q.answer.join(',')),
      fault: ({ questionId }) => (questionId === '120C-1' || questionId === '120C-2' ? { kind: '500' } : undefined),
    };
    const first = await cli([...remote(), '--blocks', 'C', '--max-retries', '0', '--out', 'res.json'], dir);
    expect(first.code).toBe(0);
    const before = readResult(join(dir, 'res.json'));
    expect((before.summary as { errors: number }).errors).toBe(2);
    expect((before.summary as { parse_failures: number }).parse_failures).toBe(3);

    fake.options = {};
    fake.reset();
    const second = await cli(['--resume', 'res.json'], dir);
    expect(second.stderr).not.toMatch(/internal error/);
    expect(second.code).toBe(0);
    expect(fake.requests.map((x) => x.questionId).sort()).toEqual(['120C-1', '120C-2', '120C-3']);
    const after = readResult(join(dir, 'res.json'));
    expect(after.results).toHaveLength(75);
    expect(after.results.every((x) => x.correct)).toBe(true);
    expect(after.metadata['blocks']).toEqual(['C']);
    expect(second.stderr).toContain('resumed:     72 kept, 3 to ask');
  });

  it('a resumed run may widen its selection, never narrow it or change --extra-body; refusals change nothing', async () => {
    const r0 = await cli([...remote(), '--blocks', 'C', '--extra-body', '{"temperature":0}', '--out', 'sel.json'], dir);
    expect(r0.code).toBe(0);
    const before = readFileSync(join(dir, 'sel.json'), 'utf8');
    fake.reset();
    const narrow = await cli(['--resume', 'sel.json', '--blocks', 'A'], dir);
    expect(narrow.code).toBe(2);
    expect(narrow.stderr).toMatch(
      /--resume: sel\.json holds 75 answer\(s\) outside this selection \(e\.g\. 120C-1\); it was run with --blocks C: resume with a selection that includes them/,
    );
    // --questions replaces the run's selection as a whole (not intersected with its --blocks C)
    const q = await cli(['--resume', 'sel.json', '--questions', '120B-1'], dir);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/outside this selection/);
    const body = await cli(['--resume', 'sel.json', '--extra-body', '{"temperature":1}'], dir);
    expect(body.code).toBe(2);
    expect(body.stderr).toContain(`sel.json was run with --extra-body '{"temperature":0}', not --extra-body '{"temperature":1}'`);
    expect(fake.requests).toHaveLength(0);
    expect(readFileSync(join(dir, 'sel.json'), 'utf8')).toBe(before);
    // same body in another key order, and a wider selection: the run grows
    const wide = await cli(['--resume', 'sel.json', '--blocks', 'C,E', '--extra-body', '{ "temperature": 0 }'], dir);
    expect(wide.code).toBe(0);
    expect(wide.stderr).toContain('resumed:     75 kept, 50 to ask');
    const f = readResult(join(dir, 'sel.json'));
    expect(f.results).toHaveLength(125);
    expect(f.metadata).toMatchObject({ blocks: ['C', 'E'], questions_planned: 125, extra_body: { temperature: 0 } });
    expect(fake.requests.every((x) => x.questionId?.startsWith('120E-'))).toBe(true);
  });

  it('resumes a journal torn by a crash and says how many lines it skipped', async () => {
    const r0 = await cli([...remote(), '--questions', '120A-1,120A-2', '--out', 'src.json'], dir);
    expect(r0.code).toBe(0);
    const f = readResult(join(dir, 'src.json'));
    const header = JSON.stringify({ jmle_bench_journal: 1, metadata: f.metadata });
    writeFileSync(join(dir, 'torn.json.jsonl'), `${header}\n${JSON.stringify(f.results[0])}\n{"question_id":"120A-2","pre`);
    fake.reset();
    const r = await cli(['--resume', 'torn.json.jsonl'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('resumed:     1 kept, 1 to ask (its torn last line skipped (normal after a crash))');
    expect(fake.requests.map((x) => x.questionId)).toEqual(['120A-2']);
    expect(readResult(join(dir, 'torn.json')).results).toHaveLength(2);
  });

  it('refuses a resume file of another model or dataset version, saying which', async () => {
    const r0 = await cli([...remote(), '--questions', '120A-1', '--out', 'a.json'], dir);
    expect(r0.code).toBe(0);
    const other = await cli(['--model', 'other-model', '--base-url', fake.url, '--resume', 'a.json'], dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/a\.json is a run of model "fake-model", not "other-model"/);
    const f = readResult(join(dir, 'a.json'));
    f.metadata.dataset_version = 'deadbeef'.repeat(8);
    writeFileSync(join(dir, 'old.json'), JSON.stringify(f));
    const old = await cli(['--resume', 'old.json'], dir);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/dataset version deadbeefdead…, but the data is now version/);
  });

  it('refuses to resume with another --seed than the file was run with', async () => {
    const r0 = await cli([...remote(), '--questions', '120A-1,120A-2', '--seed', '7', '--out', 's.json'], dir);
    expect(r0.code).toBe(0);
    const before = readFileSync(join(dir, 's.json'), 'utf8');
    const r = await cli(['--resume', 's.json', '--seed', '8'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/s\.json was run with --seed 7, not 8; resume with --seed 7/);
    expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(before);
    expect((await cli(['--resume', 's.json', '--seed', '7'], dir)).code).toBe(0);
  });
});

describe('jmle-bench run: bad input (exit 2, one line, nothing written)', () => {
  const cases: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
    ['invalid --extra-body', ['--extra-body', '{reasoning:'], /--extra-body is not valid JSON/],
    ['non-object --extra-body', ['--extra-body', '[1]'], /--extra-body must be a JSON object/],
    ['unknown block', ['--blocks', 'A,G'], /unknown block "G"; exam 120 has blocks A, B, C, D, E, F/],
    ['--parallel 0', ['--parallel', '0'], /--parallel must be at least 1, got 0/],
    ['unknown question', ['--questions', '120Z-1'], /unknown question "120Z-1"/],
    ['bad image mode', ['--image-mode', 'eyes'], /--image-mode must be one of skip, blind, vision/],
    ['missing --resume file', ['--resume', 'nope.json'], /--resume: nope\.json not found/],
    ['bad --timeout', ['--timeout', '0'], /--timeout must be a positive number/],
    ['no --model', ['__no_model__'], /--model is required/],
  ];
  for (const [name, extra, re] of cases) {
    it(name, async () => {
      const args = extra[0] === '__no_model__' ? ['--base-url', fake.url] : [...remote(), ...extra];
      const r = await cli(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
      expect(readdirSync(dir)).toEqual([]);
      expect(fake.requests).toHaveLength(0);
    });
  }

  it('no API key for a remote endpoint (but localhost runs keyless)', async () => {
    const r = await cli(['--model', 'gpt-x', '--base-url', 'https://api.example.com/v1'], dir, { OPENAI_API_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no API key for api\.example\.com: pass --api-key or set OPENAI_API_KEY/);
    const or = await cli(['--model', 'x/y', '--base-url', 'https://openrouter.ai/api/v1'], dir, { OPENAI_API_KEY: '' });
    expect(or.stderr).toMatch(/set OPENROUTER_API_KEY/);
    expect(readdirSync(dir)).toEqual([]);
    const local = await cli([...remote(), '--questions', '120A-1', '--out', 'l.json'], dir, { OPENAI_API_KEY: '' });
    expect(local.code).toBe(0);
  });

  it('an existing --out without --resume or --overwrite', async () => {
    writeFileSync(join(dir, 'taken.json'), 'precious');
    const r = await cli([...remote(), '--out', 'taken.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/taken\.json already exists; use --resume taken\.json .* --overwrite/);
    expect(readFileSync(join(dir, 'taken.json'), 'utf8')).toBe('precious');
    expect(fake.requests).toHaveLength(0);
    const ok = await cli([...remote(), '--questions', '120A-1', '--out', 'taken.json', '--overwrite'], dir);
    expect(ok.code).toBe(0);
    expect(readResult(join(dir, 'taken.json')).results).toHaveLength(1);
  });

  it('vision mode with a missing image fails before any request', async () => {
    // A throw-away data root outside the repository: the real files linked in, one image left out.
    const root = mkdtempSync(join(tmpdir(), 'jmle-data-'));
    const src = join(root, 'jmle2026');
    mkdirSync(join(src, 'images'), { recursive: true });
    symlinkSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), join(src, 'jmle2026_dataset.json'));
    const images = readdirSync(join(JMLE2026_DIR, 'images')).sort();
    for (const img of images.slice(1)) symlinkSync(join(JMLE2026_DIR, 'images', img), join(src, 'images', img));
    try {
      const r = await cli([...remote(), '--image-mode', 'vision', '--data-dir', root], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`image ${images[0]} is missing`);
      expect(fake.requests).toHaveLength(0);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('jmle-bench run: the API key never leaks', () => {
  it('is absent from stdout, stderr and the result file, even when the server echoes it', async () => {
    fake.options = {
      apiKey: KEY,
      fault: ({ questionId }) => (questionId === '120A-5' ? { kind: '400' } : questionId === '120A-6' ? { kind: '500' } : undefined),
    };
    const r = await cli([...remote(), '--api-key', KEY, '--blocks', 'A', '--max-retries', '1', '--out', 'k.json'], dir);
    expect(r.code).toBe(0);
    const file = readFileSync(join(dir, 'k.json'), 'utf8');
    expect(file).toContain('fake error 400 for key ***'); // the echo is there, redacted
    for (const text of [r.stdout, r.stderr, file]) expect(text).not.toContain(KEY);
    const env = await cli([...remote(), '--questions', '120A-5', '--out', 'k2.json'], dir, { OPENAI_API_KEY: KEY });
    expect(env.code).toBe(0);
    for (const text of [env.stdout, env.stderr, readFileSync(join(dir, 'k2.json'), 'utf8')]) expect(text).not.toContain(KEY);
  });
});

describe('jmle-bench run --model random', () => {
  it('runs offline end to end, labelled as chance level', async () => {
    const r = await cli(['--model', 'random', '--seed', '42', '--json', '--out', 'random.json'], dir, { OPENAI_API_KEY: '' });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { summary: { accuracy: number; parse_failures: number } };
    expect(report.summary.parse_failures).toBe(0);
    expect(report.summary.accuracy).toBeLessThan(0.35);
    const f = readResult(join(dir, 'random.json'));
    expect(f.results).toHaveLength(400);
    expect(f.metadata).toMatchObject({ model: 'random', base_url: null, seed: 42, provider: 'random' });
    expect(f.metadata.display_name).toMatch(/chance level/);
    expect(fake.requests).toHaveLength(0);
    // same seed, same answers
    const again = await cli(['--model', 'random', '--seed', '42', '--out', 'random2.json'], dir);
    expect(again.code).toBe(0);
    const g = readResult(join(dir, 'random2.json'));
    expect(g.results.map((x) => x.predicted)).toEqual(f.results.map((x) => x.predicted));
  });
});
