#!/usr/bin/env node
// run overhead: how close `jmle-bench run` gets to the ideal wall time, and what it costs in CPU and memory.
//
// A fake OpenAI-compatible server (a child process) answers every question with the gold key after a
// fixed latency (BENCH_LATENCY_MS, default 1000). 400 questions at --parallel 32 (BENCH_PARALLEL):
//   ideal wall = ceil(400 / 32) × latency.
// Each runner is a child process of its own, measured with process.cpuUsage() and resourceUsage().maxRSS:
//   pool   — jmle-bench's runner, in a fresh process (cold: JIT warm-up and first connections included)
//   pool-warm — the same after one unmeasured run in the same process (steady state)
//            (runBenchmark: worker pool, retry/limit wrappers, journal, atomic result file)
//   batch  — the reference-style sequential-batch approach (send `parallel`, wait for the whole batch, repeat)
//   runner-only — the offline random provider through runBenchmark: the runner's own CPU, without HTTP
//   cli    — the real CLI end to end (node startup and data loading included; wall time only)
// A second scenario gives each question its own latency (0.5–1.5 × latency, seeded), where batches wait
// for their slowest member; its lower bound is total latency / parallel.
//
// Writes bench/out/run-overhead.json. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dataRoot, repo, writeRawFigures } from './_shared.mjs';
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 1000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 32);
const lib = () => import(pathToFileURL(join(repo, 'dist', 'index.js')).href);

function hashUnit(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}
const latencyOf = (id, variable) => (variable ? LATENCY * (0.5 + hashUnit(id)) : LATENCY);

// ---------------------------------------------------------------- server (child)
async function serve() {
  const { loadExam, userText } = await lib();
  const { exam } = loadExam({ dataDir: dataRoot });
  const byText = new Map(exam.questions.map((q) => [userText(q), q]));
  let variable = false;
  let inFlight = 0;
  let peak = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/reset') {
        variable = req.headers['x-variable'] === '1';
        peak = 0;
        requests = 0;
        res.end('{}');
        return;
      }
      if (req.url === '/stats') {
        res.end(JSON.stringify({ peak, requests }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const user = body.messages.find((m) => m.role === 'user');
      const text = typeof user.content === 'string' ? user.content : user.content.find((p) => p.type === 'text').text;
      const q = byText.get(text);
      inFlight++;
      requests++;
      peak = Math.max(peak, inFlight);
      setTimeout(
        () => {
          inFlight--;
          const out = JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: `【回答】${q.answer.join(',')}` }, finish_reason: 'stop' }],
            usage: { prompt_tokens: text.length, completion_tokens: 8, total_tokens: text.length + 8 },
          });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
          res.end(out);
        },
        latencyOf(q.id, variable),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

