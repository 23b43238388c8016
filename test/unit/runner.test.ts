import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProviderError, type Completion, type Provider } from '../../src/providers/types.js';
import type { ResultFile, ResultRecord } from '../../src/results/schema.js';
import { runBenchmark, type RunOptions } from '../../src/runner/benchmark.js';
import { Journal } from '../../src/runner/journal.js';
import { readJournal } from '../../src/runner/journal-read.js';
import { loadPriorRun } from '../../src/runner/prior-run.js';
import { checkPriorRun, mergeRecords } from '../../src/runner/resume.js';
import { resolveRunSpec, SettingError, type RunSpecInput } from '../../src/runner/spec.js';
import { asFlagError } from '../../src/cli/run-flags.js';
import { SummarySchema } from '../../src/results/summary.js';
import { formatSummaryBlock } from '../../src/reports/terminal.js';
import { fixtureExam, goldCompletion, goldProvider, questionOf } from '../fixtures/exam.js';

const exam = fixtureExam();
const TEXT_IDS = exam.questions.filter((q) => !q.requiresImage).map((q) => q.id);

function rec(id: string, ok: boolean, epoch?: number): ResultRecord {
  return {
    question_id: id,
    predicted: ok ? ['a'] : [],
    gold: ['a'],
    correct: ok,
    raw_response: ok ? '【回答】a' : '',
    parse_success: ok,
    error: ok ? null : 'boom',
    ...(epoch ? { epoch } : {}),
  };
}

function spec(
  dir: string,
  out: string,
  more: { task?: Partial<RunSpecInput['task']>; schedule?: RunSpecInput['schedule']; model?: Partial<RunSpecInput['model']>; overwrite?: boolean } = {},
) {
  return resolveRunSpec({
    task: { exam, questionIds: TEXT_IDS, ...more.task },
    model: { model: 'm', provider: 'random', ...more.model },
    schedule: more.schedule,
    output: { out, cwd: dir, overwrite: more.overwrite ?? false },
  });
}

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `jmle-unit-${name}-`));
const readFile = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultFile;

/** Answers with the key, except that questions in `hang` wait until aborted. */
function hanging(hang: Set<string>, started: string[]): Provider {
  return {
    name: 'hanging',
    complete(request, { signal } = {}): Promise<Completion> {
      const q = questionOf(exam, request);
      started.push(q.id);
      if (!hang.has(q.id)) return Promise.resolve(goldCompletion(q));
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new ProviderError('aborted', 'request aborted'))));
    },
  };
}

describe('merging what earlier runs left', () => {
  it('a later record wins, but a failure never replaces a success; epochs are kept apart', () => {
    const m = mergeRecords(
      [rec('TA-1', true), rec('TA-2', false), rec('TA-1', false, 2)],
      [rec('TA-1', false), rec('TA-2', true), rec('TA-3', false), rec('TA-1', true, 2)],
    );
    const by = new Map(m.map((r) => [`${r.question_id}#${r.epoch ?? 1}`, r]));
    expect(m).toHaveLength(4);
    expect(by.get('TA-1#1')?.correct).toBe(true);
    expect(by.get('TA-2#1')?.correct).toBe(true);
    expect(by.get('TA-3#1')?.error).toBe('boom');
    expect(by.get('TA-1#2')?.correct).toBe(true);
  });

  it('reads a journal whose last line was torn by a crash', () => {
    const dir = tmp('j');
    const header = JSON.stringify({ jmle_bench_journal: 1, metadata: { model: 'm', exam: 'T' } });
    writeFileSync(join(dir, 'x.json.jsonl'), `${header}\n${JSON.stringify(rec('TA-1', true))}\n{"question_id":"TA-2","predi`);
    const j = readJournal(join(dir, 'x.json.jsonl'));
    expect(j.records.map((r) => r.question_id)).toEqual(['TA-1']);
    expect(j).toMatchObject({ badLines: 1, tornLastLine: true, damagedLines: 0 });
    // A garbage line in the middle is no crash's doing: told apart from a torn last line.
    writeFileSync(join(dir, 'y.json.jsonl'), `${header}\nnot json\n${JSON.stringify(rec('TA-1', true))}\n`);
    expect(readJournal(join(dir, 'y.json.jsonl'))).toMatchObject({ badLines: 1, tornLastLine: false, damagedLines: 1 });
    const prior = loadPriorRun('x.json', dir);
    expect(prior.outPath).toBe('x.json');
    expect(prior.metadata.model).toBe('m');
  });
});

