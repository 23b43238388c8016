import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPercent, formatPointDiff, toFixedHalfEven } from '../../src/util/round.js';
import { exportSite } from '../../src/viewer/export.js';
import { startViewer, type Viewer } from '../../src/viewer/server.js';
import type { LeaderboardPayload, MatrixPayload, QuestionsPayload, RunPayload } from '../../src/viewer/types.js';
import { CLI, DATA_ROOT } from '../helpers/data.js';
import { fetchJson, launchChromium, PHONE, serveStatic } from '../helpers/browser.js';
import {
  CJK_QID,
  EVIL_ID,
  LONG_QID,
  makePastExamsFixture,
  makeResultsFixture,
  RESPONSE_WORD,
  RETRIED_QID,
  TRUNCATED_QID,
  type Fixture,
} from '../helpers/viewer-fixture.js';

/**
 * The viewer a researcher lives in, end to end in Debian's Chromium: the
 * question matrix, search, downloads, the paired view, statistics, cost per
 * answer, keys and comfort, and the defects fixed on the way (each a
 * regression test), on the published result files (plus one synthetic run).
 * One browser, one live viewer and one static export (and one viewer of past
 * exams) for the whole file.
 */

const LAPTOP = { width: 1366, height: 768 };

let fx: Fixture;
let past: Fixture;
let viewer: Viewer;
let pastViewer: Viewer;
let staticServer: Server;
let staticUrl: string;
let siteRoot: string;
let browser: Browser;

let lb: LeaderboardPayload;
let questions: QuestionsPayload;
let matrix: MatrixPayload;
const runCache = new Map<string, RunPayload>();

async function runData(id: string): Promise<RunPayload> {
  let r = runCache.get(id);
  if (!r) {
    r = await fetchJson<RunPayload>(`${viewer.url}api/runs/${encodeURIComponent(id)}`);
    runCache.set(id, r);
  }
  return r;
}

interface Opened {
  page: Page;
  errors: string[];
  dialogs: string[];
}
async function open(
  base: string,
  hash: string,
  opts: { viewport?: { width: number; height: number }; dark?: boolean; fakeClock?: boolean } = {},
): Promise<Opened> {
  const context = await browser.newContext({ viewport: opts.viewport ?? LAPTOP, colorScheme: opts.dark ? 'dark' : 'light', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The strict CSP stays strict: nothing the app does may be refused (an inline style would be).
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // The page's clock under the test's control (page.clock.pauseAt, runFor): a delay is a step, not a race.
  if (opts.fakeClock) await page.clock.install();
  await page.goto(base + hash);
  await ready(page);
  return { page, errors, dialogs };
}
const ready = (page: Page) => page.waitForSelector('#app[data-ready]');
/** Wait until the app has drawn the URL now in the address bar (after a click or key that navigates). */
const rendered = (page: Page) =>
  page.waitForFunction(() => {
    const app = document.getElementById('app');
    return app?.hasAttribute('data-ready') && app.dataset['rendered'] === location.hash;
  });
/** Navigate inside the app (hash change) and wait until it has rendered. */
async function goHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((h) => location.hash === h, hash);
  await rendered(page);
}
async function close(o: Opened): Promise<void> {
  expect(o.errors).toEqual([]);
  expect(o.dialogs).toEqual([]);
  await o.page.context().close();
}
const listIds = (page: Page, sel = '[data-testid=question-list] tbody tr[data-qid]') =>
  page.locator(sel).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-qid') as string));
/** The matrix's rows, once all are drawn (it draws the first screenfuls at once, the rest in the next frames). */
async function matrixIds(page: Page): Promise<string[]> {
  await rendered(page);
  await page.waitForSelector('[data-testid=matrix][data-complete]');
  return listIds(page, '[data-testid=matrix] tbody tr[data-qid]');
}
const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

/** Click a download button and read the file it saves. */
async function download(page: Page, scope: string, kind: 'csv' | 'json'): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(`${scope} [data-download=${kind}]`).first().click()]);
  return readFileSync(await d.path(), 'utf8').replace(/^\ufeff/, '');
}
/** A CSV (RFC 4180, as the viewer writes it) → rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

beforeAll(async () => {
  fx = makeResultsFixture();
  past = makePastExamsFixture();
  viewer = await startViewer({ resultsDir: fx.dir, port: 0, dataDir: DATA_ROOT });
  pastViewer = await startViewer({ resultsDir: past.dir, port: 0, dataDir: DATA_ROOT });
  siteRoot = mkdtempSync(join(tmpdir(), 'jmle-viewer-research-site-'));
  exportSite(join(siteRoot, 'site'), { resultsDir: fx.dir, dataDir: DATA_ROOT });
  const st = await serveStatic(siteRoot);
  staticServer = st.server;
  staticUrl = st.url;
  browser = await launchChromium();
  lb = await fetchJson<LeaderboardPayload>(`${viewer.url}api/exams/120/leaderboard`);
  questions = await fetchJson<QuestionsPayload>(`${viewer.url}api/exams/120/questions`);
  matrix = await fetchJson<MatrixPayload>(`${viewer.url}api/exams/120/matrix`);
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  await pastViewer?.close();
  await new Promise((r) => staticServer?.close(r));
  for (const d of [fx?.dir, past?.dir, siteRoot]) if (d) rmSync(d, { recursive: true, force: true });
});

/** From the matrix payload: how many runs are right on a question, of those that answered. */
function tally(qid: string): { right: number; answered: number } {
  const i = matrix.questions.indexOf(qid);
  let right = 0;
  let answered = 0;
  for (const r of matrix.runs) {
    const c = r.marks[i];
    if (c === '-') continue;
    answered++;
    if (c === '1') right++;
  }
  return { right, answered };
}

