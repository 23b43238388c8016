import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchApi, BatchItem, BatchItemResult, BatchStatus } from '../../src/providers/batch-api.js';
import { customIdOf } from '../../src/providers/batch-api.js';
import { registerProvider } from '../../src/providers/registry.js';
import type { Question } from '../../src/exam/types.js';
import { ProviderError, type Completion } from '../../src/providers/types.js';
import type { ResultFile } from '../../src/results/schema.js';
import { pollDelay, splitBatches, type BatchEvent } from '../../src/runner/batch.js';
import { runBenchmark, RunFailedError, type RunOptions } from '../../src/runner/benchmark.js';
import { readJournal } from '../../src/runner/journal-read.js';
import { recordsCostUsd } from '../../src/runner/metadata.js';
import { batchRecord } from '../../src/runner/completion-record.js';
import { loadPriorRun } from '../../src/runner/prior-run.js';
import { resolveRunSpec, type RunSpecInput } from '../../src/runner/spec.js';
import { fixtureExam, goldProvider, questionOf } from '../fixtures/exam.js';

/**
 * The batch phase of a run against an in-memory batch API (the HTTP APIs
 * have their fake servers in the integration tier): batches journaled before
 * the first poll, answers recorded as batch answers, what a batch does not
 * answer asked one by one, Ctrl-C leaving the batch open for --resume.
 */

const exam = fixtureExam();
const TEXT_IDS = exam.questions.filter((q) => !q.requiresImage).map((q) => q.id);
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `jmle-batch-${name}-`));
const readFile = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultFile;

type Outcome = 'ok' | 'errored' | 'expired';

/** A batch API in memory: batches end after `pollsToEnd` polls; `outcome` decides each item; every call is logged. */
class MemoryBatches implements BatchApi {
  readonly name = 'memory batches';
  limits = { maxItems: 1000, maxBytes: 1e9 };
  readonly batches = new Map<string, { items: BatchItem[]; polls: number }>();
  readonly calls: string[] = [];
  pollsToEnd = 2;
  outcome: (customId: string) => Outcome = () => 'ok';
  /** Failures to throw, by call kind, in order. */
  failures: { submit: ProviderError[]; status: ProviderError[] } = { submit: [], status: [] };
  /** Called at each status call (e.g. to look at the journal then). */
  onStatus?: (id: string) => void;

  itemBytes(item: BatchItem): number {
    return JSON.stringify(item.request.messages).length;
  }
  async submit(items: readonly BatchItem[]): Promise<string> {
    this.calls.push(`submit ${items.length}`);
    const f = this.failures.submit.shift();
    if (f) throw f;
    const id = `batch_${this.batches.size + 1}`;
    this.batches.set(id, { items: [...items], polls: 0 });
    return id;
  }
  async status(id: string): Promise<BatchStatus> {
    this.calls.push(`status ${id}`);
    this.onStatus?.(id);
    const f = this.failures.status.shift();
    if (f) throw f;
    const b = this.batches.get(id);
    if (!b) throw new ProviderError('not-found', `404 no batch ${id}`, { status: 404 });
    b.polls++;
    const ended = b.polls >= this.pollsToEnd;
    const n = b.items.length;
    return {
      id,
      status: ended ? 'ended' : 'in_progress',
      ended,
      counts: { succeeded: ended ? n : 0, errored: 0, expired: 0, canceled: 0, processing: ended ? 0 : n },
    };
  }
  async results(id: string, customIds: readonly string[]): Promise<BatchItemResult[]> {
    this.calls.push(`results ${id}`);
    const b = this.batches.get(id);
    expect(b?.items.map((i) => i.customId)).toEqual(customIds);
    return (b?.items ?? []).map((item): BatchItemResult => {
      const o = this.outcome(item.customId);
      if (o !== 'ok') return { customId: item.customId, ok: false, outcome: o, message: `item ${o}` };
      const q = questionOf(exam, item.request);
      const completion: Completion = {
        content: `【回答】${q.answer.join(',')}`,
        reasoning: 'batch thinking',
        usage: { prompt_tokens: 1000, completion_tokens: 100, reasoning_tokens: 50, total_tokens: 1100 },
        finishReason: 'end_turn',
        truncated: false,
      };
      return { customId: item.customId, ok: true, completion };
    });
  }
}