describe('runBenchmark', () => {
  it('asks every question, writes the reference format and a summary that fits its schema', async () => {
    const dir = tmp('full');
    const asked: string[] = [];
    const r = await runBenchmark(spec(dir, 'o.json'), { provider: goldProvider(exam, (q) => asked.push(q.id)) });
    expect(r.stopped).toBeNull();
    expect(asked.sort()).toEqual([...TEXT_IDS].sort());
    const f = readFile(join(dir, 'o.json'));
    expect(f.results.map((x) => x.question_id)).toEqual([...TEXT_IDS].sort());
    expect(f.results.every((x) => x.correct)).toBe(true);
    expect(Object.keys(f.results[0] ?? {}).slice(0, 7)).toEqual(['question_id', 'predicted', 'gold', 'correct', 'raw_response', 'parse_success', 'error']);
    expect(SummarySchema.parse(f.summary)).toMatchObject({ correct: TEXT_IDS.length, exam: 'T' });
    expect(f.extra_epochs).toBeUndefined();
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });

  it('hands the complete result file over while it is synced, before it is in place, once, and writes it whatever that hook does', async () => {
    const dir = tmp('result-file-hook');
    const seen: { file: unknown; inPlace: boolean }[] = [];
    const r = await runBenchmark(spec(dir, 'o.json', { task: { questionIds: ['TA-1', 'TA-2'] } }), {
      provider: goldProvider(exam),
      hooks: {
        onResultFile: (file) => {
          seen.push({ file, inPlace: existsSync(join(dir, 'o.json')) });
          throw new Error('a report that failed');
        },
      },
    });
    expect(seen).toEqual([{ file: r.file, inPlace: false }]);
    expect(seen[0]?.file).toBe(r.file);
    expect(readFile(join(dir, 'o.json')).results.map((x) => x.question_id)).toEqual(['TA-1', 'TA-2']);
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });

  it('replies that land together are read only after their workers have sent their next requests; the start comes first', async () => {
    const dir = tmp('read-after-send');
    const events: string[] = [];
    // Holds every reply until all `parallel` requests of a wave are in, then releases them at once.
    const waiting: (() => void)[] = [];
    const provider: Provider = {
      name: 'waves',
      complete(request): Promise<Completion> {
        const q = questionOf(exam, request);
        events.push(`ask ${q.id}`);
        return new Promise((resolve) => {
          waiting.push(() => resolve(goldCompletion(q)));
          if (waiting.length === 2) for (const release of waiting.splice(0)) release();
        });
      },
    };
    const r = await runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 2 }, task: { questionIds: ['TA-1', 'TA-2', 'TA-3', 'TA-4'] } }), {
      provider,
      hooks: { onStart: () => events.push('start'), onRecord: (rec) => events.push(`read ${rec.question_id}`) },
    });
    expect(r.file.results.every((x) => x.correct)).toBe(true);
    // TA-1 and TA-2 answer together: both next requests go out before either answer is read, and the
    // start (the CLI's header) waits for the requests already under way but comes before any record.
    expect(events).toEqual(['ask TA-1', 'ask TA-2', 'ask TA-3', 'ask TA-4', 'start', 'read TA-1', 'read TA-2', 'read TA-3', 'read TA-4']);
  });

  it('workers start one per turn of the event loop: a first request can go out before the next is built', async () => {
    const dir = tmp('staggered-start');
    const asked: string[] = [];
    // Node writes a request to its socket from a nextTick after the request is made; what has been asked by then.
    const askedAtFirstTick: number[] = [];
    const provider: Provider = {
      name: 'ticks',
      complete(request): Promise<Completion> {
        const q = questionOf(exam, request);
        asked.push(q.id);
        if (asked.length === 1) process.nextTick(() => askedAtFirstTick.push(asked.length));
        return new Promise((resolve) => setTimeout(() => resolve(goldCompletion(q)), 20));
      },
    };
    const ids = ['TA-1', 'TA-2', 'TA-3', 'TA-4'];
    const r = await runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 4 }, task: { questionIds: ids } }), { provider });
    expect(askedAtFirstTick).toEqual([1]);
    // Still `parallel` at once, in order.
    expect(r.peakInFlight).toBe(4);
    expect(asked).toEqual(ids);
    expect(r.file.results.every((x) => x.correct)).toBe(true);
  });

  it('closes idle connections, through retry and limits, only once every sample has been asked, as each worker runs out', async () => {
    const dir = tmp('close-idle');
    const ids = ['TA-1', 'TA-2', 'TA-3', 'TA-4', 'TA-5'];
    const events: string[] = [];
    const provider: Provider = {
      name: 'keep-alive',
      complete(request): Promise<Completion> {
        const q = questionOf(exam, request);
        events.push(`ask ${q.id}`);
        // TA-1 is slow: the other worker asks the rest, runs out first, and TA-1's worker after it.
        return new Promise((resolve) => setTimeout(() => resolve(goldCompletion(q)), q.id === 'TA-1' ? 60 : 5));
      },
      closeIdleConnections: () => events.push('close idle'),
    };
    const r = await runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 2 }, task: { questionIds: ids } }), { provider });
    expect(r.file.results.every((x) => x.correct)).toBe(true);
    expect(events).toEqual(['ask TA-1', 'ask TA-2', 'ask TA-3', 'ask TA-4', 'ask TA-5', 'close idle', 'close idle']);
  });

  it('a stop before every worker has started starts no more of them', async () => {
    const dir = tmp('staggered-stop');
    const stop = new AbortController();
    const asked: string[] = [];
    // The first request stops the run (as Ctrl-C would), before a second worker starts.
    const provider = goldProvider(exam, (q) => {
      asked.push(q.id);
      stop.abort();
    });
    const r = await runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 4 }, task: { questionIds: ['TA-1', 'TA-2', 'TA-3', 'TA-4'] } }), {
      provider,
      hooks: { stopSignal: stop.signal },
    });
    expect(asked).toEqual(['TA-1']);
    expect(r.stopped?.cause).toBe('user');
    expect(r.file.results.map((x) => x.question_id)).toEqual(['TA-1']);
  });

  it('a start hook that throws fails the run with its error, and no result file is written', async () => {
    const dir = tmp('start-throws');
    const run = runBenchmark(spec(dir, 'o.json', { task: { questionIds: ['TA-1', 'TA-2'] } }), {
      provider: goldProvider(exam),
      hooks: {
        onStart: () => {
          throw new Error('header broke');
        },
      },
    });
    await expect(run).rejects.toThrow('header broke');
    expect(existsSync(join(dir, 'o.json'))).toBe(false);
  });

  it('a record hook that throws stops every worker and fails the run with its error; no record after it is handed over', async () => {
    const dir = tmp('record-throws');
    const seen: string[] = [];
    const run = runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 2 } }), {
      provider: goldProvider(exam),
      hooks: {
        onRecord: (r) => {
          seen.push(r.question_id);
          throw new Error('display broke');
        },
      },
    });
    await expect(run).rejects.toThrow('display broke');
    expect(seen).toHaveLength(1);
    expect(existsSync(join(dir, 'o.json'))).toBe(false);
  });

  it('the journal works its header out when it writes the first record, not before', async () => {
    const dir = tmp('journal-header');
    let made = 0;
    const journal = new Journal(join(dir, 'o.json.jsonl'), () => (made++, { model: 'm', dataset_version: exam.version }));
    expect(made).toBe(0);
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
    journal.append(rec('TA-1', true));
    journal.append(rec('TA-2', true));
    await journal.flush();
    await journal.close();
    expect(made).toBe(1);
    const lines = readFileSync(join(dir, 'o.json.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ jmle_bench_journal: 1, metadata: { model: 'm', dataset_version: exam.version } });
    expect(lines.slice(1).map((l) => (JSON.parse(l) as ResultRecord).question_id)).toEqual(['TA-1', 'TA-2']);
  });

  it('removing the journal does not wait for its last records to sync; one still being created is removed once it is', async () => {
    const dir = tmp('journal-remove');
    const path = join(dir, 'o.json.jsonl');
    const journal = new Journal(path, { model: 'm' });
    journal.append(rec('TA-1', true));
    await journal.flush();
    journal.append(rec('TA-2', true)); // written and synced in the background
    const removing = journal.remove();
    expect(existsSync(path)).toBe(false); // gone before that write finished
    await removing;
    await journal.flush(); // the last write still completes (to the removed file), without error
    expect(existsSync(path)).toBe(false);

    const fresh = new Journal(path, { model: 'm' });
    fresh.append(rec('TA-1', true)); // its first write (a temp file renamed into place) is under way
    await fresh.remove();
    await fresh.flush(); // every write it had queued is done: nothing of it is left behind
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stop lets in-flight requests finish; abort drops them unrecorded; the file holds what is done', async () => {
    const dir = tmp('stop');
    const stop = new AbortController();
    const abort = new AbortController();
    const started: string[] = [];
    let finished = 0;
    const opts: RunOptions = {
      provider: hanging(new Set(['TA-3', 'TA-4']), started),
      hooks: {
        stopSignal: stop.signal,
        abortSignal: abort.signal,
        onRecord: () => {
          finished++;
          if (finished === 2) {
            // both workers are now stuck on TA-3 / TA-4
            setTimeout(() => stop.abort(), 20);
            setTimeout(() => abort.abort(), 60);
          }
        },
      },
    };
    const result = await runBenchmark(spec(dir, 'o.json', { schedule: { parallel: 2 } }), opts);
    expect(result.stopped).toEqual({ cause: 'user', reason: null });
    expect(started).toEqual(['TA-1', 'TA-2', 'TA-3', 'TA-4']);
    const f = readFile(join(dir, 'o.json'));
    expect(f.results.map((r) => r.question_id)).toEqual(['TA-1', 'TA-2']);
    expect(f.metadata['status']).toBe('interrupted');
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });

  it('Ctrl-C during an --rpm wait ends the run at once and sends nothing more; latency leaves the wait out', async () => {
    const dir = tmp('rpm');
    const stop = new AbortController();
    const started: string[] = [];
    const result = await runBenchmark(spec(dir, 'r.json', { schedule: { parallel: 4, rpm: 600 } }), {
      provider: goldProvider(exam, (q) => started.push(q.id)),
      hooks: { stopSignal: stop.signal, onRecord: (r) => r.question_id === 'TA-3' && stop.abort() },
    });
    expect(result.stopped?.cause).toBe('user');
    expect(started).toHaveLength(3);
    const f = readFile(join(dir, 'r.json'));
    expect(f.results).toHaveLength(3);
    // the third question waited ~200 ms for its start (600 per minute); its latency is the request's own
    for (const r of f.results) expect(r.latency_ms ?? Infinity).toBeLessThan(150);
  });

  it('a quota failure (Retry-After beyond the cap) stops the run like Ctrl-C: in-flight answers kept, that sample left to ask', async () => {
    const dir = tmp('quota');
    const started: string[] = [];
    const p: Provider = {
      name: 'quota',
      async complete(request) {
        const q = questionOf(exam, request);
        started.push(q.id);
        await new Promise((r) => setTimeout(r, 5));
        if (q.id === 'TA-6') throw new ProviderError('rate-limit', 'daily limit', { status: 429, retryAfterMs: 86_400_000 });
        return goldCompletion(q);
      },
    };
    const result = await runBenchmark(spec(dir, 'q.json', { schedule: { parallel: 2 } }), { provider: p });
    expect(result.stopped).toEqual({ cause: 'server', reason: 'the server asks to retry after 24h00m (daily limit)' });
    const f = readFile(join(dir, 'q.json'));
    expect(f.metadata['status']).toBe('interrupted');
    const saved = new Set(f.results.map((r) => r.question_id));
    expect(saved.has('TA-6')).toBe(false);
    expect([...saved].sort()).toEqual(started.filter((id) => id !== 'TA-6').sort());
  });

  it('a journal that cannot be written stops the run early and the answers still reach the result file', async () => {
    const dir = tmp('jfail');
    // A non-empty directory where the journal should go: its first write fails.
    mkdirSync(join(dir, 'j.json.jsonl'));
    writeFileSync(join(dir, 'j.json.jsonl', 'x'), '');
    const started: string[] = [];
    const slow: Provider = {
      name: 'slow',
      async complete(request) {
        const q = questionOf(exam, request);
        started.push(q.id);
        await new Promise((r) => setTimeout(r, 3));
        return goldCompletion(q);
      },
    };
    const result = await runBenchmark(spec(dir, 'j.json', { schedule: { parallel: 2 }, task: { epochs: 3 }, overwrite: true }), { provider: slow });
    expect(result.stopped?.cause).toBe('journal');
    expect(result.stopped?.reason).toMatch(/^cannot write the journal .*j\.json\.jsonl: E[A-Z]+$/);
    expect(started.length).toBeLessThan(TEXT_IDS.length * 3);
    const f = readFile(join(dir, 'j.json'));
    expect(f.results.length + (f.extra_epochs ?? []).reduce((n, e) => n + e.results.length, 0)).toBe(started.length);
  });

  it('counts answers cut off by the token limit in the summary, and the summary block says so', async () => {
    const dir = tmp('trunc');
    const cut: Provider = {
      name: 'cut',
      async complete(request) {
        const q = questionOf(exam, request);
        const truncated = q.id === 'TA-1' || q.id === 'TB-2';
        return {
          content: truncated ? '長い考察' : `【回答】${q.answer.join(',')}`,
          reasoning: null,
          usage: null,
          finishReason: truncated ? 'max_tokens' : 'end_turn',
          truncated,
        };
      },
    };
    const r = await runBenchmark(spec(dir, 't.json'), { provider: cut });
    const f = readFile(join(dir, 't.json'));
    expect(f.results.filter((x) => x.truncated).map((x) => x.question_id)).toEqual(['TA-1', 'TB-2']);
    expect(r.summary.truncated).toBe(2);
    const block = formatSummaryBlock({ model: 'm', summary: r.summary, rules: exam.rules, path: 't.json' });
    expect(block).toContain('  Truncated: 2 (cut off by the token limit: raise --max-tokens)');
    const whole = await runBenchmark(spec(dir, 'u.json'), { provider: goldProvider(exam) });
    expect(whole.summary.truncated).toBe(0);
    expect(formatSummaryBlock({ model: 'm', summary: whole.summary, rules: exam.rules, path: 'u.json' })).not.toContain('Truncated');
  });

  it('refuses an output it cannot write before sending anything', async () => {
    const dir = tmp('ro');
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    const asked: string[] = [];
    await expect(runBenchmark(spec(dir, 'locked/o.json'), { provider: goldProvider(exam, (q) => asked.push(q.id)) })).rejects.toThrow(
      /^cannot write locked\/o\.json \(read-only folder\); choose another --out or make its folder writable$/,
    );
    expect(asked).toEqual([]);
  });

  it('keeps the answers in the journal, and says how to resume, when the result file cannot be written at the end', async () => {
    const dir = tmp('lost');
    // Something takes the result file's path while the run goes (here: a folder of that name).
    const provider = goldProvider(exam, () => mkdirSync(join(dir, 'o.json'), { recursive: true }));
    const run = runBenchmark(spec(dir, 'o.json'), { provider });
    await expect(run).rejects.toThrow(
      /^cannot write o\.json: is a folder \(EISDIR\); the answers are in o\.json\.jsonl: --resume o\.json\.jsonl once it can be written$/,
    );
    await expect(run).rejects.toMatchObject({ exitCode: 1 });
    expect(
      readJournal(join(dir, 'o.json.jsonl'))
        .records.map((r) => r.question_id)
        .sort(),
    ).toEqual([...TEXT_IDS].sort());
  });
});

