import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { ProviderError, type Completion, type Provider } from '../../src/providers/types.js';
import type { ResultFile, ResultRecord } from '../../src/results/schema.js';
import { runBenchmark } from '../../src/runner/benchmark.js';
import { readJournal } from '../../src/runner/journal.js';
import { loadPriorRun, mergeRecords } from '../../src/runner/resume.js';
import { DATA_ROOT } from '../helpers/data.js';

const { exam } = loadExam({ dataDir: DATA_ROOT });

function rec(id: string, ok: boolean): ResultRecord {
  return {
    question_id: id,
    predicted: ok ? ['a'] : [],
    gold: ['a'],
    correct: ok,
    raw_response: ok ? '【回答】a' : '',
    parse_success: ok,
    error: ok ? null : 'boom',
  };
}

/** Answers the gold key instantly, except that questions in `hang` wait until aborted. */
function provider(hang: Set<string>, started: string[] = []): Provider {
  return {
    name: 'test',
    complete(request, { signal } = {}): Promise<Completion> {
      started.push(request.question.id);
      if (!hang.has(request.question.id))
        return Promise.resolve({ content: `【回答】${request.question.answer.join(',')}`, reasoning: null, usage: null, finishReason: 'stop' });
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new ProviderError('aborted', 'request aborted'))));
    },
  };
}

describe('merging what earlier runs left', () => {
  it('a later record wins, but a failure never replaces a success', () => {
    const m = mergeRecords([rec('120A-1', true), rec('120A-2', false)], [rec('120A-1', false), rec('120A-2', true), rec('120A-3', false)]);
    const by = new Map(m.map((r) => [r.question_id, r]));
    expect(by.get('120A-1')?.correct).toBe(true);
    expect(by.get('120A-2')?.correct).toBe(true);
    expect(by.get('120A-3')?.error).toBe('boom');
  });

  it('reads a journal whose last line was torn by a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-j-'));
    const header = JSON.stringify({ jmle_bench_journal: 1, metadata: { model: 'm', exam: '120' } });
    writeFileSync(join(dir, 'x.json.jsonl'), `${header}\n${JSON.stringify(rec('120A-1', true))}\n{"question_id":"120A-2","predi`);
    const j = readJournal(join(dir, 'x.json.jsonl'));
    expect(j.records.map((r) => r.question_id)).toEqual(['120A-1']);
    expect(j.badLines).toBe(1);
    const prior = loadPriorRun('x.json', dir);
    expect(prior.outPath).toBe('x.json');
    expect(prior.metadata.model).toBe('m');
  });
});

describe('runBenchmark: stop and abort', () => {
  it('stop lets in-flight requests finish; abort drops them unrecorded; the file holds what is done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-stop-'));
    const stop = new AbortController();
    const abort = new AbortController();
    const hang = new Set(['120A-3', '120A-4']);
    const started: string[] = [];
    let finished = 0;
    const result = await runBenchmark({
      exam,
      model: 'm',
      provider: provider(hang, started),
      out: 'o.json',
      cwd: dir,
      parallel: 2,
      questionIds: exam.questions.slice(0, 20).map((q) => q.id),
      stopSignal: stop.signal,
      abortSignal: abort.signal,
      onRecord: () => {
        finished++;
        if (finished === 2) {
          // both workers are now stuck on 120A-3 / 120A-4
          setTimeout(() => stop.abort(), 20);
          setTimeout(() => abort.abort(), 60);
        }
      },
    });
    expect(result.interrupted).toBe(true);
    expect(started).toEqual(['120A-1', '120A-2', '120A-3', '120A-4']);
    const f = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')) as ResultFile;
    expect(f.results.map((r) => r.question_id)).toEqual(['120A-1', '120A-2']);
    expect(f.metadata['status']).toBe('interrupted');
    expect(existsSync(join(dir, 'o.json.jsonl'))).toBe(false);
  });

  it('calls the onFinished hook with the written result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-hook-'));
    let seen: string | null = null;
    await runBenchmark({
      exam,
      model: 'm',
      provider: provider(new Set()),
      out: 'h.json',
      cwd: dir,
      blocks: ['E'],
      onFinished: (r) => {
        seen = `${r.path}:${r.summary.correct}:${existsSync(join(dir, 'h.json'))}`;
      },
    });
    expect(seen).toBe('h.json:50:true');
  });
});

