// Preloaded (`node --require ./bench/_rusage.cjs …`) into a process a benchmark measures whole: at exit it
// writes the process's own resource usage (CPU since start-up, peak RSS) to $BENCH_RUSAGE_OUT.
//
// CommonJS, preloaded with --require: an ES module preloaded with --import would start Node's ES module loader in
// every process, which a CommonJS program (the jmle-bench program, dist/cli/main.cjs) otherwise never loads
// (~8 ms of start-up measured side by side), while an ES module program (the reference loop) loads it anyway.
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.BENCH_RUSAGE_OUT;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKB: u.maxRSS }));
  });
}
