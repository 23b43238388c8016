// Preloaded (`node --import ./bench/_rusage.mjs …`) into a process a benchmark measures whole: at exit it
// writes the process's own resource usage (CPU since start-up, peak RSS) to $BENCH_RUSAGE_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_RUSAGE_OUT;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKB: u.maxRSS }));
  });
}
