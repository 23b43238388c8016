import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../src/exam/registry.js';
import { exportSite } from '../src/viewer/export.js';
import { startViewer, type Viewer } from '../src/viewer/server.js';
import type { LeaderboardPayload, QuestionsPayload, RecordView, RunEntry, RunPayload } from '../src/viewer/types.js';
import { DATA_ROOT } from './helpers/data.js';
import { BROKEN_FILES, EVIL_ID, EVIL_NAME, EVIL_QID, makeResultsFixture, type Fixture } from './e2e/viewer-fixture.js';

/**
 * End-to-end: Debian's Chromium (playwright-core, never a downloaded browser)
 * against `jmle-bench view` serving the real result files, and against a static
 * export served by a plain file server. One browser for the whole file.
 */

const CHROMIUM = '/usr/bin/chromium';
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const { exam } = loadExam({ dataDir: DATA_ROOT });
let fx: Fixture;
let viewer: Viewer;
let exportDir: string;
let staticServer: Server;
let staticUrl: string;
let browser: Browser;
let shotsDir: string;

// Expected data, fetched from the server (not from the UI).
let lb: LeaderboardPayload;
let questions: QuestionsPayload;
const runCache = new Map<string, RunPayload>();

async function fetchJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  expect(r.status).toBe(200);
  return (await r.json()) as T;
}
async function runData(id: string): Promise<RunPayload> {
  let r = runCache.get(id);
  if (!r) {
    r = await fetchJson<RunPayload>(`${viewer.url}api/runs/${encodeURIComponent(id)}`);
    runCache.set(id, r);
  }
  return r;
}
function ranked(): RunEntry[] {
  return [...lb.runs].sort((a, b) => b.summary.score - a.summary.score || b.summary.accuracy - a.summary.accuracy || a.displayName.localeCompare(b.displayName));
}