describe('vision mode without the images', () => {
  it('is refused before anything is sent, naming the setting (the CLI words it as --image-mode)', async () => {
    const dir = tmp('vision');
    const noImages = { ...exam, imageDir: undefined };
    const asked: string[] = [];
    const run = runBenchmark(
      resolveRunSpec({ task: { exam: noImages, imageMode: 'vision' }, model: { model: 'm', provider: 'random' }, output: { out: 'o.json', cwd: dir } }),
      { provider: goldProvider(exam, (q) => asked.push(q.id)) },
    );
    await expect(run).rejects.toThrow(SettingError);
    await expect(run).rejects.toThrow(/^task\.imageMode vision: exam T has no images; use blind or skip$/);
    expect(asFlagError(await run.catch((e: unknown) => e))).toHaveProperty('message', '--image-mode vision: exam T has no images; use blind or skip');
    expect(asked).toEqual([]);
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });
});

describe('a selection that leaves no question', () => {
  it('names the three settings that select (the CLI words them as flags), before anything is sent', async () => {
    const dir = tmp('none-selected');
    const asked: string[] = [];
    const imageIds = exam.questions.filter((q) => q.requiresImage).map((q) => q.id);
    const run = runBenchmark(
      resolveRunSpec({
        task: { exam, questionIds: imageIds, imageMode: 'skip' },
        model: { model: 'm', provider: 'random' },
        output: { out: 'o.json', cwd: dir },
      }),
      { provider: goldProvider(exam, (q) => asked.push(q.id)) },
    );
    const e = await run.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SettingError);
    expect(e).toMatchObject({
      setting: 'task.blocks',
      settings: ['task.blocks', 'task.questionIds', 'task.imageMode'],
      message: 'no questions selected; check task.blocks / task.questionIds / task.imageMode',
      exitCode: 2,
    });
    expect(asFlagError(e)).toMatchObject({ message: 'no questions selected; check --blocks / --questions / --image-mode', exitCode: 2 });
    expect(asked).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('vision mode with images gone since the exam was loaded', () => {
  it('looks again before sending anything, and names the first one missing', async () => {
    const dir = tmp('vision-gone');
    const imageDir = join(dir, 'images');
    mkdirSync(imageDir);
    const withImage = exam.questions.find((q) => q.images.length > 0);
    expect(withImage).toBeDefined();
    const gone = { ...exam, imageDir, issues: [] };
    const run = runBenchmark(
      resolveRunSpec({ task: { exam: gone, imageMode: 'vision' }, model: { model: 'm', provider: 'random' }, output: { out: 'o.json', cwd: dir } }),
      { provider: goldProvider(exam) },
    );
    await expect(run).rejects.toThrow(
      new RegExp(`^task\\.imageMode vision: \\d+ image\\(s\\) missing \\(first: ${withImage!.id}: image ${withImage!.images[0]} is missing from `),
    );
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });
});

describe('resuming refuses to mix two setups in one file', () => {
  it('names the setting that differs and how to resume', async () => {
    const dir = tmp('mix');
    await runBenchmark(spec(dir, 'p.json', { model: { settings: { maxTokens: 100 } } }), { provider: goldProvider(exam) });
    const prior = loadPriorRun('p.json', dir);
    const same = { model: { settings: { maxTokens: 100 } } };
    expect(() => checkPriorRun(prior, spec(dir, 'p.json', same))).not.toThrow();
    const refusal = (more: Parameters<typeof spec>[2]) => () => checkPriorRun(prior, spec(dir, 'p.json', more));
    expect(refusal({ model: { provider: 'openai', settings: { maxTokens: 100 } } })).toThrow(
      /^--resume: p\.json was run with --provider random, not openai; pass --provider random$/,
    );
    expect(refusal({ ...same, task: { exam: { ...exam, id: 'U' } } })).toThrow(/^--resume: p\.json is a run of exam T, not U; pass --exam T$/);
    expect(refusal({ ...same, task: { imageMode: 'skip' } })).toThrow(/^--resume: p\.json was run with --image-mode blind, not skip; pass --image-mode blind$/);
    expect(refusal({ model: { settings: { maxTokens: 200 } } })).toThrow(
      /^--resume: p\.json was run with --max-tokens 100, not 200; resume with the same \(or leave --max-tokens out\), or start a new run with another --out$/,
    );
    expect(refusal({ model: { settings: { maxTokens: 100, reasoningEffort: 'high' } } })).toThrow(/p\.json was run with no --reasoning-effort, not high;/);
    const foreign = { ...prior, records: [...prior.records, rec('TZ-9', true)] };
    expect(() => checkPriorRun(foreign, spec(dir, 'p.json', same))).toThrow(/^--resume: p\.json holds question TZ-9, which is not in exam T$/);
  });

  it('a journal without its header cannot be resumed: it cannot say which model and data it belongs to', () => {
    const dir = tmp('headless');
    writeFileSync(join(dir, 'h.json.jsonl'), `${JSON.stringify(rec('TA-1', true))}\n`);
    expect(() => loadPriorRun('h.json', dir)).toThrow(/h\.json\.jsonl is not a jmle-bench journal \(no header line\)$/);
    writeFileSync(join(dir, 'u.json.jsonl'), `${JSON.stringify({ jmle_bench_journal: 1, metadata: { model: 42 } })}\n${JSON.stringify(rec('TA-1', true))}\n`);
    expect(() => loadPriorRun('u.json.jsonl', dir)).toThrow(
      /^--resume: u\.json\.jsonl has no readable header; cannot tell which model and dataset it belongs to$/,
    );
  });
});

describe('runBenchmark with epochs', () => {
  it('asks every question K times, epoch 1 in results and the others in extra_epochs', async () => {
    const dir = tmp('epochs');
    const asked: string[] = [];
    await runBenchmark(spec(dir, 'e.json', { task: { epochs: 3 } }), { provider: goldProvider(exam, (q, req) => asked.push(`${q.id}#${req.epoch}`)) });
    expect(asked).toHaveLength(TEXT_IDS.length * 3);
    expect(new Set(asked).size).toBe(asked.length);
    const f = readFile(join(dir, 'e.json'));
    expect(f.metadata['epochs']).toBe(3);
    expect(f.results).toHaveLength(TEXT_IDS.length);
    expect(f.results.every((r) => r.epoch === undefined)).toBe(true);
    expect(f.extra_epochs?.map((e) => e.epoch)).toEqual([2, 3]);
    expect(f.extra_epochs?.every((e) => e.results.length === TEXT_IDS.length && e.results.every((r) => r.epoch === e.epoch))).toBe(true);
  });

  it('a resume asks only the missing samples, and more epochs grow the run', async () => {
    const dir = tmp('grow');
    await runBenchmark(spec(dir, 'g.json', { task: { epochs: 2 } }), { provider: goldProvider(exam) });
    const prior = loadPriorRun('g.json', dir);
    expect(prior.records).toHaveLength(TEXT_IDS.length * 2);
    const asked: string[] = [];
    const r = await runBenchmark(spec(dir, 'g.json', { task: { epochs: 4 } }), {
      prior,
      provider: goldProvider(exam, (q, req) => asked.push(`${q.id}#${req.epoch}`)),
    });
    expect(r.plan.kept).toBe(TEXT_IDS.length * 2);
    expect(asked.every((a) => a.endsWith('#3') || a.endsWith('#4'))).toBe(true);
    expect(asked).toHaveLength(TEXT_IDS.length * 2);
    expect(readFile(join(dir, 'g.json')).extra_epochs?.map((e) => e.epoch)).toEqual([2, 3, 4]);
    // Fewer epochs than the run holds would drop answers.
    await expect(
      runBenchmark(spec(dir, 'g.json', { task: { epochs: 2 } }), { prior: loadPriorRun('g.json', dir), provider: goldProvider(exam) }),
    ).rejects.toThrow(/holds 4 epochs; --epochs 2 would drop answers/);
  });

  it('the random baseline answers each epoch independently', async () => {
    const dir = tmp('random');
    await runBenchmark(spec(dir, 'r.json', { task: { epochs: 2 }, model: { model: 'random', provider: 'random', settings: { seed: 3 } } }));
    const f = readFile(join(dir, 'r.json'));
    const second = f.extra_epochs?.[0]?.results ?? [];
    const differ = f.results.filter((r, i) => r.raw_response !== second[i]?.raw_response);
    expect(differ.length).toBeGreaterThan(0);
  });
});
