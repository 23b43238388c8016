#!/usr/bin/env node
// run overhead: `jmle-bench run` against the reference harness's own loop, side by side, as whole processes.
//
// One fake OpenAI-compatible server (its own process) answers every question of the 120th exam with its key
// after BENCH_LATENCY_MS (default 1000) and counts the requests in flight. Against it, BENCH_PARALLEL (default 32)
// in flight, every contender is a fresh process measured from spawn to exit — node's start-up, module loading,
// reading the data, the requests, scoring and writing the result file all included:
//   reference loop — bench/_reference-loop.mjs: benchmark.py's loop re-expressed in Node (dataset JSON, a pool
//                    of `parallel` workers, the reference's parsing and summary, indent-2 JSON) with a bare
//                    keep-alive node:http client standing in for the Python SDK
//   jmle-bench run — `node dist/cli/main.cjs run --model bench --base-url … --parallel 32 --no-progress --no-readme`
//   jmle-bench run --model random — the same CLI with the offline baseline: no HTTP, no waiting (what the runner
//                    itself costs, start-up included)
// CPU (user + system) and peak RSS come from the process itself at exit (bench/_rusage.cjs, preloaded in every
// contender); "to first request" is from spawn to the server seeing the first request. The contenders run
// interleaved BENCH_REPS times (default 3), after a first round that is not in the medians (jmle-bench writes its
// compile cache and prepares the exam there, in a cache folder of the bench's own); the tables give medians. Ideal wall = ceil(400 / parallel) × latency.
//
// Writes bench/out/run-overhead.json and the "run overhead" section of BENCHMARKS.md (`--render` rewrites the section
// from the last raw figures without measuring). Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { askedQuestion, benchDir, dataRoot, keyReply, median, questionsByText, repo, round, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 1000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 32);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const self = fileURLToPath(import.meta.url);
const rusage = join(repo, 'bench', '_rusage.cjs');

// ---------------------------------------------------------------- server (child)
async function serve() {
  const byText = await questionsByText();
  let inFlight = 0;
  let stats;
  const reset = () => (stats = { requests: 0, peak: 0, first: null, last: null });
  reset();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/reset') return (reset(), res.end('{}'));
      if (req.url === '/stats') return res.end(JSON.stringify(stats));
      const now = Date.now();
      stats.first ??= now;
      stats.requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { text, question } = askedQuestion(body, byText);
      inFlight++;
      stats.peak = Math.max(stats.peak, inFlight);
      setTimeout(() => {
        inFlight--;
        stats.last = Date.now();
        const out = keyReply(body, text, question, stats.requests);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      }, LATENCY);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

// ---------------------------------------------------------------- orchestrator
/** Run a command as a measured whole process: wall from spawn to exit, its own CPU and peak RSS. */
function measured(args, dir, env = {}) {
  const out = join(dir, `rusage-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolvePromise, reject) => {
    const spawnedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--require', rusage, ...args], {
      env: { ...process.env, BENCH_RUSAGE_OUT: out, JMLE_DATA_DIR: dataRoot, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-1000)}`));
      const u = JSON.parse(readFileSync(out, 'utf8'));
      resolvePromise({ spawnedAt, wallMs, cpuMs: u.userMs + u.systemMs, maxRssMB: u.maxRssKB / 1024 });
    });
  });
}

