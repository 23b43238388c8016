import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DownloadError, downloadFile, noConnectionReason } from '../../src/dataset/download.js';
import { pullDataset, pullSource, type PullEvent } from '../../src/dataset/pull.js';
import { loadManifest, selectFiles } from '../../src/dataset/manifest.js';

/**
 * What `dataset pull` does without a network, with `fetch` replaced by a stub
 * that fails the way Node's fetch does (a TypeError whose cause carries the
 * system error code): no server, no network, no data.
 */

function fetchError(code: string, aggregate = false): TypeError {
  const sys = Object.assign(new Error(`connect ${code}`), { code });
  const cause = aggregate ? Object.assign(new AggregateError([sys, sys]), { code }) : sys;
  return new TypeError('fetch failed', { cause });
}

const tmps: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'jmle-offline-'));
  tmps.push(d);
  return d;
}

afterEach(() => {
  vi.unstubAllGlobals();
  for (const d of tmps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('telling "cannot connect at all" from a flaky connection', () => {
  it('names DNS failures and refused connections, also inside an AggregateError; other failures are not "no connection"', () => {
    expect(noConnectionReason(fetchError('ENOTFOUND'))).toBe('the host name could not be resolved (ENOTFOUND)');
    expect(noConnectionReason(fetchError('EAI_AGAIN'))).toBe('the host name could not be resolved (EAI_AGAIN)');
    expect(noConnectionReason(fetchError('ECONNREFUSED', true))).toBe('connection refused (ECONNREFUSED)');
    expect(noConnectionReason(fetchError('ECONNRESET'))).toBeUndefined();
    expect(noConnectionReason(new Error('terminated'))).toBeUndefined();
    expect(noConnectionReason('not an error')).toBeUndefined();
  });

  it('downloadFile retries a refused connection by default, and fails at once when asked to', async () => {
    const fetch = vi.fn(() => Promise.reject(fetchError('ECONNREFUSED')));
    vi.stubGlobal('fetch', fetch);
    const dest = join(tmp(), 'f');
    const retries: number[] = [];
    await expect(downloadFile({ url: 'http://mirror.test/f', dest, label: 'x/f', retryDelayMs: 1, onRetry: (n) => retries.push(n) })).rejects.toThrow(
      /x\/f: download failed after 4 attempts \(cannot connect to mirror\.test: connection refused \(ECONNREFUSED\)\)/,
    );
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(retries).toEqual([1, 2, 3]);

    fetch.mockClear();
    const fast = downloadFile({ url: 'http://mirror.test/f', dest, label: 'x/f', retryDelayMs: 1, retryUnreachable: false });
    await expect(fast).rejects.toMatchObject({ kind: 'unreachable', message: 'cannot connect to mirror.test: connection refused (ECONNREFUSED)' });
    await expect(fast).rejects.toBeInstanceOf(DownloadError);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(existsSync(dest)).toBe(false);
  });
});

describe('a pull when the host cannot be reached', () => {
  it('stops after one request, says why, emits no failure per file and writes nothing', async () => {
    const fetch = vi.fn(() => Promise.reject(fetchError('ENOTFOUND')));
    vi.stubGlobal('fetch', fetch);
    const root = tmp();
    const events: PullEvent['type'][] = [];
    const r = await pullSource({ source: 'jmle2026', root, from: 'http://nowhere.invalid', retryDelayMs: 1, onEvent: (e) => events.push(e.type) });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(r.unreachable).toEqual({ host: 'nowhere.invalid', message: 'cannot connect to nowhere.invalid: the host name could not be resolved (ENOTFOUND)' });
    expect(r).toMatchObject({ downloaded: 0, failed: [], complete: false, interrupted: false });
    expect(events).toEqual(['start']);
    expect(existsSync(join(root, 'jmle2026', '.jmle-manifest.json'))).toBe(false);
  });

  it('with several sources, stops at the first (they share the host)', async () => {
    const fetch = vi.fn(() => Promise.reject(fetchError('ECONNREFUSED')));
    vi.stubGlobal('fetch', fetch);
    const results = await pullDataset({ all: true, from: 'http://127.0.0.1:1', dataDir: tmp(), retryDelayMs: 1 });
    expect(results).toHaveLength(1);
    expect(results[0]?.unreachable?.message).toBe('cannot connect to 127.0.0.1:1: connection refused (ECONNREFUSED)');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('once the host answered, a refused connection is a flaky network: retried, and the pull completes', async () => {
    // An unpinned ref accepts the bytes as served, so the stub can serve anything.
    let refusals = 2;
    const fetch = vi.fn((url: string) => {
      if (url.endsWith('/jmle2026_dataset.json') && refusals-- > 0) return Promise.reject(fetchError('ECONNREFUSED'));
      return Promise.resolve(new Response(`bytes of ${url}`));
    });
    vi.stubGlobal('fetch', fetch);
    const root = tmp();
    const retries: string[] = [];
    const r = await pullSource({
      source: 'jmle2026',
      root,
      ref: 'some-branch',
      from: 'http://mirror.test',
      retryDelayMs: 1,
      onEvent: (e) => e.type === 'retry' && retries.push(`${e.path} ${e.attempt}`),
    });
    expect(r.unreachable).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(retries).toEqual(['jmle2026_dataset.json 1', 'jmle2026_dataset.json 2']);
    const wanted = selectFiles(loadManifest('jmle2026'), { images: true, results: false });
    expect(r.total).toBe(wanted.length);
    expect(readFileSync(join(root, 'jmle2026', 'jmle2026_dataset.json'), 'utf8')).toBe('bytes of http://mirror.test/jmle2026_dataset.json');
    expect(readdirSync(join(root, 'jmle2026')).sort()).toEqual(['.jmle-manifest.json', 'LICENSE.upstream', 'images', 'jmle2026_dataset.json']);
  });
});
