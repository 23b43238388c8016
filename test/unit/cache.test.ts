import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/exam/types.js';
import { buildPrompt } from '../../src/prompt/prompt.js';
import { cacheKey, canonicalJson, withCache, type CachedAnswer, type CacheScope, type ResponseStore } from '../../src/providers/cache.js';
import { responseCachePath, SqliteResponseStore } from '../../src/providers/cache-sqlite.js';
import { registerProvider } from '../../src/providers/registry.js';
import { ProviderError, type CompletionRequest, type GenerationSettings, type Provider } from '../../src/providers/types.js';
import type { ResultFile } from '../../src/results/schema.js';
import { runBenchmark } from '../../src/runner/benchmark.js';
import { resolveRunSpec } from '../../src/runner/spec.js';
import { fixtureExam, goldProvider } from '../fixtures/exam.js';

const exam = fixtureExam();
const q1 = exam.questions[0] as Question;
const request = (q: Question = q1, epoch = 1): CompletionRequest => {
  const p = buildPrompt(exam, q, 'blind');
  return { messages: p.messages, answerFormat: p.answerFormat, epoch, label: q.id };
};
const settings: GenerationSettings = {
  seed: 1,
  maxTokens: null,
  reasoningEffort: null,
  thinkingBudget: null,
  extraBody: { reasoning: { enabled: true, effort: 'high' } },
};
const scope: CacheScope = { provider: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm', settings };
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `jmle-unit-${name}-`));

/** A store in a Map, counting what is stored. */
function memoryStore(): ResponseStore & { rows: Map<string, CachedAnswer> } {
  const rows = new Map<string, CachedAnswer>();
  return { rows, get: (k) => rows.get(k) ?? null, put: (k, _s, _e, a) => void (rows.has(k) || rows.set(k, a)) };
}