for (const mode of ['server', 'static export'] as const) {
  const base = () => (mode === 'server' ? viewer.url : staticUrl);

  describe(`question matrix (${mode})`, () => {
    it('shows 120C-57 as missed by every model; the filters and sorting follow the data; a cell opens that answer', async () => {
      const o = await open(base(), '#/matrix?show=all-wrong');
      const { page } = o;
      const expected = matrix.questions.filter((q) => tally(q).answered > 0 && tally(q).right === 0);
      expect(await matrixIds(page)).toEqual(expected);
      expect(expected).toContain('120C-57');
      const row = page.locator('[data-testid=matrix] tr[data-qid="120C-57"]');
      expect(await row.locator('td.nright').innerText()).toBe(`0 of ${lb.runs.length}`);
      expect(await row.locator('td.mx').allInnerTexts()).toEqual(lb.runs.map(() => '✗'));
      expect(await page.locator('[data-testid=matrix-summary]').innerText()).toContain(`${expected.length} of 400 questions`);
      // Split and all right, as counted from the data.
      await page.locator('select[data-filter=show]').selectOption('split');
      await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('show') === 'split');
      const split = matrix.questions.filter((q) => tally(q).right > 0 && tally(q).right < tally(q).answered);
      expect(await matrixIds(page)).toEqual(split);
      // Sort by "right" (fewest first), then by one model's column (wrong first).
      await page.locator('[data-testid=matrix] th[data-key=right] button').click();
      await page.waitForFunction(() => location.hash.includes('sort=right'));
      await matrixIds(page);
      const fractions = (await page.locator('[data-testid=matrix] td.nright').allInnerTexts()).map((t) => {
        const [r, n] = t.split(' of ').map(Number);
        return (r as number) / (n as number);
      });
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b)); // the hardest first on the first click
      const top = lb.runs[0]?.id as string;
      await page.locator(`[data-testid=matrix] th[data-key="m:${top}"] button`).click();
      await page.waitForFunction((k) => new URLSearchParams(location.hash.split('?')[1]).get('sort') === k, `m:${top}`);
      await matrixIds(page);
      const col = await page.locator(`[data-testid=matrix] td.mx[data-run="${top}"]`).allInnerTexts();
      expect(col).toEqual([...col].sort((a, b) => (a === '✗' ? 0 : 1) - (b === '✗' ? 0 : 1)));
      // A cell opens that model's answer to that question.
      const qid = split[0] as string;
      await page.locator(`[data-testid=matrix] tr[data-qid="${qid}"] td.mx[data-run="${top}"]`).click();
      await page.waitForSelector(`.view.model[data-run="${top}"] [data-testid=detail] section.question[data-qid="${qid}"]`);
      // Back returns to the matrix as it was.
      await page.goBack();
      await page.waitForSelector('[data-testid=matrix]');
      expect(await page.locator('select[data-filter=show]').inputValue()).toBe('split');
      await close(o);
    });
  });

  describe(`paired view (${mode})`, () => {
    it("shows compare --json's numbers, and each question where exactly one is right opens both answers", async () => {
      const [a, b] = ['openai_gpt-5.2', 'Qwen_Qwen3-32B'];
      const cli = spawnSync(process.execPath, [CLI, 'compare', join(fx.dir, `${a}.json`), join(fx.dir, `${b}.json`), '--json', '--data-dir', DATA_ROOT], {
        encoding: 'utf8',
      });
      expect(cli.status).toBe(0);
      const c = JSON.parse(cli.stdout);
      const o = await open(base(), `#/compare?a=${a}&b=${b}`);
      const { page } = o;
      await page.waitForSelector('[data-testid=compare-diff]');
      const pts = (x: number) => formatPointDiff(x);
      expect(await page.locator('[data-testid=diff-score]').innerText()).toContain(`${pts(c.difference.score_pct)} pts`);
      expect(await page.locator('[data-testid=diff-score]').innerText()).toContain(
        `[${pts(c.difference.score_pct_ci.low)}, ${pts(c.difference.score_pct_ci.high)}]`,
      );
      expect(await page.locator('[data-testid=diff-accuracy]').innerText()).toContain(
        `[${pts(c.difference.accuracy_ci.low)}, ${pts(c.difference.accuracy_ci.high)}]`,
      );
      const p = c.mcnemar.p >= 0.001 ? toFixedHalfEven(c.mcnemar.p, 4) : (c.mcnemar.p as number).toExponential(2);
      const mc = await page.locator('[data-testid=mcnemar]').innerText();
      expect(mc).toContain(`p = ${p}`);
      expect(mc).toContain(
        `only A right ${c.mcnemar.only_a} · only B right ${c.mcnemar.only_b} · both right ${c.mcnemar.both} · both wrong ${c.mcnemar.neither}`,
      );
      const side = (row: string, s: 'a' | 'b') => page.locator(`[data-testid=compare-sides] tr[data-row=${row}] td[data-side=${s}]`).innerText();
      expect(await side('score', 'a')).toBe(`${c.a.score}/${c.a.score_max} (${formatPercent(c.a.score_pct)})`);
      expect(await side('accuracy', 'b')).toBe(`${c.b.correct}/${c.b.total} (${formatPercent(c.b.accuracy)})`);
      expect(await listIds(page, '[data-testid=discordant] tbody tr')).toEqual(c.discordant.map((d: { id: string }) => d.id));
      expect(await page.locator('[data-testid=discordant-title]').innerText()).toContain(`(${c.discordant.length})`);
      // One epoch each: no k/K columns (they would repeat the Right column).
      expect(await page.locator('[data-testid=discordant] th[data-key=right_a], [data-testid=discordant] th[data-key=right_b]').count()).toBe(0);
      // One of them: both answers side by side.
      const first = c.discordant[0] as { id: string; answer_a: string[]; answer_b: string[] };
      await page.locator(`[data-testid=discordant] tr[data-qid="${first.id}"] a`).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer:not(.loading)').length === 2);
      expect(await page.locator('[data-testid=answers] article').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual([a, b]);
      expect(await page.locator(`article[data-run="${a}"] [data-testid=predicted]`).innerText()).toBe(`Predicted: ${first.answer_a.join(', ') || '—'}`);
      // The JSON download is compare --json's report.
      await page.goBack();
      await page.waitForSelector('[data-testid=compare-diff]');
      const json = JSON.parse(await download(page, '.compareview', 'json'));
      expect(json.difference).toEqual(c.difference);
      expect(json.mcnemar).toEqual(c.mcnemar);
      await close(o);
    });
  });

  describe(`search (${mode})`, () => {
    it('finds a word of one question, highlights it, and filters the lists; a word of one response too', async () => {
      // A word (4+ characters) that occurs in exactly one question, found here from the data.
      const texts = questions.questions.map((q) => q.text.normalize('NFKC').toLowerCase());
      const candidates = [...new Set(questions.questions.flatMap((q) => q.text.match(/[\u30a0-\u30ff]{5,}/g) ?? []))];
      const word = candidates.find((w) => texts.filter((t) => t.includes(w.normalize('NFKC').toLowerCase())).length === 1) as string;
      expect(word).toBeTruthy();
      const owner = questions.questions[texts.findIndex((t) => t.includes(word.normalize('NFKC').toLowerCase()))]?.id as string;
      const top = lb.runs[0]?.id as string;
      const o = await open(base(), `#/model/${top}`);
      const { page } = o;
      await page.locator('[data-testid=search]').fill(word);
      await page.keyboard.press('Enter');
      await page.waitForFunction((w) => new URLSearchParams(location.hash.split('?')[1]).get('search') === w, word);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=question-list] tbody tr[data-qid]').length === 1);
      expect(await listIds(page)).toEqual([owner]);
      await page.locator(`[data-testid=question-list] tr[data-qid="${owner}"]`).click();
      await page.waitForSelector(`[data-testid=detail] section.question[data-qid="${owner}"]`);
      expect(await page.locator('[data-testid=detail] section.question mark.hit').first().innerText()).toBe(word);
      // In the matrix: one row.
      await goHash(page, `#/matrix?search=${encodeURIComponent(word)}`);
      await page.waitForFunction(() => !document.querySelector('[data-testid=matrix-summary]')?.textContent?.includes('loading'));
      expect(await matrixIds(page)).toEqual([owner]);
      // A word only in one model's response: the synthetic run's answer to CJK_QID.
      await goHash(page, `#/matrix?search=${encodeURIComponent(RESPONSE_WORD)}`);
      await page.waitForFunction(() => !document.querySelector('[data-testid=matrix-summary]')?.textContent?.includes('loading'));
      expect(await matrixIds(page)).toEqual([CJK_QID]);
      expect(
        await page.locator(`[data-testid=matrix] tr[data-qid="${CJK_QID}"] td.mx.hit`).evaluateAll((tds) => tds.map((t) => t.getAttribute('data-run'))),
      ).toEqual([EVIL_ID]);
      await page.locator(`[data-testid=matrix] tr[data-qid="${CJK_QID}"] td.mx[data-run="${EVIL_ID}"]`).click();
      await page.waitForSelector(`[data-testid=detail] section.question[data-qid="${CJK_QID}"]`);
      expect(await page.locator('[data-testid=detail] .raw mark.hit').innerText()).toBe(RESPONSE_WORD);
      // The per-question view's list, searching the chosen models' responses.
      await goHash(page, `#/question?models=${EVIL_ID}&search=${encodeURIComponent(RESPONSE_WORD)}`);
      await page.waitForFunction(() => document.querySelector('[data-testid=search-note]')?.textContent?.startsWith('1 question'));
      expect(await page.locator('[data-testid=question-picker] a').evaluateAll((as) => as.map((a) => a.getAttribute('data-qid')))).toEqual([CJK_QID]);
      await close(o);
    });
  });
}