let api = new MemoryBatches();
registerProvider({
  id: 'memory',
  title: 'a test provider with a batch API',
  defaultBaseUrl: 'https://memory.invalid',
  keyEnv: () => [],
  needsKey: () => false,
  async create() {
    return goldProvider(exam);
  },
  batch: {
    async create() {
      return api;
    },
  },
});

function spec(dir: string, out: string, more: { epochs?: number; batch?: boolean; price?: boolean } = {}) {
  const input: RunSpecInput = {
    task: { exam, questionIds: TEXT_IDS, epochs: more.epochs },
    model: { model: 'm', provider: 'memory', ...(more.price ? { priceIn: 2, priceOut: 10 } : {}) },
    schedule: { batch: more.batch ?? true, maxRetries: 2 },
    output: { out, cwd: dir },
  };
  return resolveRunSpec(input);
}

/** Options with a fast poll and retry, a normal-path provider that logs what it is asked, and the batch events. */
function options(asked: string[], events: BatchEvent[] = [], more: Partial<RunOptions> = {}): RunOptions {
  return {
    provider: goldProvider(exam, (q, req) => asked.push(`${q.id}#${req.epoch}`)),
    batchPollMs: 1,
    retry: { baseDelayMs: 1 },
    ...more,
    hooks: { onBatch: (e) => events.push(e), ...more.hooks },
  };
}