// ---------------------------------------------------------------- runners (child)
async function client(mode, url, warm) {
  const { loadExam, openAICompatible, randomProvider, runBenchmark, buildPrompt, scoreResponse, computeSummary, writeResultFile } = await lib();
  const { exam } = loadExam({ dataDir: dataRoot });
  const dir = mkdtempSync(join(tmpdir(), 'jmle-bench-'));
  const provider = openAICompatible({ baseUrl: url, apiKey: 'EMPTY', timeoutS: 300 });
  if (warm === 'warm') {
    // The same run once before measuring: JIT compilation and first connections are then paid already,
    // which is what CPU per question looks like over a long run (several exams, many models).
    await runBenchmark({ exam, model: 'bench', provider, out: join(dir, 'warmup.json'), parallel: PARALLEL, baseUrl: url });
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let correct;
  if (mode === 'offline') {
    // The runner alone (no HTTP): the offline random baseline through the same pool, journal and file writing.
    const r = await runBenchmark({ exam, model: 'random', provider: randomProvider(1), out: join(dir, 'out.json'), parallel: PARALLEL });
    correct = r.summary.correct;
  } else if (mode === 'pool') {
    const r = await runBenchmark({ exam, model: 'bench', provider, out: join(dir, 'out.json'), parallel: PARALLEL, baseUrl: url });
    correct = r.summary.correct;
  } else {
    // Reference-style: a batch of `parallel` requests, wait for all of them, then the next batch.
    const records = [];
    for (let i = 0; i < exam.questions.length; i += PARALLEL) {
      const batch = exam.questions.slice(i, i + PARALLEL);
      const done = await Promise.all(
        batch.map(async (q) => {
          const c = await provider.complete({ model: 'bench', messages: buildPrompt(exam, q, 'blind').messages, question: q });
          const s = scoreResponse(q, c.content, c.reasoning);
          return {
            question_id: q.id,
            predicted: s.predicted,
            gold: s.gold,
            correct: s.correct,
            raw_response: c.content,
            parse_success: s.parse_success,
            error: null,
          };
        }),
      );
      records.push(...done);
    }
    records.sort((a, b) => (a.question_id < b.question_id ? -1 : 1));
    const summary = computeSummary(records, exam);
    await writeResultFile(join(dir, 'out.json'), { metadata: { model: 'bench' }, summary, results: records });
    correct = summary.correct;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    JSON.stringify({
      mode,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      userMs: cpu.user / 1000,
      sysMs: cpu.system / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      correct,
      questions: exam.questions.length,
    }) + '\n',
  );
}

// ---------------------------------------------------------------- orchestrator
function run(args, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function main() {
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res) => server.stdout.once('data', (d) => res(Number(String(d).trim()))));
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/v1`;
  const reset = (variable) => fetch(`${base}/reset`, { method: 'POST', headers: { 'x-variable': variable ? '1' : '0' } });
  const stats = async () => (await fetch(`${base}/stats`, { method: 'POST' })).json();
  const { loadExam } = await lib();
  const { exam } = loadExam({ dataDir: dataRoot });
  const n = exam.questions.length;
  const results = { latency_ms: LATENCY, parallel: PARALLEL, questions: n, node: process.version, scenarios: {} };
  try {
    for (const variable of [false, true]) {
      const name = variable ? 'variable_latency' : 'fixed_latency';
      const sum = exam.questions.reduce((s, q) => s + latencyOf(q.id, variable), 0);
      const ideal = variable ? sum / PARALLEL : Math.ceil(n / PARALLEL) * LATENCY;
      const sc = { ideal_ms: Math.round(ideal), runs: {} };
      const modes = variable ? ['pool', 'batch'] : ['pool', 'pool-warm', 'batch'];
      for (const m of modes) {
        const mode = m === 'pool-warm' ? 'pool' : m;
        await reset(variable);
        const r = JSON.parse(await run([fileURLToPath(import.meta.url), '--client', mode, url, m === 'pool-warm' ? 'warm' : 'cold']));
        const st = await stats();
        sc.runs[m] = {
          wall_ms: Math.round(r.wallMs),
          wall_over_ideal: Number((r.wallMs / ideal).toFixed(4)),
          cpu_ms_per_question: Number((r.cpuMs / n).toFixed(3)),
          user_ms_per_question: Number((r.userMs / n).toFixed(3)),
          sys_ms_per_question: Number((r.sysMs / n).toFixed(3)),
          max_rss_mb: Number(r.maxRssMB.toFixed(1)),
          server_peak_in_flight: st.peak,
          requests: m === 'pool-warm' ? st.requests / 2 : st.requests,
          correct: r.correct,
        };
        console.log(
          `${name.padEnd(17)} ${m.padEnd(9)} wall ${(r.wallMs / 1000).toFixed(2)}s = ${(r.wallMs / ideal).toFixed(3)}× ideal (${(ideal / 1000).toFixed(2)}s), ${(r.cpuMs / n).toFixed(3)} ms CPU/question (user ${(r.userMs / n).toFixed(3)}, sys ${(r.sysMs / n).toFixed(3)}), peak RSS ${r.maxRssMB.toFixed(0)} MB, server peak ${st.peak}`,
        );
      }
      if (!variable) {
        await reset(false);
        const dir = mkdtempSync(join(tmpdir(), 'jmle-bench-cli-'));
        const t0 = performance.now();
        await run([
          join(repo, 'dist', 'cli', 'main.js'),
          'run',
          '--model',
          'bench',
          '--base-url',
          url,
          '--parallel',
          String(PARALLEL),
          '--out',
          join(dir, 'o.json'),
          '--no-progress',
          '--no-readme',
          '--json',
          '--data-dir',
          dataRoot,
        ]);
        const wall = performance.now() - t0;
        rmSync(dir, { recursive: true, force: true });
        sc.runs.cli = { wall_ms: Math.round(wall), wall_over_ideal: Number((wall / ideal).toFixed(4)) };
        console.log(
          `${name.padEnd(17)} cli       wall ${(wall / 1000).toFixed(2)}s = ${(wall / ideal).toFixed(3)}× ideal (process start and data loading included)`,
        );
      }
      if (!variable) {
        const r = JSON.parse(await run([fileURLToPath(import.meta.url), '--client', 'offline', url, 'cold']));
        sc.runs.runner_only = { wall_ms: Math.round(r.wallMs), cpu_ms_per_question: Number((r.cpuMs / n).toFixed(3)) };
        console.log(`${name.padEnd(17)} runner-only (offline provider, no HTTP): ${(r.cpuMs / n).toFixed(3)} ms CPU/question`);
      }
      results.scenarios[name] = sc;
    }
  } finally {
    server.kill();
  }
  const f = results.scenarios.fixed_latency.runs.pool;
  const w = results.scenarios.fixed_latency.runs['pool-warm'];
  results.targets = {
    within_5pct_of_ideal: f.wall_over_ideal <= 1.05,
    under_1ms_cpu_per_question_cold: f.cpu_ms_per_question < 1,
    under_1ms_cpu_per_question_warm: w.cpu_ms_per_question < 1,
  };
  writeRawFigures('run-overhead', results);
  console.log(`targets: ${JSON.stringify(results.targets)}`);
  console.log('written: bench/out/run-overhead.json');
}

const [flag, a, b, c] = process.argv.slice(2);
if (flag === '--serve') await serve();
else if (flag === '--client') await client(a, b, c);
else await main();