describe('question matrix with the examinees (116th)', () => {
  it('shows the examinees’ share correct and keeps the questions where models and examinees disagree, both ways', async () => {
    const m = await fetchJson<MatrixPayload>(`${pastViewer.url}api/exams/116/matrix`);
    const qs = await fetchJson<QuestionsPayload>(`${pastViewer.url}api/exams/116/questions`);
    const human = new Map(qs.questions.map((q) => [q.id, q.humanAccuracy]));
    const expect116 = (keep: (right: number, answered: number, h: number) => boolean) =>
      m.questions.filter((id, i) => {
        const h = human.get(id);
        const marks = m.runs.map((r) => r.marks[i]).filter((c) => c !== '-');
        const right = marks.filter((c) => c === '1').length;
        return h !== null && h !== undefined && marks.length > 0 && keep(right, marks.length, h);
      });
    const o = await open(pastViewer.url, '#/matrix?exam=116&show=models-right');
    const { page } = o;
    const modelsRight = expect116((r, n, h) => h < 0.5 && r * 2 > n);
    expect(modelsRight.length).toBeGreaterThan(0);
    expect(await matrixIds(page)).toEqual(modelsRight);
    const first = modelsRight[0] as string;
    expect(await page.locator(`[data-testid=matrix] tr[data-qid="${first}"] td:nth-child(6)`).innerText()).toBe(formatPercent(human.get(first) as number));
    await goHash(page, '#/matrix?exam=116&show=models-wrong');
    expect(await matrixIds(page)).toEqual(expect116((r, n, h) => h >= 0.5 && r * 2 < n));
    // The 120th publishes no examinee figures: the filter says so instead of showing nothing.
    await goHash(page, '#/matrix?exam=120&show=models-right');
    expect(await page.locator('[data-testid=url-notice]').innerText()).toContain('publishes no examinee figures');
    await close(o);
  });
});