describe('a run through a batch API', () => {
  it('submits every sample in one batch, journals its id before the first poll, and records the answers as batch answers', async () => {
    api = new MemoryBatches();
    const dir = tmp('full');
    const journalAtFirstPoll: string[] = [];
    api.onStatus = () => journalAtFirstPoll.push(existsSync(join(dir, 'b.json.jsonl')) ? readFileSync(join(dir, 'b.json.jsonl'), 'utf8') : '');
    const asked: string[] = [];
    const events: BatchEvent[] = [];
    const r = await runBenchmark(spec(dir, 'b.json', { price: true }), options(asked, events));
    expect(r.stopped).toBeNull();
    expect(api.calls).toEqual(['submit 12', 'status batch_1', 'status batch_1', 'results batch_1']);
    expect(journalAtFirstPoll[0]).toContain('"jmle_bench_batch":{"submitted":{"id":"batch_1"');
    expect(asked).toEqual([]);
    const f = readFile(join(dir, 'b.json'));
    expect(f.results).toHaveLength(TEXT_IDS.length);
    expect(f.results.every((x) => x.correct && x.batch === true && x.reasoning === 'batch thinking' && x.latency_ms === null)).toBe(true);
    expect(f.metadata['batch']).toBe(true);
    // 12 answers of 1000 prompt + 100 completion tokens at $2/$10 per million, at half price
    expect(f.metadata['cost_usd']).toBeCloseTo((12 * (1000 * 2 + 100 * 10)) / 1e6 / 2, 9);
    expect(existsSync(join(dir, 'b.json.jsonl'))).toBe(false);
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'status', 'status', 'ended']);
  });

  it('--epochs K submits every sample; custom ids carry the question id and the epoch', async () => {
    api = new MemoryBatches();
    const dir = tmp('epochs');
    await runBenchmark(spec(dir, 'e.json', { epochs: 3 }), options([]));
    const items = [...api.batches.values()][0]?.items ?? [];
    expect(items).toHaveLength(TEXT_IDS.length * 3);
    expect(items.map((i) => i.customId)).toContain('TA-1_e3');
    expect(new Set(items.map((i) => i.customId)).size).toBe(items.length);
    expect(readFile(join(dir, 'e.json')).extra_epochs?.map((e) => e.results.length)).toEqual([TEXT_IDS.length, TEXT_IDS.length]);
  });

  it('items that errored or expired in the batch are asked again one by one, at the list price', async () => {
    api = new MemoryBatches();
    api.outcome = (id) => (id === 'TA-2_e1' ? 'errored' : id === 'TB-1_e1' ? 'expired' : 'ok');
    const dir = tmp('rest');
    const asked: string[] = [];
    const events: BatchEvent[] = [];
    await runBenchmark(spec(dir, 'r.json'), options(asked, events));
    expect(asked.sort()).toEqual(['TA-2#1', 'TB-1#1']);
    const f = readFile(join(dir, 'r.json'));
    expect(f.results.every((x) => x.correct)).toBe(true);
    expect(f.results.filter((x) => !x.batch).map((x) => x.question_id)).toEqual(['TA-2', 'TB-1']);
    expect(events.find((e) => e.kind === 'ended')).toMatchObject({ answered: TEXT_IDS.length - 2, rest: 2 });
  });

  it('a run larger than the API takes is split into several batches, each journaled', async () => {
    api = new MemoryBatches();
    api.limits = { maxItems: 5, maxBytes: 1e9 };
    const dir = tmp('split');
    const events: BatchEvent[] = [];
    await runBenchmark(spec(dir, 's.json'), options([], events));
    expect(api.calls.filter((c) => c.startsWith('submit'))).toEqual(['submit 5', 'submit 5', 'submit 2']);
    expect(events.filter((e) => e.kind === 'submitted').map((e) => e.kind === 'submitted' && `${e.part}/${e.parts}`)).toEqual(['1/3', '2/3', '3/3']);
    expect(readFile(join(dir, 's.json')).results).toHaveLength(TEXT_IDS.length);
  });

  it('Ctrl-C while polling leaves the batch running and open in the journal; --resume attaches to it and never submits again', async () => {
    api = new MemoryBatches();
    api.pollsToEnd = 1_000_000;
    const dir = tmp('resume');
    const stop = new AbortController();
    api.onStatus = () => api.calls.filter((c) => c.startsWith('status')).length === 2 && stop.abort();
    const first = await runBenchmark(spec(dir, 'k.json'), options([], [], { hooks: { stopSignal: stop.signal } }));
    expect(first.stopped).toEqual({ cause: 'user', reason: null });
    expect(first.openBatches).toBe(1);
    expect(existsSync(join(dir, 'k.json'))).toBe(false); // nothing answered yet
    const journal = readJournal(join(dir, 'k.json.jsonl'));
    expect(journal.openBatches.map((b) => b.id)).toEqual(['batch_1']);
    expect(journal.openBatches[0]?.items).toHaveLength(TEXT_IDS.length);

    // The batch ends; the resumed run (without --batch even) collects it.
    api.pollsToEnd = 0;
    api.onStatus = undefined;
    const asked: string[] = [];
    const prior = loadPriorRun('k.json', dir);
    const events: BatchEvent[] = [];
    const second = await runBenchmark(spec(dir, 'k.json', { batch: false }), { ...options(asked, events), prior });
    expect(second.stopped).toBeNull();
    expect(api.calls.filter((c) => c.startsWith('submit'))).toHaveLength(1);
    expect(events[0]).toEqual({ kind: 'attached', id: 'batch_1', items: TEXT_IDS.length });
    expect(asked).toEqual([]);
    expect(readFile(join(dir, 'k.json')).results).toHaveLength(TEXT_IDS.length);
    expect(existsSync(join(dir, 'k.json.jsonl'))).toBe(false);
  });

  it("a crash after part of a batch's answers were journaled: the resume takes the rest of that batch and asks nothing twice", async () => {
    api = new MemoryBatches();
    api.pollsToEnd = 1_000_000;
    const dir = tmp('torn');
    const stop = new AbortController();
    api.onStatus = () => stop.abort();
    await runBenchmark(spec(dir, 't.json'), options([], [], { hooks: { stopSignal: stop.signal } }));
    // As if the results of TA-1 and TA-2 had been journaled when the process died.
    const done = ['TA-1', 'TA-2'].map((id) => {
      const q = exam.byId.get(id) as Question;
      return batchRecord(q, { content: `【回答】${q.answer.join(',')}`, reasoning: null, usage: null, finishReason: 'end_turn' });
    });
    appendFileSync(join(dir, 't.json.jsonl'), done.map((r) => JSON.stringify(r) + '\n').join(''));
    api.pollsToEnd = 0;
    api.onStatus = undefined;
    const asked: string[] = [];
    const events: BatchEvent[] = [];
    const r = await runBenchmark(spec(dir, 't.json'), { ...options(asked, events), prior: loadPriorRun('t.json', dir) });
    expect(r.stopped).toBeNull();
    expect(events[0]).toEqual({ kind: 'attached', id: 'batch_1', items: TEXT_IDS.length - 2 });
    expect(api.calls.filter((c) => c.startsWith('submit'))).toHaveLength(1);
    expect(asked).toEqual([]);
    expect(r.newRecords).toBe(TEXT_IDS.length - 2);
    expect(readFile(join(dir, 't.json')).results).toHaveLength(TEXT_IDS.length);
  });

  it('a failing first submission is the run failing (key, model or URL); a failing poll is retried, then stops the run, resumable', async () => {
    api = new MemoryBatches();
    api.failures.submit = [new ProviderError('auth', '401 authentication_error: invalid x-api-key', { status: 401 })];
    await expect(runBenchmark(spec(tmp('auth'), 'x.json'), options([]))).rejects.toThrow(RunFailedError);
    api.failures.submit = [new ProviderError('bad-request', '400 invalid_request_error: batches are not enabled for this model', { status: 400 })];
    await expect(runBenchmark(spec(tmp('bad'), 'x.json'), options([]))).rejects.toThrow(
      /^the batch was refused \(400 invalid_request_error: batches are not enabled for this model\); check --model and --base-url \(the server must offer the batch API\), or run without --batch$/,
    );

    api = new MemoryBatches();
    api.failures.status = [new ProviderError('server', '529 overloaded_error: Overloaded', { status: 529 })];
    const events: BatchEvent[] = [];
    const ok = await runBenchmark(spec(tmp('retry'), 'x.json'), options([], events));
    expect(ok.stopped).toBeNull();
    expect(events.some((e) => e.kind === 'retry' && e.what === 'polling batch batch_1')).toBe(true);

    api = new MemoryBatches();
    api.failures.status = Array.from({ length: 5 }, () => new ProviderError('connection', 'connection error: ECONNRESET'));
    const dir = tmp('down');
    const down = await runBenchmark(spec(dir, 'x.json'), options([]));
    expect(down.stopped?.cause).toBe('server');
    expect(down.stopped?.reason).toBe('cannot poll batch batch_1 (connection error: ECONNRESET); it keeps running: resume later to collect it');
    expect(readJournal(join(dir, 'x.json.jsonl')).openBatches).toHaveLength(1);
  });

  it('a batch the API no longer has is closed and its items asked one by one', async () => {
    api = new MemoryBatches();
    api.pollsToEnd = 1_000_000;
    const dir = tmp('gone');
    const stop = new AbortController();
    api.onStatus = () => stop.abort();
    await runBenchmark(spec(dir, 'g.json'), options([], [], { hooks: { stopSignal: stop.signal } }));
    api.batches.clear();
    api.onStatus = undefined;
    const asked: string[] = [];
    const events: BatchEvent[] = [];
    const r = await runBenchmark(spec(dir, 'g.json', { batch: false }), { ...options(asked, events), prior: loadPriorRun('g.json', dir) });
    expect(r.stopped).toBeNull();
    expect(events.map((e) => e.kind)).toEqual(['attached', 'gone']);
    expect(asked).toHaveLength(TEXT_IDS.length);
  });
});