async function main() {
  const loadBefore = loadavg()[0];
  const server = spawn(process.execPath, [self, '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res) => server.stdout.once('data', (d) => res(Number(String(d).trim()))));
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/v1`;
  const post = async (path) => (await fetch(`${base}${path}`, { method: 'POST' })).json();
  const dataset = JSON.parse(readFileSync(join(dataRoot, 'jmle2026', 'jmle2026_dataset.json'), 'utf8'));
  const n = dataset.length;
  const idealMs = Math.ceil(n / PARALLEL) * LATENCY;
  const dir = mkdtempSync(join(tmpdir(), 'jmle-bench-overhead-'));
  const cli = join(repo, 'dist', 'cli', 'main.cjs');
  const contenders = {
    reference: (o) => [join(repo, 'bench', '_reference-loop.mjs'), dataRoot, url, String(PARALLEL), o],
    jmle: (o) => [
      cli,
      'run',
      '--model',
      'bench',
      '--base-url',
      url,
      '--parallel',
      String(PARALLEL),
      '--out',
      o,
      '--no-progress',
      '--no-readme',
      '--data-dir',
      dataRoot,
    ],
    offline: (o) => [cli, 'run', '--model', 'random', '--out', o, '--no-progress', '--no-readme', '--data-dir', dataRoot],
  };
  const runs = { reference: [], jmle: [], offline: [] };
  // jmle-bench's compile cache (README, "Commands") in a folder of the bench's own, empty at first: round 0,
  // unmeasured for the medians, is every contender's first run (jmle-bench's writes the cache, as a user's
  // first run of a command does); rounds 1… are what every later run is.
  const env = { JMLE_CACHE_DIR: join(dir, 'cache') };
  const firstRuns = {};
  try {
    for (let rep = 0; rep <= REPS; rep++) {
      for (const [name, args] of Object.entries(contenders)) {
        await post('/reset');
        const o = join(dir, `${name}-${rep}.json`);
        const m = await measured(args(o), dir, env);
        const st = await post('/stats');
        const file = JSON.parse(readFileSync(o, 'utf8'));
        const r = {
          ...m,
          correct: file.summary.correct,
          requests: st.requests,
          serverPeak: st.peak,
          toFirstRequestMs: st.first === null ? null : st.first - m.spawnedAt,
          // From the server's last reply to the process's exit: what the contender does after its last answer.
          afterLastReplyMs: st.last === null ? null : m.spawnedAt + m.wallMs - st.last,
        };
        if (rep === 0) firstRuns[name] = r;
        else runs[name].push(r);
        console.log(
          `${rep === 0 ? 'first run' : `rep ${rep}`} ${name.padEnd(9)} wall ${(r.wallMs / 1000).toFixed(2)} s, ${(r.cpuMs / n).toFixed(3)} ms CPU/question, peak RSS ${r.maxRssMB.toFixed(0)} MB, ` +
            `first request after ${r.toFirstRequestMs ?? '—'} ms, exit ${r.afterLastReplyMs === null ? '—' : Math.round(r.afterLastReplyMs)} ms after the last reply, ${r.requests} requests (peak ${r.serverPeak} in flight), ${r.correct} correct`,
        );
      }
    }
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const summarise = (rs) => ({
    wall_ms: Math.round(median(rs.map((r) => r.wallMs))),
    wall_over_ideal: round(median(rs.map((r) => r.wallMs)) / idealMs, 4),
    wall_ms_all: rs.map((r) => Math.round(r.wallMs)),
    cpu_ms_per_question: round(median(rs.map((r) => r.cpuMs / n)), 3),
    cpu_ms_per_question_all: rs.map((r) => round(r.cpuMs / n, 3)),
    max_rss_mb: round(median(rs.map((r) => r.maxRssMB)), 1),
    to_first_request_ms: rs[0].toFirstRequestMs === null ? null : Math.round(median(rs.map((r) => r.toFirstRequestMs))),
    after_first_request_ms: rs[0].toFirstRequestMs === null ? null : Math.round(median(rs.map((r) => r.wallMs - r.toFirstRequestMs))),
    after_last_reply_ms: rs[0].afterLastReplyMs === null ? null : Math.round(median(rs.map((r) => r.afterLastReplyMs))),
    server_peak_in_flight: Math.max(...rs.map((r) => r.serverPeak)),
    requests: rs[0].requests,
    correct: rs[0].correct,
  });
  const results = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    latency_ms: LATENCY,
    parallel: PARALLEL,
    questions: n,
    reps: REPS,
    ideal_ms: idealMs,
    load_average: [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))],
    contenders: { reference_loop: summarise(runs.reference), jmle_bench_run: summarise(runs.jmle), jmle_bench_run_offline: summarise(runs.offline) },
    // The unmeasured first round: jmle-bench with its compile cache still empty.
    first_run: {
      reference_loop: summarise([firstRuns.reference]),
      jmle_bench_run: summarise([firstRuns.jmle]),
    },
  };
  writeRawFigures('run-overhead', results);
  writeBenchmarksSection('run overhead', section(results));
  console.log('written: bench/out/run-overhead.json, BENCHMARKS.md (run overhead)');
}

function section(r) {
  const { reference_loop: ref, jmle_bench_run: jb, jmle_bench_run_offline: off } = r.contenders;
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const row = (label, x, http) =>
    `| ${label} | ${s(x.wall_ms)} | ${http ? x.wall_over_ideal.toFixed(3) : '—'} | ${x.cpu_ms_per_question.toFixed(3)} ms | ${x.max_rss_mb.toFixed(0)} MB | ${x.to_first_request_ms === null ? '—' : `${x.to_first_request_ms} ms`} | ${x.after_last_reply_ms == null ? '—' : `${x.after_last_reply_ms} ms`} | ${http ? x.server_peak_in_flight : '—'} |`;
  const dWall = jb.wall_ms - ref.wall_ms;
  // In ms: a difference this small would read as "0.00 s".
  const verdict =
    dWall === 0
      ? `\`jmle-bench run\` and the reference loop finished with the same median wall time (${s(jb.wall_ms)})`
      : `\`jmle-bench run\` finished ${Math.abs(dWall)} ms ${dWall < 0 ? 'sooner' : 'later'} than the reference loop (median wall time)`;
  const after = (x) => x.after_first_request_ms;
  // Side by side: the contenders ran interleaved, so run i of each shared the machine's state of the moment.
  const pairs = ref.wall_ms_all.map((w, i) => jb.wall_ms_all[i] - w).filter((d) => Number.isFinite(d));
  const paired = pairs.length
    ? ` In the ${pairs.length} interleaved pairs jmle-bench finished first ${pairs.filter((d) => d < 0).length} times, the loop ${pairs.filter((d) => d > 0).length} times (paired median difference ${median(pairs) > 0 ? '+' : ''}${median(pairs).toFixed(0)} ms, jmle-bench minus the loop).`
    : '';
  const split = `Start-up, from spawn to the first request: ${ref.to_first_request_ms} ms for the loop, ${jb.to_first_request_ms} ms for jmle-bench (node, the CLI bundle, the exam (its questions read back as they were prepared and checked on the first run, README "Commands"), the provider; the header and the journal come once the first requests are out; the loop builds its ${r.parallel} first requests before any goes out, jmle-bench's workers start one per turn of the event loop, each first request leaving as it is built); from the first request to exit (medians of each run's own figure), the loop took ${s(after(ref))} and jmle-bench ${s(after(jb))}${ref.after_last_reply_ms == null ? '' : `, of which ${ref.after_last_reply_ms} ms and ${jb.after_last_reply_ms} ms after the last reply (jmle-bench: the summary with its statistics, the fsynced result file, the journal removed)`}`;
  return `## run overhead

\`node bench/run-overhead.mjs\` (${r.date}, Node ${r.node}; after \`npm run build\`; \`BENCH_LATENCY_MS\`, \`BENCH_PARALLEL\`, \`BENCH_REPS\` change the ${r.latency_ms} ms / ${r.parallel} / ${r.reps} defaults). One fake OpenAI-compatible server (its own process) answers each of the ${r.questions} questions with its key after ${r.latency_ms} ms. Every figure is **whole-process**: each contender is a fresh \`node\` process measured from spawn to exit, so start-up, module loading, reading the data, the requests, scoring and writing the result file are all included; CPU (user + system) and peak RSS are the process's own, read at exit. The contenders ran interleaved, ${r.reps} times; medians. The machine's 1-minute load average was ${r.load_average[0]} before and ${r.load_average[1]} after (other work shares it; start-up times move most with it). Ideal wall time = ceil(${r.questions}/${r.parallel}) × ${r.latency_ms / 1000} s = ${s(r.ideal_ms)}.

| contender (${r.parallel} in flight, ${r.latency_ms} ms latency) | wall | wall / ideal | CPU / question | peak RSS | spawn → first request | last reply → exit | server peak in flight |
|---|---|---|---|---|---|---|---|
${row("reference loop: benchmark.py's loop in Node, bare keep-alive `node:http` client, no SDK", ref, true)}
${row('`jmle-bench run` (chat completions over `node:http`, no SDK; fsynced journal, atomic result file)', jb, true)}
${row('`jmle-bench run --model random` (offline: no HTTP, no waiting)', off, false)}

${verdict}.${paired} (Wall times per run: reference ${ref.wall_ms_all.map(s).join(', ')}; jmle-bench ${jb.wall_ms_all.map(s).join(', ')}). ${split}. ${firstRunNote(r)}jmle-bench used ${(jb.cpu_ms_per_question / ref.cpu_ms_per_question).toFixed(2)}× its CPU per question and ${(jb.max_rss_mb / ref.max_rss_mb).toFixed(2)}× its peak memory. Both answered ${ref.correct} / ${jb.correct} questions correctly with ${ref.requests} / ${jb.requests} requests. Raw figures: \`bench/out/run-overhead.json\`.
`;
}

/** What the first round (not in the medians) says: jmle-bench with its compile cache still empty. */
function firstRunNote(r) {
  if (!r.first_run) return '';
  const { reference_loop: ref, jmle_bench_run: jb } = r.first_run;
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return `These are runs after the first: a first, unmeasured round ran every contender once, in which jmle-bench compiled its code and wrote its compile cache, and read, checked and kept the exam's questions (README, "Commands"), as a user's first run does; in that round jmle-bench took ${s(jb.wall_ms)} with its first request after ${jb.to_first_request_ms} ms, and the loop ${s(ref.wall_ms)} and ${ref.to_first_request_ms} ms. `;
}

const [flag] = process.argv.slice(2);
if (flag === '--serve') await serve();
else if (flag === '--render') writeBenchmarksSection('run overhead', section(JSON.parse(readFileSync(join(benchDir, 'out', 'run-overhead.json'), 'utf8'))));
else await main();