describe('downloads', () => {
  it('a filtered, sorted question list downloads as the rows shown (CSV and JSON); the leaderboard and the matrix too', async () => {
    const id = lb.runs[3]?.id as string;
    const o = await open(viewer.url, `#/model/${id}?block=C&result=incorrect&sort=points&dir=desc`);
    const { page } = o;
    const shown = await listIds(page);
    expect(shown.length).toBeGreaterThan(0);
    const csv = parseCsv(await download(page, '.view.model', 'csv'));
    expect(csv[0]?.slice(0, 3)).toEqual(['id', 'block', 'number']);
    expect(csv.slice(1).map((r) => r[0])).toEqual(shown);
    expect(csv.slice(1).every((r) => r[1] === 'C' && r[csv[0]!.indexOf('correct')] === 'false')).toBe(true);
    const json = JSON.parse(await download(page, '.view.model', 'json')) as Record<string, unknown>[];
    expect(json.map((r) => r['id'])).toEqual(shown);
    // The leaderboard, filtered.
    await goHash(page, '#/?filter=qwen');
    const rows = await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-run')));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThan(lb.runs.length);
    const board = parseCsv(await download(page, '.view.leaderboard', 'csv'));
    expect(board.slice(1).map((r) => r[board[0]!.indexOf('file')]?.replace(/\.json$/, ''))).toEqual(rows);
    expect(board[0]).toContain('verdict');
    // The matrix: one column per model shown.
    await goHash(
      page,
      '#/matrix?show=all-wrong&models=' +
        lb.runs
          .slice(0, 2)
          .map((r) => r.id)
          .join(','),
    );
    const m = parseCsv(await download(page, '.matrixview', 'csv'));
    expect(m.slice(1).map((r) => r[0])).toEqual(await matrixIds(page));
    expect(m[0]).toEqual(expect.arrayContaining(lb.runs.slice(0, 2).map((r) => r.id)));
    await close(o);
  });
});

