// What every benchmark script shares: where things are, and how results are written
// (raw figures to bench/out/<name>.json, a summary section to BENCHMARKS.md).
// The leading underscore keeps run-all.mjs from running this file as a benchmark.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(benchDir, '..');
/** The real data (a data root): $JMLE_DATA_DIR, else ../shared/data. */
export const dataRoot = resolve(process.env.JMLE_DATA_DIR ?? join(repo, '..', 'shared', 'data'));
export const resultsDir = join(dataRoot, 'jmle2026', 'results');

/** Write the raw figures to bench/out/<name>.json. */
export function writeRawFigures(name, data) {
  mkdirSync(join(benchDir, 'out'), { recursive: true });
  writeFileSync(join(benchDir, 'out', `${name}.json`), JSON.stringify(data, null, 2) + '\n');
}

/**
 * Replace (or append) the `## <name>` section of BENCHMARKS.md with `section`
 * (which starts with that heading), keeping a blank line before the next section.
 */
export function writeBenchmarksSection(name, section) {
  const mdPath = join(repo, 'BENCHMARKS.md');
  let doc = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
  const body = section.replace(/\n*$/, '\n');
  const start = doc.indexOf(`\n## ${name}\n`);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start + 1) + body + (next >= 0 ? `\n${doc.slice(next + 1)}` : '');
  } else {
    doc = doc.replace(/\n*$/, '\n\n') + body;
  }
  writeFileSync(mdPath, doc);
}
