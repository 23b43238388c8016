#!/usr/bin/env node
// parallel auto: `jmle-bench run --parallel auto` against a server whose concurrency limit the client is not told,
// side by side with the fixed --parallel values a user might try.
//
// A fake OpenAI-compatible server (its own process) answers each of the 400 questions with its key after
// BENCH_LATENCY_MS (default 500); a request that arrives while `limit` are being answered gets a 429 at once
// (optionally with Retry-After). For each hidden limit (BENCH_LIMITS, default 8,32) the real CLI runs
// (a fresh process each): --parallel auto, fixed --parallel limit/2, limit and 2·limit (rejected requests are
// retried with the usual backoff), and --parallel auto against a server that sends `Retry-After: 1`; all of them
// BENCH_REPS times (default 2), interleaved, keeping each one's median run.
// Wall time is the run's own (the result file's started_at → finished_at: start-up and data loading excluded,
// the same for every contender); the goal is auto / best fixed ≤ 1.15 with ≤ 3% of requests rejected.
//
// Writes bench/out/parallel-auto.json and the "parallel auto" section of BENCHMARKS.md. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { askedQuestion, dataRoot, keyReply, questionsByText, repo, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 500);
const LIMITS = (process.env.BENCH_LIMITS ?? '8,32').split(',').map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- server (child)
async function serve() {
  const byText = await questionsByText();
  let limit = Infinity;
  let retryAfter = null;
  let inFlight = 0;
  let stats;
  const reset = () => (stats = { accepted: 0, rejected: 0, peak: 0 });
  reset();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url.startsWith('/reset')) {
        const u = new URL(req.url, 'http://x');
        limit = Number(u.searchParams.get('limit'));
        retryAfter = u.searchParams.get('retryAfter');
        reset();
        return res.end('{}');
      }
      if (req.url === '/stats') return res.end(JSON.stringify(stats));
      if (inFlight >= limit) {
        stats.rejected++;
        const out = JSON.stringify({ error: { message: 'Too many concurrent requests', type: 'rate_limit_error' } });
        res.writeHead(429, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(out),
          ...(retryAfter ? { 'retry-after': retryAfter } : {}),
        });
        return res.end(out);
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { text, question } = askedQuestion(body, byText);
      inFlight++;
      stats.accepted++;
      stats.peak = Math.max(stats.peak, inFlight);
      setTimeout(() => {
        inFlight--;
        const out = keyReply(body, text, question, stats.accepted);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      }, LATENCY);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

// ---------------------------------------------------------------- orchestrator
function cli(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repo, 'dist', 'cli', 'main.cjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`jmle-bench ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

async function main() {
  const loadBefore = loadavg()[0];
  const server = spawn(process.execPath, [self, '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res) => server.stdout.once('data', (d) => res(Number(String(d).trim()))));
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'jmle-bench-auto-'));
  const results = { date: new Date().toISOString().slice(0, 10), node: process.version, latency_ms: LATENCY, reps: REPS, questions: null, limits: {} };
  let n = 0;
  async function measure(limit, parallel, retryAfter) {
    await fetch(`${base}/reset?limit=${limit}${retryAfter ? `&retryAfter=${retryAfter}` : ''}`, { method: 'POST' });
    const out = join(dir, `${limit}-${parallel}-${retryAfter ?? 'none'}-${n++}.json`);
    await cli([
      'run',
      '--model',
      'bench',
      '--base-url',
      `${base}/v1`,
      '--parallel',
      String(parallel),
      '--out',
      out,
      '--no-progress',
      '--no-readme',
      '--data-dir',
      dataRoot,
    ]);
    const stats = await (await fetch(`${base}/stats`, { method: 'POST' })).json();
    const file = JSON.parse(readFileSync(out, 'utf8'));
    const wallMs = Date.parse(file.metadata.finished_at) - Date.parse(file.metadata.started_at);
    results.questions = file.results.length;
    const requests = stats.accepted + stats.rejected;
    const r = {
      parallel,
      retry_after: retryAfter,
      wall_ms: wallMs,
      requests,
      rejected: stats.rejected,
      rejected_share: Number((stats.rejected / requests).toFixed(4)),
      server_peak: stats.peak,
      client_peak: file.metadata.parallel_peak ?? null,
      correct: file.summary.correct,
    };
    console.log(
      `limit ${String(limit).padStart(2)} --parallel ${String(parallel).padEnd(4)}${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}: ${(wallMs / 1000).toFixed(2)} s, ` +
        `${stats.rejected}/${requests} rejected (${((100 * stats.rejected) / requests).toFixed(1)}%), server peak ${stats.peak}, ${file.summary.correct} correct`,
    );
    return r;
  }
  try {
    for (const limit of LIMITS) {
      // Every contender REPS times, interleaved; each keeps its median run (by wall time).
      const contenders = [
        ['auto', null],
        [Math.max(1, limit / 2), null],
        [limit, null],
        [limit * 2, null],
        ['auto', '1'],
      ];
      const runs = contenders.map(() => []);
      for (let rep = 0; rep < REPS; rep++) for (const [i, [p, ra]] of contenders.entries()) runs[i].push(await measure(limit, p, ra));
      const [auto, ...rest] = runs.map(medianRun);
      const autoRetryAfter = rest.pop();
      const fixed = rest;
      const best = fixed.reduce((a, b) => (b.wall_ms < a.wall_ms ? b : a));
      results.limits[limit] = {
        auto,
        auto_retry_after: autoRetryAfter,
        fixed,
        best_fixed: best.parallel,
        auto_over_best: Number((auto.wall_ms / best.wall_ms).toFixed(4)),
        auto_retry_after_over_best: Number((autoRetryAfter.wall_ms / best.wall_ms).toFixed(4)),
        goals_met: auto.wall_ms / best.wall_ms <= 1.15 && auto.rejected_share <= 0.03,
      };
    }
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  results.load_average = [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))];
  writeRawFigures('parallel-auto', results);
  writeBenchmarksSection('parallel auto', section(results));
  console.log('written: bench/out/parallel-auto.json, BENCHMARKS.md (parallel auto)');
}