describe('statistics on screen', () => {
  it('intervals in the table and whiskers on the charts, on an axis zoomed to the scores (or from 0)', async () => {
    const o = await open(viewer.url, '#/');
    const { page } = o;
    for (const r of lb.runs) {
      const want = r.stats ? `[${formatPercent(r.stats.score.low)}, ${formatPercent(r.stats.score.high)}]` : '—';
      expect(await page.locator(`tr[data-run="${r.id}"] td.ci`).innerText()).toBe(want);
    }
    const chart = page.locator('[data-testid=chart-all]');
    await chart.scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-testid=chart-all] g.errbar');
    const bars = await chart
      .locator('g.barrow')
      .evaluateAll((gs) =>
        gs.map((g) => [
          g.getAttribute('data-run'),
          g.querySelector('.errbar')?.getAttribute('data-low'),
          g.querySelector('.errbar')?.getAttribute('data-high'),
        ]),
      );
    expect(bars).toEqual(lb.charts.all.map((b) => [b.run, String(b.ci?.low), String(b.ci?.high)]));
    // 83–99% spread over the width: the axis starts near the lowest interval, not at 0.
    const min = Number(await chart.getAttribute('data-axis-min'));
    const lowest = Math.min(...lb.charts.all.map((b) => b.ci?.low ?? b.pct));
    expect(min).toBeGreaterThan(0.5);
    expect(min).toBeLessThanOrEqual(lowest);
    const widths = await chart.locator('rect.barfill').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    expect((widths[0] as number) / (widths[widths.length - 1] as number)).toBeGreaterThan(1.3); // 98.6% vs 83.4% clearly apart
    await page.locator('[data-testid=axis-toggle]').click();
    await page.waitForFunction(() => location.hash.includes('axis=full'));
    expect(await page.locator('[data-testid=chart-all]').getAttribute('data-axis-min')).toBe('0');
    await close(o);
  });

  it('shows rank ranges, P(pass) and k/K answers right when the server sends them (repeated runs)', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.route('**/api/exams/120/leaderboard', async (route) => {
      const body = JSON.parse(JSON.stringify(lb)) as LeaderboardPayload;
      body.runs.forEach((r, i) => {
        Object.assign(r.stats as object, { rank_low: i + 1, rank_high: i + 2, p_pass_rerun: i === 0 ? 1 : 0.9, p_pass_exam: 0.75, epochs: 5 });
      });
      await route.fulfill({ json: body });
    });
    await page.goto(`${viewer.url}#/`);
    await ready(page);
    const keys = await page.locator('table.board thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining(['rankrange', 'ppassrerun', 'ppassexam']));
    expect(await page.locator(`tr[data-run="${lb.runs[1]?.id}"] td.rankrange`).innerText()).toBe('2–3');
    expect(await page.locator(`tr[data-run="${lb.runs[1]?.id}"] td.ppassexam`).innerText()).toBe('75%');
    // Every resample passed: shown as >99%, never as certain.
    expect(await page.locator(`tr[data-run="${lb.runs[0]?.id}"] td.ppassrerun`).innerText()).toBe('>99%');
    // Repeated answers per question: the matrix shows k/K.
    await page.route('**/api/exams/120/matrix', async (route) => {
      const body = JSON.parse(JSON.stringify(matrix)) as MatrixPayload & { runs: { k?: number[]; epochs?: number }[] };
      const first = body.runs[0]!;
      first.epochs = 5;
      first.k = body.questions.map((_, i) => i % 6);
      await route.fulfill({ json: body });
    });
    await page.evaluate(() => (location.hash = '#/matrix'));
    await page.waitForSelector('[data-testid=matrix][data-complete]');
    const cells = await page.locator(`[data-testid=matrix] td.mx[data-run="${lb.runs[0]?.id}"]`).allInnerTexts();
    expect(cells.slice(0, 7)).toEqual(['0/5', '1/5', '2/5', '3/5', '4/5', '5/5', '0/5']);
    await context.close();
    // Today's files (one epoch each): rank ranges and P(pass) on an exam like this one, but no rerun P(pass).
    const o = await open(viewer.url, '#/');
    expect(await o.page.locator('th[data-key=rankrange]').count()).toBe(1);
    expect(await o.page.locator('th[data-key=ppassrerun]').count()).toBe(0);
    await close(o);
  });
});

describe('cost and behaviour per answer', () => {
  it('tokens, latency, attempts and finish reason per answer, truncated answers flagged, and totals per run', async () => {
    const evil = lb.runs.find((r) => r.id === EVIL_ID);
    const o = await open(viewer.url, `#/model/${EVIL_ID}?q=${TRUNCATED_QID}`);
    const { page } = o;
    const rec = (await runData(EVIL_ID)).records.find((r) => r.question_id === TRUNCATED_QID);
    expect(await page.locator('[data-testid=detail] [data-testid=truncated]').innerText()).toContain('truncated');
    expect(await page.locator('[data-testid=detail] [data-testid=finish]').innerText()).toBe('finish: length (cut off at the token limit)');
    expect(await page.locator('[data-testid=detail] [data-testid=tokens]').innerText()).toBe(
      `tokens: ${rec?.usage?.prompt_tokens?.toLocaleString('en')} prompt · ${rec?.usage?.completion_tokens} completion · ${rec?.usage?.reasoning_tokens} reasoning`,
    );
    expect(await page.locator('[data-testid=detail] [data-testid=latency]').innerText()).toMatch(/^latency \d\.\d s$/);
    expect(await page.locator(`[data-testid=question-list] tr[data-qid="${TRUNCATED_QID}"] .truncbadge`).count()).toBe(1);
    await goHash(page, `#/model/${EVIL_ID}?q=${RETRIED_QID}`);
    expect(await page.locator('[data-testid=detail] [data-testid=attempts]').innerText()).toBe('3 attempts');
    expect(await page.locator('[data-testid=cost-card]').innerText()).toContain(`${evil?.behaviour.truncated} truncated`);
    // Totals on the leaderboard; runs whose files hold none show a dash.
    await goHash(page, '#/');
    const u = evil?.summary.usage;
    expect(await page.locator(`tr[data-run="${EVIL_ID}"] td.tokens`).innerText()).toBe(
      ((u?.prompt_tokens ?? 0) + (u?.completion_tokens ?? 0)).toLocaleString('en'),
    );
    expect(await page.locator(`tr[data-run="${EVIL_ID}"] td.truncated`).innerText()).toBe('1');
    expect(await page.locator(`tr[data-run="openai_gpt-5.2"] td.tokens`).innerText()).toBe('—');
    await close(o);
  });
});

