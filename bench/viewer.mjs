#!/usr/bin/env node
// The results viewer at scale: the 10 real result files plus 20 copies (30 runs, in a
// temp folder), served by `jmle-bench view` (in-process, built dist/), driven by
// Debian's Chromium through playwright-core. Measures server start (load + rescore +
// intervals), time until the leaderboard is interactive in a fresh browser context, first
// opening of a model, question switching, the question matrix with every run as a column,
// search over every run's responses, and the static export.
// Writes bench/out/viewer.json and the "## viewer" section of BENCHMARKS.md.
// Needs `npm run build` first (imports dist/, serves dist/viewer/app/).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { dataRoot, median, repo, resultsDir, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';
const COPIES = 20;
const LOADS = 7;
const SWITCHES = 20;
const MATRIX_LOADS = 5;

const { startViewer } = await import(join(repo, 'dist', 'viewer', 'server.js'));
const { exportSite } = await import(join(repo, 'dist', 'viewer', 'export.js'));

const round = (x) => Math.round(x * 10) / 10;

// The machine may be shared: its load when the bench starts is part of the figures.
const loadAtStart = loadavg()[0];
const tmp = mkdtempSync(join(tmpdir(), 'jmle-bench-viewer-'));
const dir = join(tmp, 'results');
mkdirSync(dir);
const sources = readdirSync(resultsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const f of sources) copyFileSync(join(resultsDir, f), join(dir, f));
for (let i = 0; i < COPIES; i++) {
  const f = sources[i % sources.length];
  const data = JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
  data.metadata.display_name = `${data.metadata.display_name ?? data.metadata.model} (copy ${i + 1})`;
  writeFileSync(join(dir, `copy${String(i + 1).padStart(2, '0')}_${f}`), JSON.stringify(data));
}
const files = readdirSync(dir).length;