describe('runBenchmark: waiting is not sending', () => {
  it('Ctrl-C during an --rpm wait ends the run at once, sends nothing more; latency leaves the wait out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-rpm-'));
    const stop = new AbortController();
    const started: string[] = [];
    const t0 = performance.now();
    const result = await runBenchmark({
      exam,
      model: 'm',
      provider: provider(new Set(), started),
      out: 'r.json',
      cwd: dir,
      parallel: 4,
      rpm: 600, // one start per 100 ms
      questionIds: exam.questions.slice(0, 40).map((q) => q.id),
      stopSignal: stop.signal,
      onRecord: (r) => {
        if (r.question_id === exam.questions[2]?.id) stop.abort();
      },
    });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(result.interrupted).toBe(true);
    expect(started).toHaveLength(3);
    const f = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ResultFile;
    expect(f.results).toHaveLength(3);
    // the third question waited ~200 ms for its start; its latency is the request's own
    for (const r of f.results) expect(r.latency_ms ?? Infinity).toBeLessThan(60);
  });

  it('a quota failure (Retry-After beyond the cap) stops the run like Ctrl-C: in-flight answers kept, that question left to ask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-quota-'));
    const ids = exam.questions.slice(0, 30).map((q) => q.id);
    const quotaAt = ids[5] as string;
    const started: string[] = [];
    const p: Provider = {
      name: 'quota',
      async complete(request) {
        started.push(request.question.id);
        await new Promise((r) => setTimeout(r, 5));
        if (request.question.id === quotaAt) throw new ProviderError('rate-limit', 'daily limit', { status: 429, retryAfterMs: 86_400_000 });
        return { content: `【回答】${request.question.answer.join(',')}`, reasoning: null, usage: null, finishReason: 'stop' };
      },
    };
    const result = await runBenchmark({ exam, model: 'm', provider: p, out: 'q.json', cwd: dir, parallel: 2, questionIds: ids });
    expect(result.interrupted).toBe(true);
    expect(result.pausedBy).toBe('the server asks to retry after 24h00m (daily limit)');
    const f = JSON.parse(readFileSync(join(dir, 'q.json'), 'utf8')) as ResultFile;
    expect(f.metadata['status']).toBe('interrupted');
    const saved = new Set(f.results.map((r) => r.question_id));
    expect(saved.has(quotaAt)).toBe(false);
    expect([...saved].sort()).toEqual(started.filter((id) => id !== quotaAt).sort());
    expect(started.length).toBeLessThan(10);
  });
});

describe('runBenchmark: a journal that cannot be written', () => {
  it('stops the run early and still writes the answers it has to the result file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-jfail-'));
    // A non-empty directory where the journal should go: its first write fails.
    mkdirSync(join(dir, 'j.json.jsonl'));
    writeFileSync(join(dir, 'j.json.jsonl', 'x'), '');
    const started: string[] = [];
    const slow: Provider = {
      name: 'slow',
      async complete(request) {
        started.push(request.question.id);
        await new Promise((r) => setTimeout(r, 3));
        return { content: `【回答】${request.question.answer.join(',')}`, reasoning: null, usage: null, finishReason: 'stop' };
      },
    };
    const result = await runBenchmark({ exam, model: 'm', provider: slow, out: 'j.json', cwd: dir, parallel: 2, overwrite: true });
    expect(result.interrupted).toBe(true);
    expect(result.pausedBy).toMatch(/^cannot write the journal .*j\.json\.jsonl: E[A-Z]+$/);
    expect(started.length).toBeLessThan(50);
    const f = JSON.parse(readFileSync(join(dir, 'j.json'), 'utf8')) as ResultFile;
    expect(f.results.length).toBe(started.length);
    expect(f.metadata['status']).toBe('interrupted');
  });
});