describe('keys and comfort', () => {
  it('j/k and ←/→ move between questions, / focuses the search, Esc closes; Back undoes a filter change', async () => {
    const id = lb.runs[0]?.id as string;
    const o = await open(viewer.url, `#/model/${id}?block=B`);
    const { page } = o;
    const list = await listIds(page);
    const [first, second, third] = list as [string, string, string];
    /** The URL names `qid` as the open question (null: none), and the page shows it open. */
    const showing = (qid: string | null) =>
      page.waitForFunction((want) => {
        const inUrl = new URLSearchParams(location.hash.split('?')[1]).get('q');
        const open = document.querySelector('[data-testid=detail] section.question')?.getAttribute('data-qid') ?? null;
        return inUrl === want && open === want && document.getElementById('app')?.dataset['rendered'] === location.hash;
      }, qid);
    /** The block filter the URL names, shown in its select and applied to the list. */
    const filteredTo = (block: string) =>
      page.waitForFunction((b) => {
        const rows = [...document.querySelectorAll('[data-testid=question-list] tbody tr[data-qid]')];
        return (
          new URLSearchParams(location.hash.split('?')[1]).get('block') === b &&
          document.querySelector<HTMLSelectElement>('select[data-filter=block]')?.value === b &&
          rows.length > 0 &&
          rows.every((r) => r.getAttribute('data-qid')?.startsWith(`120${b}-`))
        );
      }, block);
    await page.keyboard.press('j');
    await showing(first);
    await page.keyboard.press('j');
    await showing(second);
    await page.keyboard.press('ArrowRight');
    await showing(third);
    await page.keyboard.press('k');
    await showing(second);
    await page.keyboard.press('ArrowLeft');
    await showing(first);
    // /: the search box; typing there does not move; Esc leaves it, and what was typed applies (a history entry).
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search');
    await page.keyboard.press('j');
    expect(hashParams(page).get('q')).toBe(first);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
    await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('search') === 'j');
    await showing(first);
    // Back undoes the search; the question stays open.
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('search=') && document.querySelector<HTMLInputElement>('[data-testid=search]')?.value === '');
    await showing(first);
    // Esc: the question closes; Back brings it back.
    await page.keyboard.press('Escape');
    await showing(null);
    await page.goBack();
    await showing(first);
    // A filter change, undone by Back.
    await page.locator('select[data-filter=block]').selectOption('C');
    await filteredTo('C');
    await page.goBack();
    await filteredTo('B');
    await showing(first);
    // The per-question view: j is the next question.
    await goHash(page, '#/question/120A-10');
    await page.keyboard.press('j');
    await page.waitForSelector('[data-testid=question-detail] section.question[data-qid="120A-11"]');
    await close(o);
  });

  it('a search typed but not applied yet never overwrites a later navigation (Back, a new URL)', async () => {
    const id = lb.runs[0]?.id as string;
    const o = await open(viewer.url, `#/model/${id}?q=120B-1`, { fakeClock: true });
    const { page } = o;
    const entries = () => page.evaluate(() => history.length);
    // From here on the page's timers fire only in runFor: the pause that applies a search has not passed until then.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    await goHash(page, `#/model/${id}?q=120B-2`);
    // Typed, then Back before the pause that applies it: Back wins, and stays.
    await page.locator('[data-testid=search]').click();
    await page.keyboard.type('pneumo');
    await page.goBack();
    await rendered(page);
    await page.clock.runFor(2000);
    expect(hashParams(page).get('q')).toBe('120B-1');
    expect(hashParams(page).has('search')).toBe(false);
    await rendered(page);
    expect(await page.locator('[data-testid=detail] section.question').getAttribute('data-qid')).toBe('120B-1');
    // Typed, then another page opened: that page stays, and no history entry is added after it.
    await page.locator('[data-testid=search]').click();
    await page.keyboard.type('x');
    await goHash(page, '#/question/120A-10');
    const before = await entries();
    await page.clock.runFor(2000);
    expect(new URL(page.url()).hash).toBe('#/question/120A-10');
    expect(await entries()).toBe(before);
    await rendered(page);
    expect(await page.locator('[data-testid=question-detail] section.question').getAttribute('data-qid')).toBe('120A-10');
    // Typing in the new page's box still applies after the pause.
    await page.locator('[data-testid=search]').click();
    await page.keyboard.type('Parkinson');
    await page.clock.runFor(2000);
    await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('search') === 'Parkinson');
    await rendered(page);
    await close(o);
  });

  it('images zoom beyond their natural size and pan; Esc closes', async () => {
    const q = questions.questions.find((x) => x.images.length > 0);
    const o = await open(viewer.url, `#/question/${q?.id}`);
    const { page } = o;
    await page.locator('[data-testid=question-detail] .images button').first().click();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#lightbox:not([hidden]) img');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    });
    const size = () =>
      page.evaluate(() => {
        const img = document.querySelector('#lightbox img') as HTMLImageElement;
        const r = img.getBoundingClientRect();
        return { w: r.width, natural: img.naturalWidth, x: r.left };
      });
    for (let i = 0; i < 6; i++) await page.locator('[data-testid=zoom-in]').click();
    const big = await size();
    expect(big.w).toBeGreaterThan(big.natural * 1.5);
    // Drag pans.
    const stage = (await page.locator('.lb-stage').boundingBox())!;
    await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width / 2 + 120, stage.y + stage.height / 2 + 10, { steps: 4 });
    await page.mouse.up();
    expect((await size()).x).toBeCloseTo(big.x + 120, -1);
    // Keys are the image's while it is open (no question navigation behind it); Esc closes.
    await page.keyboard.press('j');
    expect(page.url()).toContain(`#/question/${q?.id}`);
    await page.keyboard.press('Escape');
    await page.locator('#lightbox').waitFor({ state: 'hidden' });
    await close(o);
  });

  it('filter boxes for the leaderboard and the model chooser; long responses collapsed with "show all"', async () => {
    const o = await open(viewer.url, '#/');
    const { page } = o;
    await page.locator('[data-testid=board-filter]').fill('gpt-oss');
    await page.waitForFunction(() => location.hash.includes('filter=gpt-oss'));
    const names = await page.locator('table.board tbody td.model a').allInnerTexts();
    expect(names.length).toBe(lb.runs.filter((r) => `${r.displayName} ${r.model} ${r.file}`.toLowerCase().includes('gpt-oss')).length);
    expect(names.every((n) => n.includes('gpt-oss'))).toBe(true);
    // The chooser: filter, then All ticks the models shown (and keeps the ones already chosen).
    await goHash(page, '#/question/120A-1?models=' + lb.runs[0]?.id);
    await page.locator('[data-testid=chooser-filter]').fill('qwen');
    const visible = await page.locator('[data-testid=model-chooser] label.check:visible').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-run')));
    expect(visible.every((id) => (id ?? '').toLowerCase().includes('qwen'))).toBe(true);
    await page.locator('[data-testid=choose-all]').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=answers] article.answer').length === n, visible.length + 1);
    // A long response: collapsed until "show all".
    await goHash(page, `#/model/${EVIL_ID}?q=${LONG_QID}`);
    expect(await page.locator('[data-testid=detail] .raw .md.collapsed').count()).toBe(1);
    await page.locator('[data-testid=detail] [data-testid=response-showall]').click();
    expect(await page.locator('[data-testid=detail] .raw .md.collapsed').count()).toBe(0);
    await close(o);
  });

  it('dark mode follows the system; the series keeps its model column in view when scrolled sideways', async () => {
    const o = await open(viewer.url, '#/', { dark: true });
    const bg = await o.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect((r as number) + (g as number) + (b as number)).toBeLessThan(150);
    await close(o);
    const s = await open(pastViewer.url, '#/series', { viewport: PHONE });
    const wrap = s.page.locator('.seriesview .tablewrap');
    const before = await s.page.locator('table.series tbody td.model').first().boundingBox();
    await wrap.evaluate((el) => (el.scrollLeft = 400));
    expect(await wrap.evaluate((el) => el.scrollLeft)).toBeGreaterThan(50);
    const after = await s.page.locator('table.series tbody td.model').first().boundingBox();
    expect(after?.x).toBeCloseTo(before?.x ?? NaN, 0);
    await close(s);
  });
});