/** A tiny static file server, as any static host would be (no knowledge of the app). */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/site/` })));
}

interface Opened {
  page: Page;
  dialogs: string[];
  errors: string[];
}

async function open(base: string, hash: string, viewport = LAPTOP): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + hash);
  await page.waitForSelector('#app[data-ready]');
  return { page, dialogs, errors };
}
async function close(o: Opened): Promise<void> {
  expect(o.errors).toEqual([]);
  await o.page.context().close();
}

beforeAll(async () => {
  fx = makeResultsFixture();
  viewer = await startViewer({ resultsDir: fx.dir, exam, port: 0, dataDir: DATA_ROOT });
  const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-site-'));
  exportDir = join(root, 'site');
  exportSite(exportDir, { resultsDir: fx.dir, exam, dataDir: DATA_ROOT });
  const st = await serveStatic(root);
  staticServer = st.server;
  staticUrl = st.url;
  shotsDir = mkdtempSync(join(tmpdir(), 'jmle-viewer-shots-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  lb = await fetchJson<LeaderboardPayload>(`${viewer.url}api/leaderboard`);
  questions = await fetchJson<QuestionsPayload>(`${viewer.url}api/questions`);
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  await new Promise((r) => staticServer?.close(r));
  if (exportDir) rmSync(join(exportDir, '..'), { recursive: true, force: true });
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

const cellNumber = (t: string) => {
  if (t.includes('✓')) return 1;
  if (t.includes('✗')) return 0;
  return Number((t.match(/-?\d+(\.\d+)?/) ?? ['NaN'])[0]);
};

for (const mode of ['server', 'static export'] as const) {
  const base = () => (mode === 'server' ? viewer.url : staticUrl);

  describe(`leaderboard (${mode})`, () => {
    it('shows every run ranked, the headline figures, the rule, and the skipped files', async () => {
      const o = await open(base(), '#/');
      const { page } = o;
      const order = ranked();
      const rows = page.locator('table.board tbody tr');
      expect(await rows.count()).toBe(order.length);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(order.map((r) => r.id));
      const top = order[0] as RunEntry;
      const headline = await page.locator('[data-testid=headline]').innerText();
      expect(headline).toContain(`${top.summary.score}/500`);
      expect(headline).toContain(top.displayName);
      // Pass = required and general thresholds, computed here from the raw part scores.
      const passing = lb.runs.filter((r) => r.summary.required_score >= 160 && r.summary.general_score >= 224).length;
      expect(await page.locator('[data-testid=passing]').innerText()).toBe(`${passing} of ${lb.runs.length}`);
      const rule = await page.locator('[data-testid=rule]').innerText();
      for (const s of ['B/E Q26–50 are 3 points each', 'max 500', '≥ 160/200', '≥ 224/300', '禁忌肢']) expect(rule).toContain(s);
      const skipped = await page.locator('[data-testid=skipped]').innerText();
      expect(skipped).toContain('2 result files were skipped');
      await page.locator('[data-testid=skipped] summary').click();
      const list = await page.locator('[data-testid=skipped] li').allInnerTexts();
      expect(list.map((l) => l.split(':')[0]).sort()).toEqual([...BROKEN_FILES].sort());
      expect(list.join('\n')).toMatch(/not valid JSON/);
      // The hostile display name is text, not markup.
      expect(await page.locator(`tr[data-run="${EVIL_ID}"] td.model a`).innerText()).toBe(EVIL_NAME);
      expect(await page.locator('img[src="x"], #app script').count()).toBe(0);
      expect(o.dialogs).toEqual([]);
      await close(o);
    });

    it('sorts by every column, both directions', async () => {
      const o = await open(base(), '#/');
      const { page } = o;
      const keys = await page.locator('table.board thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-key') as string));
      expect(keys).toEqual(['rank', 'model', 'score', 'pct', 'text', 'correct', 'required', 'general', 'pass']);
      for (const [i, key] of keys.entries()) {
        for (let click = 0; click < 2; click++) {
          const before = await page.locator(`th[data-key=${key}]`).getAttribute('aria-sort');
          await page.locator(`th[data-key=${key}] button`).click();
          await page.waitForFunction(([k, b]) => document.querySelector(`th[data-key=${k}]`)?.getAttribute('aria-sort') !== b, [key, before] as const);
          const dir = await page.locator(`th[data-key=${key}]`).getAttribute('aria-sort');
          expect(['ascending', 'descending']).toContain(dir);
          const texts = await page.locator(`table.board tbody tr td:nth-child(${i + 1})`).evaluateAll((tds) =>
            tds.map((td) => (td.querySelector('a') ?? td.querySelector('.pcttext') ?? td).textContent ?? ''),
          );
          const sign = dir === 'ascending' ? 1 : -1;
          for (let j = 1; j < texts.length; j++) {
            const a = texts[j - 1] as string;
            const b = texts[j] as string;
            const c = key === 'model' ? a.toLowerCase().localeCompare(b.toLowerCase()) : cellNumber(a) - cellNumber(b);
            expect(sign * c, `${key} ${dir}: ${a} before ${b}`).toBeLessThanOrEqual(0);
          }
        }
      }
      // The sort is in the URL (shareable).
      expect(page.url()).toMatch(/sort=pass/);
      await close(o);
    });

    it('draws both score charts with a bar per run and a tooltip on hover', async () => {
      const o = await open(base(), '#/');
      const { page } = o;
      for (const id of ['chart-all', 'chart-text']) {
        await page.locator(`[data-testid=${id}] svg`).scrollIntoViewIfNeeded();
        expect(await page.locator(`[data-testid=${id}] g.barrow`).count()).toBe(lb.runs.length);
      }
      const caption = await page.locator('figure figcaption').allInnerTexts();
      expect(caption).toEqual(['Score % — all 400 questions', 'Score % — text-only 302 questions']);
      // The text-only chart is ordered by the text-only score.
      const bestText = [...lb.runs].sort((a, b) => b.summary.text_only_score_pct - a.summary.text_only_score_pct)[0] as RunEntry;
      const bar = page.locator('[data-testid=chart-text] g.barrow').first();
      await bar.hover();
      const tip = page.locator('#tooltip');
      await tip.waitFor({ state: 'visible' });
      const text = await tip.innerText();
      expect(text).toContain(`${bestText.summary.text_only_score}/${bestText.summary.text_only_score_max} points`);
      expect(text).toMatch(/\d+\.\d%/);
      await close(o);
    });
  });

  describe(`per-question view (${mode})`, () => {
    it('opens a deep link with the chosen models side by side, and their answers', async () => {
      const [a, b] = ranked();
      const ids = [(a as RunEntry).id, (b as RunEntry).id];
      const o = await open(base(), `#/question/120D-16?models=${ids.join(',')}`);
      const { page } = o;
      await page.waitForSelector('[data-testid=answers] article.answer:not(.loading) .answers');
      expect(await page.locator('[data-testid=question-detail] section.question').getAttribute('data-qid')).toBe('120D-16');
      const q = questions.questions.find((x) => x.id === '120D-16');
      expect(await page.locator('[data-testid=question-detail] .gold').innerText()).toContain((q?.answer ?? []).join(', '));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer.loading').length === 0);
      const cards = page.locator('[data-testid=answers] article.answer');
      expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(ids);
      for (const id of ids) {
        const rec = (await runData(id)).records.find((r) => r.question_id === '120D-16') as RecordView;
        const pred = page.locator(`article[data-run="${id}"] [data-testid=predicted]`);
        expect(await pred.innerText()).toBe(`Predicted: ${rec.predicted.join(', ') || '—'}`);
        expect(await pred.getAttribute('class')).toContain(rec.correct ? 'ok' : 'bad');
      }
      expect(await page.locator('nav.nav a.active').innerText()).toBe('Questions');
      await close(o);
    });

    it('picks a block and a question from a list with text previews, and switches instantly', async () => {
      const o = await open(base(), '#/question');
      const { page } = o;
      await page.locator('[data-testid=blocks] button[data-block=C]').click();
      await page.waitForSelector('[data-testid=question-picker] a[data-qid="120C-1"].active');
      const items = page.locator('[data-testid=question-picker] a');
      const inC = questions.questions.filter((q) => q.block === 'C');
      expect(await items.count()).toBe(inC.length);
      const previews = await page.locator('[data-testid=question-picker] a .prev').allInnerTexts();
      expect(previews.every((p) => p.length > 5)).toBe(true);
      // The preview is the question text (number stripped), not a copy of the id.
      expect((inC[2]?.text ?? '').replace(/\s+/g, ' ')).toContain(previews[2]?.replace(/…$/, '').trim().slice(0, 10));
      await items.nth(2).click();
      await page.waitForSelector('[data-testid=question-detail] section.question[data-qid="120C-3"]');
      expect(page.url()).toContain('#/question/120C-3');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer:not(.loading)').length === 3);
      // Next question: records are cached, so the answers render with the question.
      await page.locator('[data-testid=question-detail] [data-testid=next]').click();
      await page.waitForSelector('[data-testid=question-detail] section.question[data-qid="120C-4"]');
      expect(await page.locator('[data-testid=answers] article.answer.loading').count()).toBe(0);
      // Choose models: untick one.
      const boxes = page.locator('[data-testid=model-chooser] input[type=checkbox]');
      expect(await boxes.count()).toBe(lb.runs.length);
      await page.locator('[data-testid=model-chooser] input:checked').first().uncheck();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer').length === 2);
      expect(page.url()).toMatch(/models=/);
      await close(o);
    });

    it('shows the clinical images and enlarges one on click', async () => {
      const q = questions.questions.find((x) => x.images.length >= 2) ?? questions.questions.find((x) => x.images.length > 0);
      expect(q).toBeTruthy();
      const o = await open(base(), `#/question/${q?.id}`);
      const { page } = o;
      const imgs = page.locator('[data-testid=question-detail] .images img');
      expect(await imgs.count()).toBe(q?.images.length);
      for (let i = 0; i < (q?.images.length ?? 0); i++) {
        await imgs.nth(i).scrollIntoViewIfNeeded();
        await page.waitForFunction((n) => {
          const el = document.querySelectorAll<HTMLImageElement>('[data-testid=question-detail] .images img')[n];
          return Boolean(el && el.complete && el.naturalWidth > 0);
        }, i);
      }
      await page.locator('[data-testid=question-detail] .images button').first().click();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('#lightbox:not([hidden]) img');
        return Boolean(img && img.complete && img.naturalWidth > 0);
      });
      const box = await page.locator('#lightbox img').boundingBox();
      const thumb = await imgs.first().boundingBox();
      expect((box?.width ?? 0) > (thumb?.width ?? 0)).toBe(true);
      await page.keyboard.press('Escape');
      await page.locator('#lightbox').waitFor({ state: 'hidden' });
      await close(o);
    });
  });
}