let t0 = performance.now();
const viewer = await startViewer({ resultsDir: dir, port: 0, dataDir: dataRoot });
const serverStartMs = performance.now() - t0;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  // Leaderboard: fresh context each time (no cache); interactive = table rendered with
  // every run and the app's handlers attached (data-ready), then one sort click handled.
  const loads = [];
  const inPage = [];
  const sorted = [];
  let leaderboardBytes = 0;
  for (let i = 0; i < LOADS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    page.on('response', async (r) => {
      if (r.url().endsWith('/api/exams/120/leaderboard')) leaderboardBytes = (await r.body()).length;
    });
    t0 = performance.now();
    await page.goto(viewer.url);
    await page.waitForFunction((n) => document.querySelector('#app[data-ready]') && document.querySelectorAll('table.board tbody tr').length === n, files);
    loads.push(performance.now() - t0);
    inPage.push(await page.evaluate(() => performance.now()));
    t0 = performance.now();
    await page.locator('th[data-key=model] button').click();
    await page.waitForSelector('th[data-key=model][aria-sort=ascending]');
    sorted.push(performance.now() - t0);
    await ctx.close();
  }

  // A model opened for the first time (records fetched, rescored server-side, list of 400 drawn).
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(viewer.url);
  await page.waitForSelector('#app[data-ready]');
  const firstRun = await page.locator('table.board tbody tr').first().getAttribute('data-run');
  t0 = performance.now();
  await page.locator('table.board tbody tr td.model a').first().click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=question-list] tbody tr').length === 400);
  const modelOpenMs = performance.now() - t0;
  // Reopen it (client cache).
  await page.goto(`${viewer.url}#/`);
  await page.waitForSelector('table.board');
  t0 = performance.now();
  await page.goto(`${viewer.url}#/model/${firstRun}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=question-list] tbody tr').length === 400);
  const modelReopenMs = performance.now() - t0;

  // Question switching in the model view (next → detail of the next question).
  await page.locator('[data-testid=question-list] tbody tr').first().click();
  await page.waitForSelector('[data-testid=detail] section.question');
  const modelSwitch = [];
  for (let i = 0; i < SWITCHES; i++) {
    const before = await page.locator('[data-testid=detail] section.question').getAttribute('data-qid');
    t0 = performance.now();
    await page.locator('[data-testid=detail] [data-testid=next]').click();
    await page.waitForFunction((b) => document.querySelector('[data-testid=detail] section.question')?.getAttribute('data-qid') !== b, before);
    modelSwitch.push(performance.now() - t0);
  }

  // Question view comparing 5 models: after their first load, switching is client-side.
  const five = await page.evaluate(async () => (await (await fetch('api/exams/120/leaderboard')).json()).runs.slice(0, 5).map((r) => r.id));
  await page.goto(`${viewer.url}#/question/120A-1?models=${five.join(',')}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer:not(.loading)').length === 5);
  const questionSwitch = [];
  for (let i = 0; i < SWITCHES; i++) {
    const before = await page.locator('[data-testid=question-detail] section.question').getAttribute('data-qid');
    t0 = performance.now();
    await page.locator('[data-testid=question-detail] [data-testid=next]').click();
    await page.waitForFunction(
      (b) =>
        document.querySelector('[data-testid=question-detail] section.question')?.getAttribute('data-qid') !== b &&
        document.querySelectorAll('[data-testid=answers] article.answer:not(.loading)').length === 5,
      before,
    );
    questionSwitch.push(performance.now() - t0);
  }
  await ctx.close();

  // The question matrix with every run as a column (30 × 400): fresh context, navigation →
  // the first rows drawn and the app ready (interactive), and → every row drawn; then a
  // filter change (all wrong), and a click on a cell opening that answer.
  const ids = await (async () => {
    const c = await browser.newContext();
    const p = await c.newPage();
    await p.goto(viewer.url);
    const list = await p.evaluate(async () => (await (await fetch('api/exams/120/leaderboard')).json()).runs.map((r) => r.id));
    await c.close();
    return list;
  })();
  const matrixHash = `#/matrix?models=${ids.join(',')}`;
  const matrixReady = [];
  const matrixShownInPage = [];
  const matrixCompleteInPage = [];
  const matrixComplete = [];
  const matrixFilter = [];
  const matrixClick = [];
  for (let i = 0; i < MATRIX_LOADS; i++) {
    const c = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const p = await c.newPage();
    t0 = performance.now();
    await p.goto(viewer.url + matrixHash);
    await p.waitForFunction(
      (n) => document.querySelector('#app[data-ready]') && document.querySelectorAll('[data-testid=matrix] tbody tr:first-child td.mx').length === n,
      ids.length,
    );
    matrixReady.push(performance.now() - t0);
    await p.waitForSelector('[data-testid=matrix][data-complete]');
    matrixComplete.push(performance.now() - t0);
    // The page's own clock (from navigation start): when the first rows were painted, and every row.
    const marks = await p.evaluate(() => ({
      shown: performance.getEntriesByName('matrix-rows-shown')[0]?.startTime ?? null,
      complete: performance.getEntriesByName('matrix-complete')[0]?.startTime ?? null,
    }));
    matrixShownInPage.push(marks.shown);
    matrixCompleteInPage.push(marks.complete);
    t0 = performance.now();
    await p.locator('select[data-filter=show]').selectOption('all-wrong');
    await p.waitForFunction(
      () =>
        document.getElementById('app')?.dataset.rendered === window.location.hash &&
        document.querySelector('#app[data-ready] [data-testid=matrix][data-complete]'),
    );
    matrixFilter.push(performance.now() - t0);
    t0 = performance.now();
    await p.locator('[data-testid=matrix] tbody tr td.mx').first().click();
    await p.waitForSelector('#app[data-ready] .view.model [data-testid=detail] section.question');
    matrixClick.push(performance.now() - t0);
    await c.close();
  }

  // Search over the responses of all 30 runs (question text, choices, answers and reasoning):
  // the runs' records are fetched first (timed on their own), then each query is timed from
  // Enter to the matrix redrawn with its matches.
  const sctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const sp = await sctx.newPage();
  await sp.goto(viewer.url + matrixHash);
  await sp.waitForSelector('#app[data-ready] [data-testid=matrix][data-complete]');
  t0 = performance.now();
  await sp.locator('[data-testid=search]').fill('肺炎');
  await sp.keyboard.press('Enter');
  await sp.waitForFunction(() => {
    const s = document.querySelector('[data-testid=matrix-summary]')?.textContent ?? '';
    return s.includes('matching') && !s.includes('loading') && document.querySelector('[data-testid=matrix][data-complete]');
  });
  const searchLoadMs = performance.now() - t0;
  const searchTimes = [];
  const words = ['敗血症', 'ステロイド', 'CT', '禁忌', '心電図', 'カリウム', '妊娠', '小児', '感染', '手術'];
  for (const w of words) {
    const box = sp.locator('[data-testid=search]');
    await box.fill(w);
    t0 = performance.now();
    await box.press('Enter');
    await sp.waitForFunction((q) => {
      const app = document.getElementById('app');
      const s = document.querySelector('[data-testid=matrix-summary]')?.textContent ?? '';
      return (
        app?.dataset.rendered === window.location.hash &&
        app.hasAttribute('data-ready') &&
        s.includes(`“${q}”`) &&
        document.querySelector('[data-testid=matrix] tbody tr')
      );
    }, w);
    searchTimes.push(performance.now() - t0);
  }
  const inPageSearch = await sp.evaluate(() => performance.getEntriesByName('search').map((e) => e.duration));
  await sctx.close();

  t0 = performance.now();
  const report = exportSite(join(tmp, 'site'), { resultsDir: dir, dataDir: dataRoot });
  const exportMs = performance.now() - t0;

  const out = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cores: cpus().length,
    load_average_at_start: Math.round(loadAtStart * 10) / 10,
    files,
    server_start_ms: round(serverStartMs),
    leaderboard_json_bytes: leaderboardBytes,
    leaderboard_interactive_ms: { median: round(median(loads)), max: round(Math.max(...loads)), runs: loads.map(round) },
    leaderboard_interactive_in_page_ms: { median: round(median(inPage)), max: round(Math.max(...inPage)) },
    sort_click_ms: { median: round(median(sorted)) },
    model_first_open_ms: round(modelOpenMs),
    model_reopen_ms: round(modelReopenMs),
    model_question_switch_ms: { median: round(median(modelSwitch)), max: round(Math.max(...modelSwitch)) },
    question_view_switch_5_models_ms: { median: round(median(questionSwitch)), max: round(Math.max(...questionSwitch)) },
    matrix_interactive_ms: { median: round(median(matrixReady)), max: round(Math.max(...matrixReady)), runs: matrixReady.map(round) },
    matrix_complete_ms: { median: round(median(matrixComplete)), max: round(Math.max(...matrixComplete)) },
    matrix_rows_shown_in_page_ms: { median: round(median(matrixShownInPage)), max: round(Math.max(...matrixShownInPage)), runs: matrixShownInPage.map(round) },
    matrix_complete_in_page_ms: { median: round(median(matrixCompleteInPage)), max: round(Math.max(...matrixCompleteInPage)) },
    matrix_filter_ms: { median: round(median(matrixFilter)), max: round(Math.max(...matrixFilter)) },
    matrix_cell_click_ms: { median: round(median(matrixClick)) },
    search_first_with_loading_ms: round(searchLoadMs),
    search_ms: { median: round(median(searchTimes)), max: round(Math.max(...searchTimes)), runs: searchTimes.map(round) },
    search_in_page_ms: inPageSearch.length ? { median: round(median(inPageSearch)), max: round(Math.max(...inPageSearch)) } : null,
    export_site_ms: round(exportMs),
    export_files: report.files,
  };
  writeRawFigures('viewer', out);
  console.log(JSON.stringify(out, null, 2));

  const section = [
    '## viewer',
    '',
    `\`node bench/viewer.mjs\` (${out.date}, Node ${out.node}, Debian Chromium headless via playwright-core): \`jmle-bench view\` serving ${files} result files (the 10 real runs plus ${COPIES} copies, in a temp folder).`,
    '',
    '| Step | Time |',
    '|------|------|',
    `| server start, in process (not a whole process): read, validate and rescore ${files} files, their intervals and charts | ${out.server_start_ms} ms |`,
    `| leaderboard interactive in a fresh browser context (navigation → all ${files} rows drawn, handlers attached; median of ${LOADS}) | ${out.leaderboard_interactive_ms.median} ms (max ${out.leaderboard_interactive_ms.max} ms) |`,
    `| sort the table (click → redrawn) | ${out.sort_click_ms.median} ms |`,
    `| open a model the first time (its records fetched, list of 400 drawn) | ${out.model_first_open_ms} ms |`,
    `| open it again (client cache) | ${out.model_reopen_ms} ms |`,
    `| next question in the per-model view (median / max of ${SWITCHES}) | ${out.model_question_switch_ms.median} / ${out.model_question_switch_ms.max} ms |`,
    `| next question in the per-question view, 5 models compared (median / max) | ${out.question_view_switch_5_models_ms.median} / ${out.question_view_switch_5_models_ms.max} ms |`,
    `| question matrix, every run a column (${files} × 400), fresh context: navigation → first rows drawn, app ready (median / max of ${MATRIX_LOADS}) | ${out.matrix_interactive_ms.median} / ${out.matrix_interactive_ms.max} ms |`,
    `| … the page's own clock, navigation start → first rows painted / every row drawn (median) | ${out.matrix_rows_shown_in_page_ms.median} / ${out.matrix_complete_in_page_ms.median} ms |`,
    `| … → every row drawn, as playwright sees it (the rows after the first screenfuls follow the first paint) | ${out.matrix_complete_ms.median} ms |`,
    `| matrix filter "all models wrong" (select → redrawn) | ${out.matrix_filter_ms.median} ms |`,
    `| matrix cell → that model's answer | ${out.matrix_cell_click_ms.median} ms |`,
    `| first search over the ${files} runs' responses, their records fetched on the way (~30 MB of JSON) | ${out.search_first_with_loading_ms} ms |`,
    `| search over the ${files} runs' responses (question text, choices, answers, reasoning): Enter → matrix redrawn with the matches (median / max of ${words.length} words) | ${out.search_ms.median} / ${out.search_ms.max} ms |`,
    ...(out.search_in_page_ms
      ? [`| … of which the search itself, in the page (median / max) | ${out.search_in_page_ms.median} / ${out.search_in_page_ms.max} ms |`]
      : []),
    `| \`export-site\` (${out.export_files} files) | ${out.export_site_ms} ms |`,
    '',
    `The leaderboard request carries summaries only (${Math.round(out.leaderboard_json_bytes / 1024)} KB for ${files} runs); a run's per-question records (~0.2–2 MB) are fetched when it is first opened and kept for the session, so switching questions never touches the network. Targets: leaderboard interactive in < 0.5 s, the matrix with 30 runs interactive in < 1 s, a search over 30 runs' responses in < 200 ms. Times include playwright's round trips; the machine (${out.cores} cores) had a load average of ${out.load_average_at_start} when the bench started, so figures on a quiet machine are lower. Raw figures: \`bench/out/viewer.json\`.`,
    '',
  ].join('\n');
  writeBenchmarksSection('viewer', section);
} finally {
  await browser.close();
  await viewer.close();
  rmSync(tmp, { recursive: true, force: true });
}