describe('Japanese bold (markdown-it-cjk-friendly)', () => {
  it('renders **太字**（…） and **「重要」**です bold, not as asterisks', async () => {
    const o = await open(viewer.url, `#/model/${EVIL_ID}?q=${CJK_QID}`);
    const { page } = o;
    const md = page.locator('[data-testid=detail] .raw .md');
    expect(await md.locator('strong').allInnerTexts()).toEqual(['太字', '「重要」']);
    expect(await md.innerText()).not.toContain('**');
    // A Markdown table keeps its alignment under the CSP (a class, not a refused style attribute; close() checks no refusal).
    expect(await md.locator('td.align-right').innerText()).toBe('1');
    expect(await md.locator('td.align-right').evaluate((el) => getComputedStyle(el).textAlign)).toBe('right');
    await close(o);
  });
});

describe('defects (regressions)', () => {
  it('per-model view: changing a filter or the model keeps the question you clicked', async () => {
    const [a, b] = [lb.runs[0]?.id as string, lb.runs[5]?.id as string];
    const o = await open(viewer.url, `#/model/${a}`);
    const { page } = o;
    await page.locator('[data-testid=question-list] tr[data-qid="120D-16"]').click();
    await page.waitForSelector('[data-testid=detail] section.question[data-qid="120D-16"]');
    await page.locator('select[data-filter=block]').selectOption('D');
    await page.waitForFunction(() => location.hash.includes('block=D'));
    expect(hashParams(page).get('q')).toBe('120D-16');
    expect(await page.locator('[data-testid=detail] section.question').getAttribute('data-qid')).toBe('120D-16');
    await page.locator('select[data-filter=type]').selectOption('choice');
    await page.waitForFunction(() => location.hash.includes('type=choice'));
    expect(hashParams(page).get('q')).toBe('120D-16');
    await page.locator('[data-testid=model-picker]').selectOption(b);
    await page.waitForSelector(`.view.model[data-run="${b}"] [data-testid=detail] section.question[data-qid="120D-16"]`);
    expect(hashParams(page).get('block')).toBe('D');
    expect(hashParams(page).get('type')).toBe('choice');
    await close(o);
  });

  it('bad URL values say what was wrong and fall back visibly', async () => {
    const id = lb.runs[0]?.id as string;
    const o = await open(viewer.url, `#/model/${id}?block=Z&result=maybe`);
    const { page } = o;
    const notice = await page.locator('[data-testid=url-notice]').innerText();
    expect(notice).toContain('No block "Z" in the 120th (blocks A, B, C, D, E, F); showing every block.');
    expect(notice).toContain('No result filter "maybe"');
    expect(await page.locator('select[data-filter=block]').inputValue()).toBe('');
    expect(await page.locator('[data-testid=question-list] tbody tr[data-qid]').count()).toBe(400);
    // A filter change drops the bad value and the notice.
    await page.locator('select[data-filter=block]').selectOption('A');
    await page.waitForFunction(() => !document.querySelector('[data-testid=url-notice]'));
    expect(hashParams(page).get('result')).toBeNull();
    // An unknown question id.
    await goHash(page, `#/model/${id}?q=120Z-99`);
    expect(await page.locator('[data-testid=url-notice]').innerText()).toContain('No question "120Z-99" in the 120th');
    await goHash(page, '#/question/120Z-99');
    expect(await page.locator('[data-testid=url-notice]').innerText()).toBe('No question "120Z-99" in the 120th; showing 120A-1.');
    expect(await page.locator('[data-testid=question-detail] section.question').getAttribute('data-qid')).toBe('120A-1');
    // Unknown models, an unknown page, a matrix filter.
    await goHash(page, `#/question/120A-2?models=${id},nope`);
    expect(await page.locator('[data-testid=url-notice]').innerText()).toContain('No run "nope"');
    await goHash(page, '#/matrix?show=everything');
    expect(await page.locator('[data-testid=url-notice]').innerText()).toContain('No matrix filter "everything"');
    await goHash(page, '#/somewhere');
    expect(await page.locator('[data-testid=url-notice]').innerText()).toContain('No page "#/somewhere"');
    expect(await page.locator('table.board').count()).toBe(1);
    // #/series without a series: said so, and the leaderboard instead of a raw HTTP 404.
    await goHash(page, '#/series');
    const series = await page.locator('[data-testid=url-notice]').innerText();
    expect(series).toContain('No series in this collection');
    expect(await page.locator('#main').innerText()).not.toMatch(/HTTP 404/);
    expect(await page.locator('table.board').count()).toBe(1);
    await close(o);
  });
});