describe('the cache key', () => {
  it('is the same for the same request, whatever the order of the extra body keys', () => {
    const reordered = { ...scope, settings: { ...settings, extraBody: { reasoning: { effort: 'high', enabled: true } } } };
    expect(cacheKey(reordered, request())).toBe(cacheKey(scope, request()));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('changes with the provider, the base URL, the model, every setting, the messages and the epoch', () => {
    const base = cacheKey(scope, request());
    const variants = [
      cacheKey({ ...scope, provider: 'other' }, request()),
      cacheKey({ ...scope, baseUrl: 'http://127.0.0.1:9000/v1' }, request()),
      cacheKey({ ...scope, model: 'm2' }, request()),
      cacheKey({ ...scope, settings: { ...settings, seed: 2 } }, request()),
      cacheKey({ ...scope, settings: { ...settings, maxTokens: 100 } }, request()),
      cacheKey({ ...scope, settings: { ...settings, reasoningEffort: 'low' } }, request()),
      cacheKey({ ...scope, settings: { ...settings, thinkingBudget: 1024 } }, request()),
      cacheKey({ ...scope, settings: { ...settings, extraBody: null } }, request()),
      cacheKey(scope, request(exam.questions[1])),
      cacheKey(scope, request(q1, 2)),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});

describe('withCache', () => {
  it('answers a repeated request from the store, without asking the provider', async () => {
    const store = memoryStore();
    const asked: string[] = [];
    const cached = withCache(
      goldProvider(exam, (q) => asked.push(q.id)),
      store,
      scope,
    );
    const first = await cached.complete(request());
    const again = await cached.complete(request());
    expect(asked).toEqual([q1.id]);
    expect(first.cached).toBeUndefined();
    expect(again).toMatchObject({ content: first.content, cached: true, attempts: 0 });
    expect(cached.hits).toBe(1);
  });

  it('never stores an error: a failed request is asked again', async () => {
    const store = memoryStore();
    let calls = 0;
    const failing: Provider = {
      name: 'f',
      async complete() {
        calls++;
        throw new ProviderError('server', 'HTTP 500', { status: 500 });
      },
    };
    const cached = withCache(failing, store, scope);
    await expect(cached.complete(request())).rejects.toThrow('HTTP 500');
    await expect(cached.complete(request())).rejects.toThrow('HTTP 500');
    expect(calls).toBe(2);
    expect(store.rows.size).toBe(0);
  });

  it('goes on when an answer cannot be stored, and says why once', async () => {
    const broken: ResponseStore = {
      get: () => null,
      put: () => {
        throw new Error('disk I/O error');
      },
    };
    const cached = withCache(goldProvider(exam), broken, scope);
    expect((await cached.complete(request())).content).toContain('【回答】');
    expect(cached.storeFailures).toBe(1);
    expect(cached.storeProblem).toBe('disk I/O error');
  });
});

describe('the SQLite store', () => {
  const answer: CachedAnswer = {
    content: '【回答】a',
    reasoning: 'r',
    usage: { prompt_tokens: 1, completion_tokens: 2, reasoning_tokens: null, total_tokens: 3 },
    finishReason: 'stop',
    truncated: false,
  };

  it('keeps answers across opens, counts them per model, and clears one model or all', async () => {
    const path = join(tmp('sqlite'), 'sub', 'responses.sqlite');
    expect(await SqliteResponseStore.open(path, { create: false })).toBeNull();
    const a = (await SqliteResponseStore.open(path, { create: true }))!;
    a.put('k1', scope, 1, answer);
    a.put('k2', { ...scope, model: 'other' }, 1, answer);
    a.put('k1', scope, 1, { ...answer, content: 'later' }); // the first answer stays
    a.close();
    const b = (await SqliteResponseStore.open(path, { create: false }))!;
    expect(b.get('k1')).toEqual(answer);
    expect(b.get('nope')).toBeNull();
    expect(b.info()).toMatchObject({
      path,
      entries: 2,
      byModel: [
        { provider: 'openai', model: 'm', entries: 1 },
        { provider: 'openai', model: 'other', entries: 1 },
      ],
    });
    expect(b.clear('other')).toBe(1);
    expect(b.info().entries).toBe(1);
    expect(b.clear()).toBe(1);
    expect(b.info().entries).toBe(0);
    b.close();
  });

  it('stores no API key: nothing but the request scope and the answer', async () => {
    const path = join(tmp('sqlite-key'), 'responses.sqlite');
    const store = (await SqliteResponseStore.open(path, { create: true }))!;
    store.put(cacheKey(scope, request()), scope, 1, answer);
    store.close();
    expect(readFileSync(path).includes('sk-')).toBe(false);
  });

  it('refuses a file that is not a cache, in one line naming it', async () => {
    const path = join(tmp('sqlite-bad'), 'responses.sqlite');
    writeFileSync(path, 'this is not a database, just text that is long enough to look like a header '.repeat(20));
    await expect(SqliteResponseStore.open(path, { create: true })).rejects.toThrow(`${path} is not a readable response cache`);
  });

  it('lives in the cache folder unless $JMLE_RESPONSE_CACHE says otherwise', () => {
    expect(responseCachePath({ JMLE_CACHE_DIR: '/c' })).toBe('/c/responses.sqlite');
    expect(responseCachePath({ JMLE_CACHE_DIR: '/c', JMLE_RESPONSE_CACHE: '/x/r.sqlite' })).toBe('/x/r.sqlite');
  });
});

describe('a run with the cache', () => {
  // A network provider the cache applies to (offline providers are never cached).
  registerProvider({
    id: 'gold-net',
    title: 'gold answers (test)',
    defaultBaseUrl: 'http://127.0.0.1:1/v1',
    keyEnv: () => [],
    needsKey: () => false,
    create: async () => goldProvider(exam),
  });

  it('asks nothing the second time, and marks the records it took from the cache', async () => {
    const dir = tmp('run-cache');
    const store = memoryStore();
    const asked: string[] = [];
    const provider = goldProvider(exam, (q) => asked.push(q.id));
    const ids = exam.questions.filter((q) => !q.requiresImage).map((q) => q.id);
    const spec = (out: string) =>
      resolveRunSpec({
        task: { exam, questionIds: ids, epochs: 2 },
        model: { model: 'm', provider: 'gold-net' },
        schedule: { cache: true },
        output: { out, cwd: dir },
      });
    const first = await runBenchmark(spec('a.json'), { provider, cache: store });
    expect(asked).toHaveLength(ids.length * 2);
    expect(first.cacheHits).toBe(0);
    const second = await runBenchmark(spec('b.json'), { provider, cache: store });
    expect(asked).toHaveLength(ids.length * 2); // nothing more was asked
    expect(second.cacheHits).toBe(ids.length * 2);
    const file = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as ResultFile;
    expect(file.results.every((r) => r.cached === true && r.attempts === 0)).toBe(true);
    expect(file.extra_epochs?.[0]?.results.every((r) => r.cached === true)).toBe(true);
    expect(file.metadata['cache']).toBe(true);
    expect(second.summary.correct).toBe(first.summary.correct);
  });
});