/** The run with the median wall time (of an even number, the faster middle one). */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.wall_ms - b.wall_ms);
  return { ...sorted[(sorted.length - 1) >> 1], wall_ms_all: runs.map((r) => r.wall_ms) };
}

function section(r) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  const rows = [];
  for (const [limit, x] of Object.entries(r.limits)) {
    const line = (label, run, ratio) =>
      rows.push(
        `| ${limit} | ${label} | ${s(run.wall_ms)} (${run.wall_ms_all.map(s).join(', ')}) | ${ratio === null ? '' : `**${ratio.toFixed(3)}**`} | ${run.rejected} of ${run.requests} (${pct(run.rejected_share)}) | ${run.client_peak ?? run.parallel} / ${run.server_peak} |`,
      );
    line('`--parallel auto`', x.auto, x.auto_over_best);
    line('`--parallel auto`, server sends `Retry-After: 1`', x.auto_retry_after, x.auto_retry_after_over_best);
    for (const f of x.fixed) line(`\`--parallel ${f.parallel}\`${f.parallel === x.best_fixed ? ' (best fixed)' : ''}`, f, null);
  }
  const verdicts = Object.entries(r.limits).map(
    ([limit, x]) =>
      `limit ${limit}: auto took ${x.auto_over_best.toFixed(3)}× the best fixed value's time with ${pct(x.auto.rejected_share)} of its requests rejected (${x.goals_met ? 'both goals met' : 'goal missed'})`,
  );
  return `## parallel auto

\`node bench/parallel-auto.mjs\` (${r.date}, Node ${r.node}; after \`npm run build\`; \`BENCH_LIMITS\`, \`BENCH_LATENCY_MS\`, \`BENCH_REPS\` change the ${Object.keys(r.limits).join(',')} / ${r.latency_ms} ms / ${r.reps} defaults). A fake server (its own process) answers each of the ${r.questions} questions after ${r.latency_ms} ms, and answers a request that arrives while \`limit\` are in progress with an immediate 429; the client is not told the limit. Each contender is a \`jmle-bench run\` (a fresh process), run ${r.reps} times interleaved with the others; the row is its median run (${r.reps === 2 ? 'of two, the faster; ' : ''}all wall times in brackets). Wall time is the run's own (result file's \`started_at\` → \`finished_at\`: start-up and data loading excluded, alike for all). Fixed values over the limit are rejected and retried with the usual backoff. The machine's 1-minute load average was ${r.load_average[0]} before and ${r.load_average[1]} after. Goals: auto ≤ 1.15 × the best fixed \`--parallel\`, ≤ 3% of requests rejected.

| hidden limit | contender | wall | auto / best fixed | rejected requests | peak in flight (client / server) |
|---|---|---|---|---|---|
${rows.join('\n')}

${verdicts.join('; ')}. How it works: \`src/providers/adaptive.ts\` (a slow start from 8, spread out in time and growing only as answers arrive, the level below the first rejection as the limit, a probe one slot above after 8, 16, 32… latencies). Raw figures: \`bench/out/parallel-auto.json\`.
`;
}

const [flag] = process.argv.slice(2);
if (flag === '--serve') await serve();
else await main();
