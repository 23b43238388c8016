#!/usr/bin/env node
// Leaderboard at scale: 100 result files (copies of the 10 real ones under different
// display names, in a temp folder), each rescored against the dataset, then both tables
// built, with and without bootstrap CIs, and the chart rendered.
// Writes bench/out/leaderboard.json and the "## leaderboard" section of BENCHMARKS.md.
// Needs `npm run build` first (imports dist/).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dataRoot, repo, resultsDir, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';
const COPIES = 100;

const lib = await import(join(repo, 'dist', 'index.js'));
const { renderChartSvg, renderPng, leaderboardMarkdown } = lib;
// The chart's bars are internal to the chart module (the library's writeChart takes a leaderboard).
const { chartEntries } = await import(join(repo, 'dist', 'reports', 'chart.js'));

let heapPeak = 0;
const sampleHeap = () => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
};
const timer = setInterval(sampleHeap, 5);

async function time(fn) {
  sampleHeap();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  sampleHeap();
  return { ms: Math.round(ms * 10) / 10, value };
}

const tmp = mkdtempSync(join(tmpdir(), 'jmle-bench-leaderboard-'));
try {
  // 100 files: the 10 real ones, each copied 10 times with a distinct display name.
  const sources = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  let bytes = 0;
  for (let i = 0; i < COPIES; i++) {
    const src = sources[i % sources.length];
    const data = JSON.parse(readFileSync(join(resultsDir, src), 'utf8'));
    data.metadata.display_name = `${data.metadata.display_name || data.metadata.model} #${i}`;
    const text = JSON.stringify(data, null, 2);
    bytes += Buffer.byteLength(text);
    writeFileSync(join(tmp, `run-${String(i).padStart(3, '0')}.json`), text);
  }

  // Load the exam once first so the timings below are about the result files.
  const examLoad = await time(() => lib.loadExam({ dataDir: dataRoot }));
  const load = await time(() => lib.loadResultDir(tmp, { dataDir: dataRoot }));
  const { runs, skipped } = load.value;
  if (runs.length !== COPIES || skipped.length) throw new Error(`expected ${COPIES} runs, got ${runs.length} (${skipped.length} skipped)`);
  const build = await time(() => lib.buildLeaderboard(runs));
  const md = await time(() => leaderboardMarkdown(build.value));
  const buildCi = await time(() => lib.buildLeaderboard(runs, { uncertainty: true }));
  const svg = await time(() => renderChartSvg(chartEntries(build.value)));
  const png = await time(() => renderPng(svg.value.svg, 2));
  clearInterval(timer);
  sampleHeap();

  const ru = process.resourceUsage();
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    files: COPIES,
    input_mb: Math.round((bytes / 1e6) * 10) / 10,
    exam_load_ms: examLoad.ms,
    load_and_rescore_ms: load.ms,
    per_file_ms: Math.round((load.ms / COPIES) * 100) / 100,
    build_tables_ms: build.ms,
    render_markdown_ms: md.ms,
    build_tables_with_uncertainty_ms: buildCi.ms,
    resamples: buildCi.value.uncertainty.resamples,
    rows_with_statistics: buildCi.value.all.length + buildCi.value.text.length,
    chart_svg_ms: svg.ms,
    chart_png_ms: png.ms,
    png_bytes: png.value.length,
    peak_rss_mb: Math.round(ru.maxRSS / 1024),
    peak_heap_mb: Math.round(heapPeak / 1e6),
  };
  writeRawFigures('leaderboard', result);
  console.log(JSON.stringify(result, null, 2));

  const section = [
    '## leaderboard',
    '',
    `\`node bench/leaderboard.mjs\` (${result.at.slice(0, 10)}, Node ${result.node}): ${COPIES} result files (${result.input_mb} MB; copies of the 10 real runs under distinct names, in a temp folder), each read, validated and rescored against the dataset, then both tables built.`,
    '',
    '| Step | Time |',
    '|------|------|',
    `| load + rescore ${COPIES} files | ${result.load_and_rescore_ms} ms (${result.per_file_ms} ms per file) |`,
    `| build both tables | ${result.build_tables_ms} ms |`,
    `| build both tables with intervals, P(pass) in both readings and rank ranges (${result.rows_with_statistics} rows, ${result.resamples} joint resamples per table) | ${result.build_tables_with_uncertainty_ms} ms |`,
    `| chart SVG / PNG (resvg, 2×) | ${result.chart_svg_ms} ms / ${result.chart_png_ms} ms |`,
    '',
    'The statistics are those of `leaderboard --format json` (README, "Uncertainty"): every row of a table resampled jointly on the same cases, so rank ranges are paired. The chart gives Latin-only text Latin fonts, since shaping with the CJK collection font costs resvg ~20 ms per text element (the PNG took 14 s when measured during development).',
    '',
    `Peak memory: ${result.peak_rss_mb} MB RSS (maxRSS of the whole process, exam and fonts included), ${result.peak_heap_mb} MB JS heap. Loading the exam once: ${result.exam_load_ms} ms. Raw figures: \`bench/out/leaderboard.json\`.`,
    '',
  ].join('\n');
  writeBenchmarksSection('leaderboard', section);
} finally {
  clearInterval(timer);
  rmSync(tmp, { recursive: true, force: true });
}