describe('per-model view', () => {
  it('shows the summary, accuracy by block, and the list; a row opens the detail', async () => {
    const top = ranked()[0] as RunEntry;
    const o = await open(viewer.url, '#/');
    const { page } = o;
    await page.locator(`tr[data-run="${top.id}"] td.model a`).click();
    await page.waitForSelector('[data-testid=question-list] tbody tr');
    expect(page.url()).toContain(`#/model/${top.id}`);
    const cards = await page.locator('[data-testid=model-summary]').innerText();
    expect(cards).toContain(`${top.summary.score}/500`);
    expect(cards).toContain(`${top.summary.required_score}/200`);
    expect(cards).toMatch(/pass \(≥ 160\)/);
    expect(await page.locator('[data-testid=by-block] tbody tr').count()).toBe(6);
    expect(await page.locator('[data-testid=question-list] tbody tr').count()).toBe(400);
    const run = await runData(top.id);
    const wrong = run.records.find((r) => !r.correct) as RecordView;
    await page.locator(`[data-testid=question-list] tr[data-qid="${wrong.question_id}"]`).click();
    await page.waitForSelector(`[data-testid=detail] section.question[data-qid="${wrong.question_id}"]`);
    expect(page.url()).toContain(`q=${wrong.question_id}`);
    const pred = page.locator('[data-testid=detail] [data-testid=predicted]');
    expect(await pred.getAttribute('class')).toContain('bad');
    expect(await page.locator('[data-testid=detail] .goldans').innerText()).toBe(`Gold: ${wrong.gold.join(', ')}`);
    expect(await page.locator('[data-testid=detail] .raw .md').innerText()).not.toBe('');
    expect(await page.locator(`[data-testid=question-list] tr.selected`).getAttribute('data-qid')).toBe(wrong.question_id);
    await close(o);
  });

  it('filters by block, result, image and type, with the filtered score and accuracy', async () => {
    const id = (ranked()[3] as RunEntry).id;
    const run = await runData(id);
    const byQ = new Map(run.records.map((r) => [r.question_id, r]));
    const o = await open(viewer.url, `#/model/${id}`);
    const { page } = o;
    const checks: [string, string][] = [
      ...exam.rules.blocks.map((b) => ['block', b] as [string, string]),
      ['result', 'correct'],
      ['result', 'incorrect'],
      ['image', 'with'],
      ['image', 'text'],
      ['type', 'choice'],
      ['type', 'calculation'],
    ];
    const expected = (f: Record<string, string>) => {
      const qs = questions.questions.filter((q) => {
        const r = byQ.get(q.id) as RecordView;
        if (f['block'] && q.block !== f['block']) return false;
        if (f['result'] && (f['result'] === 'correct') !== r.correct) return false;
        if (f['image'] && (f['image'] === 'with') !== q.requiresImage) return false;
        if (f['type'] && (f['type'] === 'calculation') !== (q.type === 'calculation')) return false;
        return true;
      });
      const pts = qs.reduce((s, q) => s + q.points, 0);
      const earned = qs.filter((q) => byQ.get(q.id)?.correct).reduce((s, q) => s + q.points, 0);
      return { n: qs.length, pts, earned, correct: qs.filter((q) => byQ.get(q.id)?.correct).length, ids: qs.map((q) => q.id) };
    };
    for (const [name, value] of checks) {
      await page.locator(`select[data-filter=${name}]`).selectOption(value);
      const e = expected({ [name]: value });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=question-list] tbody tr').length === n && document.querySelector('[data-testid=filtered]')?.textContent?.startsWith(`${n} question`), e.n);
      const text = await page.locator('[data-testid=filtered]').innerText();
      expect(text, `${name}=${value}`).toContain(`score ${e.earned}/${e.pts}`);
      expect(text).toContain(`(${e.correct}/${e.n})`);
      expect(await page.locator('[data-testid=question-list] tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-qid')))).toEqual(e.ids);
      expect(page.url()).toContain(`${name}=${value}`);
      await page.locator(`select[data-filter=${name}]`).selectOption('');
    }
    // Combined filters.
    await page.locator('select[data-filter=block]').selectOption('E');
    await page.locator('select[data-filter=result]').selectOption('correct');
    await page.locator('select[data-filter=image]').selectOption('text');
    const e = expected({ block: 'E', result: 'correct', image: 'text' });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=question-list] tbody tr').length === n, e.n);
    expect(await page.locator('[data-testid=filtered]').innerText()).toContain(`score ${e.earned}/${e.pts}`);
    await close(o);
  });

  it('opens a deep link with filters and a question selected; shows reasoning or says there is none', async () => {
    const withReasoning = lb.runs.find((r) => r.file === 'openai_gpt-5.2.json') as RunEntry;
    const without = lb.runs.find((r) => r.file === 'Qwen_Qwen3-32B_nothink.json') as RunEntry;
    const o = await open(viewer.url, `#/model/${withReasoning.id}?q=120D-16&block=D&result=incorrect`);
    const { page } = o;
    await page.waitForSelector('[data-testid=detail] section.question[data-qid="120D-16"]');
    expect(await page.locator('select[data-filter=block]').inputValue()).toBe('D');
    expect(await page.locator('select[data-filter=result]').inputValue()).toBe('incorrect');
    const rows = await page.locator('[data-testid=question-list] tbody tr').evaluateAll((trs) => trs.map((t) => [t.getAttribute('data-qid'), t.className]));
    expect(rows.length).toBeGreaterThan(0);
    for (const [qid, cls] of rows) {
      expect(qid).toMatch(/^120D-/);
      expect(cls).toContain('row-bad');
    }
    expect(await page.locator('[data-testid=detail] details.reasoning .md').count()).toBe(1);
    expect(await page.locator('[data-testid=detail] .no-reasoning').count()).toBe(0);
    // Another model, same question: no reasoning in that file.
    await page.locator('[data-testid=model-picker]').selectOption(without.id);
    await page.waitForSelector(`.view.model[data-run="${without.id}"] [data-testid=detail] section.question[data-qid="120D-16"]`);
    expect(await page.locator('[data-testid=detail] .no-reasoning').innerText()).toBe('This model gives no reasoning.');
    // Serial questions show their shared case.
    const serial = questions.questions.find((q) => q.serial) as QuestionsPayload['questions'][number];
    await page.goto(`${viewer.url}#/model/${without.id}?q=${serial.id}`);
    await page.waitForSelector(`[data-testid=detail] section.question[data-qid="${serial.id}"] .context`);
    expect(await page.locator('[data-testid=detail] .context').innerText()).toContain(serial.serial?.context.slice(0, 20).trim());
    await close(o);
  });
});