describe('screenshots of the new views (laptop and phone)', () => {
  it('captures them, nothing wider than the viewport', async () => {
    const dir = process.env['VIEWER_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'jmle-viewer-research-shots-'));
    mkdirSync(dir, { recursive: true });
    const [a, b] = [lb.runs[0]?.id as string, lb.runs[2]?.id as string];
    /** Name, URL, dark, and what to scroll into view (the part the shot is about). */
    const views: [string, string, boolean, string | null][] = [
      ['leaderboard-ci', '#/', false, null],
      ['leaderboard-charts', '#/', false, '[data-testid=axis-note]'],
      ['matrix', '#/matrix', false, null],
      ['matrix-all-wrong', '#/matrix?show=all-wrong', false, '[data-testid=matrix-summary]'],
      ['compare', `#/compare?a=${a}&b=${b}`, false, null],
      ['compare-list', `#/compare?a=${a}&b=${b}`, false, '[data-testid=discordant-title]'],
      ['search', `#/model/${EVIL_ID}?search=${encodeURIComponent(RESPONSE_WORD)}&q=${CJK_QID}`, false, '[data-testid=filters]'],
      ['search-hit', `#/model/${EVIL_ID}?search=${encodeURIComponent(RESPONSE_WORD)}&q=${CJK_QID}`, false, '[data-testid=detail] .raw'],
      ['cost', `#/model/${EVIL_ID}?q=${TRUNCATED_QID}`, false, '[data-testid=detail] [data-testid=behaviour]'],
      ['question-search', `#/question/120A-16?models=${a},${b}&search=Parkinson`, false, null],
      ['leaderboard-dark', '#/', true, null],
      ['matrix-dark', '#/matrix', true, null],
      ['question-dark', `#/question/120A-16?models=${a},${b}`, true, '[data-testid=answers]'],
      ['model-dark', `#/model/${EVIL_ID}?q=${CJK_QID}`, true, '[data-testid=filters]'],
    ];
    // One page per width and colour scheme, moved from view to view (a fresh context per shot costs seconds).
    for (const [size, vp] of [
      ['laptop', LAPTOP],
      ['phone', PHONE],
    ] as const) {
      for (const dark of [false, true]) {
        const o = await open(viewer.url, '#/', { viewport: vp, dark });
        for (const [name, hash, isDark, focus] of views) {
          if (isDark !== dark) continue;
          await o.page.goto(viewer.url + hash);
          await ready(o.page);
          if (focus)
            await o.page
              .locator(focus)
              .first()
              .evaluate((el) => el.scrollIntoView({ block: 'start' }));
          else await o.page.evaluate(() => window.scrollTo(0, 0));
          await o.page.waitForTimeout(200);
          await o.page.screenshot({ path: join(dir, `${size}-${name}.png`) });
          const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${size} ${name}`).toBeLessThanOrEqual(1);
        }
        await close(o);
      }
    }
    console.log(`viewer screenshots: ${dir}`);
  });
});
