#!/usr/bin/env node
// Start-up cost of the CLI: `jmle-bench --help` and `jmle-bench exams --help` against bare `node -e 0`,
// measured alternately in one run (the machine is shared: interleaving keeps drift out of the ratio).
// Whole-process figures: process start, module loading and the command's own work.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, repo, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';

const CLI = join(repo, 'dist', 'cli', 'main.cjs');
const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 40);
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'jmle-bench --help': [process.execPath, [CLI, '--help']],
  'jmle-bench run --help': [process.execPath, [CLI, 'run', '--help']],
  'jmle-bench leaderboard --help': [process.execPath, [CLI, 'leaderboard', '--help']],
};

// The CLI's compile cache in a folder of the bench's own: round 0, not in the medians, writes it (as a user's first
// run of each command does); the others are every later run.
const cacheDir = mkdtempSync(join(tmpdir(), 'jmle-bench-startup-'));
const env = { ...process.env, JMLE_CACHE_DIR: cacheDir };
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const firstRun = {};
for (let i = 0; i <= ROUNDS; i++) {
  for (const [name, [cmd, args]] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    if (i === 0) firstRun[name] = ms;
    else times[name].push(ms);
  }
}
rmSync(cacheDir, { recursive: true, force: true });
const base = median(times['node -e 0']);
const rows = Object.entries(times).map(([name, xs]) => ({ name, median_ms: median(xs), over_node_ms: median(xs) - base }));
writeRawFigures('startup', { node: process.version, rounds: ROUNDS, rows, times, first_run: firstRun });
const table = rows
  .map((r) => `| \`${r.name}\` | ${r.median_ms.toFixed(1)} ms | ${r.name === 'node -e 0' ? '—' : `+${r.over_node_ms.toFixed(1)} ms`} |`)
  .join('\n');
writeBenchmarksSection(
  'start-up',
  `## start-up

\`node bench/startup.mjs\` (${new Date().toISOString().slice(0, 10)}, Node ${process.version}): whole processes (start, module loading, the command's work), each started ${ROUNDS} times, the cases alternating so that load on the machine falls on all alike; medians. Goal: \`jmle-bench --help\` under 150 ms over bare \`node\`. The CLI is one bundle (\`scripts/build-cli.mjs\`): \`--help\` loads its entry and its \`core\` chunk (the modules \`run\` needs before its first request); commands load only when they run (\`src/cli/commands/index.ts\`), so \`--help\` loads no command, SDK, chart renderer or viewer. The program loads the bundle with its compile cache (README, "Commands"): a first round, not in the medians, wrote it (\`jmle-bench --help\` took ${firstRun['jmle-bench --help'].toFixed(1)} ms then), as a user's first run of each command does.

| Command | Median | Over bare node |
|---------|--------|----------------|
${table}

Raw figures: \`bench/out/startup.json\`.
`,
);
console.log(rows.map((r) => `${r.name}: ${r.median_ms.toFixed(1)} ms (+${r.over_node_ms.toFixed(1)})`).join('\n'));