describe('untrusted model output', () => {
  for (const hash of [`#/model/${EVIL_ID}?q=${EVIL_QID}`, `#/question/${EVIL_QID}?models=${EVIL_ID}`]) {
    it(`renders hostile Markdown/HTML as text, runs no script, keeps no javascript: link (${hash.split('?')[0]})`, async () => {
      const o = await open(viewer.url, hash);
      const { page } = o;
      const scope = hash.startsWith('#/model') ? '[data-testid=detail]' : `article[data-run="${EVIL_ID}"]`;
      await page.waitForSelector(`${scope} .raw .md`);
      for (const d of await page.locator(`${scope} details`).all()) await d.evaluate((el) => el.setAttribute('open', ''));
      await page.waitForTimeout(300); // give any onerror a chance to fire
      const text = await page.locator(`${scope} .raw .md`).innerText();
      expect(text).toContain('<img src=x onerror=alert(1)>');
      expect(text).toContain('<script>alert(1)</script>');
      expect(await page.locator(`${scope} .reasoning .md`).innerText()).toContain('<script>alert(1)</script>');
      const found = await page.evaluate(() => ({
        scripts: document.querySelectorAll('#app script, #app iframe, #app object, #app embed').length,
        badImgs: document.querySelectorAll('img[src="x"], img[onerror], [onerror], [onclick]').length,
        jsLinks: [...document.querySelectorAll('a')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
        mdLinks: [...document.querySelectorAll('.md a')].map((a) => a.getAttribute('href')),
      }));
      expect(found.scripts).toBe(0);
      expect(found.badImgs).toBe(0);
      expect(found.jsLinks).toBe(0);
      for (const h of found.mdLinks) expect(h ?? '').toMatch(/^(https?:|mailto:|[^:]*$)/i);
      // Clicking the would-be link does nothing harmful.
      await page.getByText('[click](javascript:alert(1))', { exact: false }).first().click();
      await page.waitForTimeout(100);
      expect(o.dialogs).toEqual([]);
      await close(o);
    });
  }
});

describe('screenshots (laptop and phone)', () => {
  it('captures every view at both widths', async () => {
    const top = ranked()[0] as RunEntry;
    const views: [string, string][] = [
      ['leaderboard', '#/'],
      ['model', `#/model/${top.id}?q=120A-16`],
      ['question', `#/question/120A-16?models=${ranked().slice(0, 3).map((r) => r.id).join(',')}`],
    ];
    for (const [size, vp] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
      for (const [name, hash] of views) {
        const o = await open(viewer.url, hash, vp);
        await o.page.waitForTimeout(300);
        const path = join(shotsDir, `${size}-${name}.png`);
        await o.page.screenshot({ path, fullPage: false });
        expect(existsSync(path)).toBe(true);
        // Nothing wider than the viewport at phone width (the tables scroll inside their box).
        const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${size} ${name}`).toBeLessThanOrEqual(1);
        await close(o);
      }
    }
    console.log(`viewer screenshots: ${shotsDir}`);
  });
});