describe('batch pieces', () => {
  it('custom ids are the question id and the epoch, in the characters every API takes', () => {
    expect(customIdOf('120A-1', 1)).toBe('120A-1_e1');
    expect(customIdOf('116A1', 12)).toBe('116A1_e12');
    expect(customIdOf('x/y z', 2)).toBe('x_y_z_e2');
    expect(customIdOf('q'.repeat(100), 3)).toHaveLength(64);
  });

  it('splits by item count and by bytes; an item too large for any batch goes alone', () => {
    const item = (n: number): BatchItem => ({
      customId: String(n),
      request: { messages: [], answerFormat: { kind: 'number', digits: 1, integerDigits: 1 }, epoch: 1, label: String(n) },
    });
    const sizes = [4, 4, 4, 20, 1];
    const parts = splitBatches([0, 1, 2, 3, 4].map(item), { maxItems: 2, maxBytes: 10 }, (i) => sizes[Number(i.customId)] as number);
    expect(parts.map((p) => p.map((i) => i.customId))).toEqual([['0', '1'], ['2'], ['3'], ['4']]);
  });

  it('polls at once, then every 5 s growing to a minute', () => {
    expect([0, 1, 2, 3, 10].map(pollDelay)).toEqual([0, 5000, 7500, 11250, 60000]);
  });

  it('prices batch answers at half the list price', () => {
    const usage = { prompt_tokens: 1_000_000, completion_tokens: 100_000 };
    expect(recordsCostUsd([{ usage }, { usage, batch: true }, { usage: null }], 1, 10)).toBe(2 + 1);
    expect(recordsCostUsd([{ usage }], null, null)).toBeNull();
  });
});
