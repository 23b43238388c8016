import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/viewer/server.js';
import { parseRequestPath, resolveImage } from '../../src/viewer/paths.js';
import { exportSite, EXPORT_MARKER } from '../../src/viewer/export.js';
import type { ComparePayload, IndexPayload, LeaderboardPayload, MatrixPayload, QuestionsPayload, RunPayload } from '../../src/viewer/types.js';
import { CLI, DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';
import { EVIL_ID, makeResultsFixture, SKIPPED_FILES, SYSTEM_LINK, type Fixture } from '../helpers/viewer-fixture.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request: the path goes out exactly as written (no client-side normalisation). */
function get(base: string, path: string, opts: { method?: string; host?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.host ? { host: opts.host } : {}), ...opts.headers };
    // A fresh connection each time (no keep-alive pool): a pooled socket can be closed by the server while a spawnSync blocks this process.
    const req = request({ host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let fx: Fixture;
let viewer: Viewer;

beforeAll(async () => {
  fx = makeResultsFixture();
  viewer = await startViewer({ resultsDir: fx.dir, port: 0, dataDir: DATA_ROOT });
});
afterAll(async () => {
  await viewer?.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

describe('request paths', () => {
  it('decodes plain segments and refuses every escape form', () => {
    expect(parseRequestPath('/images/120A-16_1.png?x=1')).toEqual({ ok: true, segments: ['images', '120A-16_1.png'] });
    expect(parseRequestPath('/')).toEqual({ ok: true, segments: [] });
    for (const bad of [
      '/../etc/passwd',
      '/images/../x',
      '/%2e%2e/x',
      '/images/%2E%2E%2Fx',
      '/images/..%2fx',
      '/images/..%5cx',
      '/images/..\\x',
      '/a//b',
      '/./x',
      '/images/%00',
      'images/x',
      '/%E0%A4%A',
    ]) {
      expect(parseRequestPath(bad).ok, bad).toBe(false);
    }
  });

  it('resolves only listed image names to regular files inside the folder (no symlink escapes)', () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-img-'));
    try {
      const dir = join(root, 'images');
      mkdirSync(dir);
      writeFileSync(join(dir, 'a.png'), 'png');
      writeFileSync(join(root, 'secret.txt'), 'secret');
      symlinkSync(join(root, 'secret.txt'), join(dir, 'out.png'));
      symlinkSync(join(dir, 'a.png'), join(dir, 'in.png'));
      mkdirSync(join(dir, 'sub.png'));
      const allowed = new Set(['a.png', 'out.png', 'in.png', 'sub.png', '../secret.txt']);
      expect(resolveImage(dir, allowed, 'a.png')).toMatch(/a\.png$/);
      expect(resolveImage(dir, allowed, 'in.png')).toMatch(/a\.png$/);
      expect(resolveImage(dir, allowed, 'out.png')).toBeNull();
      expect(resolveImage(dir, allowed, 'sub.png')).toBeNull();
      expect(resolveImage(dir, allowed, '../secret.txt')).toBeNull();
      expect(resolveImage(dir, allowed, 'missing.png')).toBeNull();
      expect(resolveImage(dir, new Set(), 'a.png')).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('jmle-bench view server', () => {
  it('lists the readable runs, rescored, and the broken files as skipped with a reason', async () => {
    const index = JSON.parse((await get(viewer.url, '/api/index')).body.toString()) as IndexPayload;
    expect(index.exams.map((e) => e.id)).toEqual(['120']);
    expect(index.defaultExam).toBe('120');
    expect(index.series).toBe(false); // one exam: no series
    expect((await get(viewer.url, '/api/series')).status).toBe(404);
    const r = await get(viewer.url, '/api/exams/120/leaderboard');
    expect(r.status).toBe(200);
    const lb = JSON.parse(r.body.toString()) as LeaderboardPayload;
    expect(lb.runs.map((x) => x.file).sort()).toEqual([...fx.realFiles, 'zz_evil.json'].sort());
    expect(index.skipped.map((s) => s.file).sort()).toEqual([...SKIPPED_FILES].sort());
    expect(index.skipped.find((s) => s.file === 'broken-json.json')?.reason).toMatch(/not valid JSON \(the text ends too early\)/);
    expect(index.skipped.find((s) => s.file === 'wrong-shape.json')?.reason).toMatch(/results/);
    expect((await get(viewer.url, '/api/exams/116/leaderboard')).status).toBe(404);
    expect(lb.exam.scoreRule).toContain('B/E Q26–50 are 3 points each');
    expect(lb.exam.scoreMax).toBe(500);
    expect(lb.exam.textOnlyCount).toBe(302);
    // The leaderboard carries summaries only.
    expect(r.body.length).toBeLessThan(100_000);
    expect(r.body.toString()).not.toContain('raw_response');
  });

  it("serves a run's records whose points add up to its leaderboard score", async () => {
    const lb = JSON.parse((await get(viewer.url, '/api/exams/120/leaderboard')).body.toString()) as LeaderboardPayload;
    const qs = JSON.parse((await get(viewer.url, '/api/exams/120/questions')).body.toString()) as QuestionsPayload;
    const points = new Map(qs.questions.map((q) => [q.id, q.points]));
    for (const entry of lb.runs.slice(0, 3)) {
      const run = JSON.parse((await get(viewer.url, `/api/runs/${encodeURIComponent(entry.id)}`)).body.toString()) as RunPayload;
      expect(run.records).toHaveLength(400);
      // Independent of the summary code: sum the exam's points over correct records.
      const score = run.records.filter((x) => x.correct).reduce((s, x) => s + (points.get(x.question_id) ?? NaN), 0);
      expect(score).toBe(entry.summary.score);
      expect(run.records.reduce((s, x) => s + x.earned, 0)).toBe(entry.summary.score);
    }
    expect((await get(viewer.url, '/api/runs/nope')).status).toBe(404);
    expect((await get(viewer.url, `/api/runs/${EVIL_ID}`)).status).toBe(200);
  });

  it('serves dataset images by listed name only', async () => {
    const img = await get(viewer.url, '/images/120/120A-16_1.png');
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.body.subarray(1, 4).toString()).toBe('PNG');
    expect((await get(viewer.url, '/images/120A-16_1.png')).status).toBe(404);
    expect((await get(viewer.url, '/images/119/120A-16_1.png')).status).toBe(404);
    expect((await get(viewer.url, '/images/120/jmle2026_dataset.json')).status).toBe(404);
    expect((await get(viewer.url, '/images/120/nope.png')).status).toBe(404);
  });

  it('refuses path escapes, raw and encoded, and serves nothing outside the app', async () => {
    const attempts = [
      '/../package.json',
      '/../../../../etc/passwd',
      '/images/../jmle2026_dataset.json',
      '/images/120/../../jmle2026_dataset.json',
      '/images/120/..%2fjmle2026_dataset.json',
      '/images/..%2fjmle2026_dataset.json',
      '/api/exams/..%2f120/leaderboard',
      '/api/exams/120/..%2f..%2fpackage.json',
      '/images/%2e%2e/jmle2026_dataset.json',
      '/images/%2E%2E%2F%2E%2E%2Fresults',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/images/..%5c..%5cjmle2026_dataset.json',
      '/images/..\\..\\jmle2026_dataset.json',
      '/api/runs/..%2f..%2fpackage.json',
      '/api/runs/../leaderboard',
      '/images/%252e%252e%252fjmle2026_dataset.json',
      '//etc/passwd',
      '/package.json',
      '/src/viewer/server.ts',
      '/dist/cli/main.cjs',
      '/node_modules/markdown-it/package.json',
      '/results/openai_gpt-5.2.json',
      `/${encodeURIComponent(fx.dir)}/openai_gpt-5.2.json`,
    ];
    for (const path of attempts) {
      const r = await get(viewer.url, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.toString(), path).not.toMatch(/root:|"metadata"|"question_id"|"name": "jmle-bench"/);
    }
  });

  it('sets a strict CSP and nosniff on every response, and only answers GET/HEAD for local hosts', async () => {
    for (const path of ['/', '/api/index', '/api/exams/120/leaderboard', '/images/120/120A-16_1.png', '/nope', '/../x']) {
      const r = await get(viewer.url, path);
      expect(r.headers['content-security-policy'], path).toMatch(/default-src 'self'.*script-src 'self'.*object-src 'none'/);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    const index = await get(viewer.url, '/');
    expect(index.body.toString()).toContain('<meta name="jmle-data" content="api">');
    // The data's licence and attribution travel with every page (CC BY 4.0 asks for it).
    expect(index.body.toString()).toMatch(/Ministry of Health, Labour and Welfare[\s\S]*Public Data License 1\.0[\s\S]*JMLE2026-Bench[\s\S]*CC BY 4\.0/);
    const asset = index.body.toString().match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeTruthy();
    expect((await get(viewer.url, `/${asset}`)).headers['content-type']).toMatch(/javascript/);
    expect((await get(viewer.url, '/api/index', { method: 'POST' })).status).toBe(405);
    expect((await get(viewer.url, '/api/index', { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(viewer.url, '/api/index', { host: `localhost:${new URL(viewer.url).port}` })).status).toBe(200);
  });
});

describe('served to a team: compressed, revalidated', () => {
  it('compresses JSON with brotli or gzip as accepted, and answers a known ETag with 304', async () => {
    const plain = await get(viewer.url, '/api/runs/openai_gpt-5.2');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('no-cache'); // revalidate, not re-download (was no-store)
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    const etag = plain.headers['etag'] as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    const br = await get(viewer.url, '/api/runs/openai_gpt-5.2', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(br.headers['etag']).toBe(etag);
    const gz = await get(viewer.url, '/api/runs/openai_gpt-5.2', { headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    // Revalidation: the same ETag → 304, no body, the security headers still there.
    const again = await get(viewer.url, '/api/runs/openai_gpt-5.2', { headers: { 'if-none-match': etag, 'accept-encoding': 'br' } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['etag']).toBe(etag);
    expect(again.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await get(viewer.url, '/api/runs/openai_gpt-5.2', { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    // The app itself too.
    for (const path of ['/', '/api/index', '/api/exams/120/leaderboard', '/api/exams/120/questions', '/api/exams/120/matrix']) {
      const r = await get(viewer.url, path, { headers: { 'accept-encoding': 'br' } });
      const tag = r.headers['etag'] as string;
      expect(tag, path).toBeTruthy();
      expect((await get(viewer.url, path, { headers: { 'if-none-match': tag } })).status, path).toBe(304);
    }
  });
});

describe('skipped files', () => {
  it('name the problem without quoting the file (a symlink to a system file shows no line of it), in the API, the CLI and an export', async () => {
    const firstLine = readFileSync(SYSTEM_LINK.target, 'utf8').split('\n')[0] as string;
    const secret = firstLine.slice(0, 8);
    expect(secret.length).toBeGreaterThan(3);
    const index = JSON.parse((await get(viewer.url, '/api/index')).body.toString()) as IndexPayload;
    const reason = index.skipped.find((s) => s.file === SYSTEM_LINK.file)?.reason ?? '';
    expect(reason).toBe(
      `${SYSTEM_LINK.file} is not valid JSON (an unexpected character); check that it is a result file written by jmle-bench or the reference harness`,
    );
    expect(reason).not.toContain(secret);
    for (const s of index.skipped) expect(s.reason).not.toMatch(/Unexpected token|"\.\.\./);
    const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-skip-'));
    try {
      exportSite(join(root, 'site'), { resultsDir: fx.dir, dataDir: DATA_ROOT });
      const exported = readFileSync(join(root, 'site', 'data', 'index.json'), 'utf8');
      expect(exported).toContain(SYSTEM_LINK.file);
      expect(exported).not.toContain(secret);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const cli = spawnSync(process.execPath, [CLI, 'export-site', join(root, 'cli'), '--results', fx.dir, '--data-dir', DATA_ROOT], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stderr).toContain(`skipped ${SYSTEM_LINK.file}: `);
    expect(cli.stderr).not.toContain(secret);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('the question matrix and the paired view', () => {
  it("serves every run's right/wrong per question, in ranking order, from the rescored records", async () => {
    const m = JSON.parse((await get(viewer.url, '/api/exams/120/matrix')).body.toString()) as MatrixPayload;
    const lb = JSON.parse((await get(viewer.url, '/api/exams/120/leaderboard')).body.toString()) as LeaderboardPayload;
    expect(m.runs.map((r) => r.run)).toEqual(lb.runs.map((r) => r.id));
    expect(m.questions).toHaveLength(400);
    for (const mr of m.runs.slice(0, 3)) {
      const run = JSON.parse((await get(viewer.url, `/api/runs/${mr.run}`)).body.toString()) as RunPayload;
      const byQ = new Map(run.records.map((r) => [r.question_id, r]));
      expect(mr.marks).toBe(m.questions.map((q) => (byQ.get(q) ? (byQ.get(q)?.correct ? '1' : '0') : '-')).join(''));
      expect(mr.predicted).toEqual(m.questions.map((q) => byQ.get(q)?.predicted.join(',') ?? ''));
    }
    // 120C-57: missed by every published model.
    const i = m.questions.indexOf('120C-57');
    expect(m.runs.map((r) => r.marks[i])).toEqual(m.runs.map(() => '0'));
  });

  it('compares two runs exactly as `jmle-bench compare --json` does (paths as file names)', async () => {
    const [a, b] = ['openai_gpt-5.2', 'Qwen_Qwen3-32B'];
    const r = await get(viewer.url, `/api/compare/${a}/${b}`);
    expect(r.status).toBe(200);
    const got = JSON.parse(r.body.toString()) as ComparePayload;
    const cli = spawnSync(process.execPath, [CLI, 'compare', join(fx.dir, `${a}.json`), join(fx.dir, `${b}.json`), '--json', '--data-dir', DATA_ROOT], {
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    const want = JSON.parse(cli.stdout) as Record<string, unknown> & { a: Record<string, unknown>; b: Record<string, unknown> };
    const { run_a, run_b, verdict, ...rest } = got;
    expect(rest).toEqual({ ...want, a: { ...want.a, path: `${a}.json` }, b: { ...want.b, path: `${b}.json` } });
    expect([run_a, run_b]).toEqual([a, b]);
    expect(verdict).toEqual({ a: 'pass-unless-kinki', b: 'pass-unless-kinki' });
    expect(r.body.toString()).not.toContain(fx.dir);
    // Unknown runs: one line, as JSON.
    const bad = await get(viewer.url, `/api/compare/${a}/nope`);
    expect(bad.status).toBe(404);
    expect(JSON.parse(bad.body.toString())).toEqual({ error: 'no run nope in this collection' });
  });

  it('refuses, in one line, to compare two runs that share no scored question', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-viewer-disjoint-'));
    const base = JSON.parse(readFileSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), 'utf8')) as { results: { question_id: string }[] };
    const onlyBlock = (block: string) => ({ ...base, results: base.results.filter((r) => r.question_id.startsWith(`120${block}-`)) });
    writeFileSync(join(dir, 'block-a.json'), JSON.stringify(onlyBlock('A')));
    writeFileSync(join(dir, 'block-b.json'), JSON.stringify(onlyBlock('B')));
    const v = await startViewer({ resultsDir: dir, port: 0, dataDir: DATA_ROOT });
    try {
      const r = await get(v.url, '/api/compare/block-a/block-b');
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body.toString())).toEqual({ error: 'block-a.json and block-b.json share no scored question' });
    } finally {
      await v.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('export-site', () => {
  it('writes a static copy, re-exports over its own output, and refuses unrelated non-empty folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-export-'));
    try {
      const out = join(root, 'site');
      const r = exportSite(out, { resultsDir: fx.dir, dataDir: DATA_ROOT });
      expect(r.runs).toBe(fx.realFiles.length + 1);
      expect(r.skipped).toHaveLength(SKIPPED_FILES.length);
      expect(r.exams).toEqual(['120']);
      expect(r.series).toBe(false);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<meta name="jmle-data" content="static">');
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('CC BY 4.0');
      expect(readdirSync(join(out, 'data', 'runs'))).toHaveLength(fx.realFiles.length + 1);
      expect(readdirSync(join(out, 'images', '120')).length).toBe(110);
      expect(existsSync(join(out, 'data', 'series.json'))).toBe(false);
      // The matrix and every ordered pair of runs for the paired view.
      expect(existsSync(join(out, 'data', 'exams', '120', 'matrix.json'))).toBe(true);
      const n = fx.realFiles.length + 1;
      expect(readdirSync(join(out, 'data', 'compare')).length).toBe(n);
      expect(readdirSync(join(out, 'data', 'compare', EVIL_ID)).length).toBe(n - 1);
      const pair = JSON.parse(readFileSync(join(out, 'data', 'compare', 'openai_gpt-5.2', `${EVIL_ID}.json`), 'utf8')) as ComparePayload;
      expect(pair.a.path).toBe('openai_gpt-5.2.json');
      expect(JSON.parse(readFileSync(join(out, 'data', 'index.json'), 'utf8')).compareLimit).toBe(40);
      const lb = JSON.parse(readFileSync(join(out, 'data', 'exams', '120', 'leaderboard.json'), 'utf8')) as LeaderboardPayload;
      expect(lb.runs).toHaveLength(fx.realFiles.length + 1);
      expect(JSON.stringify(lb)).not.toContain(fx.dir); // no local paths published
      expect(readFileSync(join(out, 'data', 'index.json'), 'utf8')).not.toContain(fx.dir);
      // Re-export: allowed, and a file the user added is kept.
      writeFileSync(join(out, 'CNAME'), 'example.org');
      exportSite(out, { resultsDir: fx.dir, dataDir: DATA_ROOT });
      expect(readFileSync(join(out, 'CNAME'), 'utf8')).toBe('example.org');
      expect(existsSync(join(out, EXPORT_MARKER))).toBe(true);
      // A non-empty folder that is not an export: refused, untouched.
      const other = join(root, 'other');
      mkdirSync(other);
      writeFileSync(join(other, 'notes.txt'), 'mine');
      expect(() => exportSite(other, { resultsDir: fx.dir, dataDir: DATA_ROOT })).toThrow(/not empty and is not a previous export/);
      expect(readdirSync(other)).toEqual(['notes.txt']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('CLI', () => {
  it('view prints its URL, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'view', '--results', fx.dir, '--data-dir', DATA_ROOT, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
        if (m) {
          clearTimeout(t);
          resolve(m[0]);
        }
      });
    });
    expect((await get(url, '/api/index')).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(err).toContain('skipped broken-json.json');
  });

  it('view --host 0.0.0.0 serves a team: any Host name, the addresses printed, and a note that anyone on the network can read the results', async () => {
    const child = spawn(process.execPath, [CLI, 'view', '--results', fx.dir, '--data-dir', DATA_ROOT, '--port', '0', '--host', '0.0.0.0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = out.match(/http:\/\/0\.0\.0\.0:(\d+)\//);
        if (m && out.includes('Ctrl-C')) {
          clearTimeout(t);
          resolve(`http://127.0.0.1:${m[1]}/`);
        }
      });
    });
    try {
      // Not loopback: the Host check is off (a team reaches it by the machine's name or address).
      const r = await get(url, '/api/exams/120/leaderboard', { host: 'viewer.lab.example:8765', headers: { 'accept-encoding': 'gzip' } });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(err).toMatch(/note: listening on 0\.0\.0\.0; anyone who can reach this machine on port \d+ can read these results/);
    } finally {
      await new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
  });

  it('export-site refuses a non-empty folder with one line and exit 2', async () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-cli-'));
    try {
      writeFileSync(join(root, 'keep.txt'), 'x');
      const child = spawn(process.execPath, [CLI, 'export-site', root, '--results', fx.dir, '--data-dir', DATA_ROOT], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/not empty/);
      expect(readdirSync(root)).toEqual(['keep.txt']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
