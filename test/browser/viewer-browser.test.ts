import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { exportSite } from '../../src/viewer/export.js';
import { startViewer, type Viewer } from '../../src/viewer/server.js';
import { buildSeries } from '../../src/reports/series.js';
import { loadResultDir, loadResultFile } from '../../src/runs/collection.js';
import { compareWithExaminees } from '../../src/scoring/examinees.js';
import { formatPercent } from '../../src/util/round.js';
import type { LeaderboardPayload, QuestionsPayload, RecordView, RunEntry, RunPayload } from '../../src/viewer/types.js';
import { DATA_ROOT } from '../helpers/data.js';
import { fetchJson, launchChromium, PHONE, serveStatic } from '../helpers/browser.js';
import {
  SKIPPED_FILES,
  SYSTEM_LINK,
  EVIL_ID,
  EVIL_NAME,
  EVIL_QID,
  makePastExamsFixture,
  makeResultsFixture,
  PAST_120_FILE,
  type Fixture,
} from '../helpers/viewer-fixture.js';

/**
 * End-to-end: Debian's Chromium (playwright-core, never a downloaded browser)
 * against `jmle-bench view` serving the real result files, and against a static
 * export served by a plain file server. One browser for the whole file.
 */

const LAPTOP = { width: 1366, height: 900 };

const { exam } = loadExam({ dataDir: DATA_ROOT });
let fx: Fixture;
let viewer: Viewer;
let past: Fixture;
let pastViewer: Viewer;
let pastStaticUrl: string;
let exportDir: string;
let staticServer: Server;
let staticUrl: string;
let browser: Browser;
let shotsDir: string;

// Expected data, fetched from the server (not from the UI).
let lb: LeaderboardPayload;
let questions: QuestionsPayload;
const runCache = new Map<string, RunPayload>();

async function runData(id: string): Promise<RunPayload> {
  let r = runCache.get(id);
  if (!r) {
    r = await fetchJson<RunPayload>(`${viewer.url}api/runs/${encodeURIComponent(id)}`);
    runCache.set(id, r);
  }
  return r;
}
/** The server's ranking (checked against buildLeaderboard and reports/ranking.ts in viewer-rank.test.ts); the app only renders it. */
function ranked(): RunEntry[] {
  return [...lb.runs];
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
  past = makePastExamsFixture();
  viewer = await startViewer({ resultsDir: fx.dir, port: 0, dataDir: DATA_ROOT });
  pastViewer = await startViewer({ resultsDir: past.dir, port: 0, dataDir: DATA_ROOT });
  const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-site-'));
  exportDir = join(root, 'site');
  exportSite(exportDir, { resultsDir: fx.dir, dataDir: DATA_ROOT });
  exportSite(join(root, 'past'), { resultsDir: past.dir, dataDir: DATA_ROOT });
  const st = await serveStatic(root);
  staticServer = st.server;
  staticUrl = st.url;
  pastStaticUrl = st.url.replace(/\/site\/$/, '/past/');
  shotsDir = process.env['VIEWER_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'jmle-viewer-shots-'));
  mkdirSync(shotsDir, { recursive: true });
  browser = await launchChromium();
  lb = await fetchJson<LeaderboardPayload>(`${viewer.url}api/exams/120/leaderboard`);
  questions = await fetchJson<QuestionsPayload>(`${viewer.url}api/exams/120/questions`);
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  await pastViewer?.close();
  await new Promise((r) => staticServer?.close(r));
  if (past) rmSync(past.dir, { recursive: true, force: true });
  if (exportDir) rmSync(join(exportDir, '..'), { recursive: true, force: true });
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

/** A cell's sort value as the reader sees it; null for "—" (no value: sorted last either way). */
const cellNumber = (t: string): number | null => {
  if (t.trim() === '—') return null;
  if (t.trim() === 'unknown') return -1; // 禁忌肢 not disclosed: sorts below 0
  if (t.includes('✓?')) return 2;
  if (t.includes('✓')) return 3;
  if (t.includes('✗')) return 0;
  return Number((t.replace(/,/g, '').match(/-?\d+(\.\d+)?/) ?? ['NaN'])[0]);
};

for (const mode of ['server', 'static export'] as const) {
  const base = () => (mode === 'server' ? viewer.url : staticUrl);

  describe(`leaderboard (${mode})`, () => {
    it('shows every run ranked, the headline figures, the rule, and the skipped files', async () => {
      const o = await open(base(), '#/');
      const { page } = o;
      const order = ranked();
      expect(order.map((r) => r.rank)).toEqual(order.map((_, i) => i + 1));
      const rows = page.locator('table.board tbody tr');
      expect(await rows.count()).toBe(order.length);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(order.map((r) => r.id));
      // The verdict is the server's (the app has no pass rule of its own).
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict')))).toEqual(order.map((r) => r.verdict));
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
      expect(skipped).toContain(`${SKIPPED_FILES.length} result files were skipped`);
      await page.locator('[data-testid=skipped] summary').click();
      const list = await page.locator('[data-testid=skipped] li').allInnerTexts();
      expect(list.map((l) => l.split(':')[0]).sort()).toEqual([...SKIPPED_FILES].sort());
      expect(list.join('\n')).toMatch(/not valid JSON/);
      // A symlink to a system file: named, never quoted.
      const firstLine = readFileSync(SYSTEM_LINK.target, 'utf8').split('\n')[0] as string;
      expect(list.join('\n')).not.toContain(firstLine.slice(0, 8));
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
      // The synthetic run records tokens, latency and finish reasons: their columns appear.
      expect(keys).toEqual([
        'rank',
        'model',
        'score',
        'pct',
        'ci',
        'rankrange',
        'ppassexam',
        'text',
        'correct',
        'required',
        'general',
        'kinki',
        'tokens',
        'latency',
        'truncated',
        'verdict',
      ]);
      for (const [i, key] of keys.entries()) {
        for (let click = 0; click < 2; click++) {
          const before = await page.locator(`th[data-key=${key}]`).getAttribute('aria-sort');
          await page.locator(`th[data-key=${key}] button`).click();
          await page.waitForFunction(([k, b]) => document.querySelector(`th[data-key=${k}]`)?.getAttribute('aria-sort') !== b, [key, before] as const);
          const dir = await page.locator(`th[data-key=${key}]`).getAttribute('aria-sort');
          expect(['ascending', 'descending']).toContain(dir);
          const texts = await page
            .locator(`table.board tbody tr td:nth-child(${i + 1})`)
            .evaluateAll((tds) => tds.map((td) => (td.querySelector('a') ?? td.querySelector('.pcttext') ?? td).textContent ?? ''));
          const sign = dir === 'ascending' ? 1 : -1;
          // Cells without a value come last, in either direction.
          const firstEmpty = texts.findIndex((t) => key !== 'model' && cellNumber(t) === null);
          if (firstEmpty >= 0)
            expect(
              texts.slice(firstEmpty).every((t) => cellNumber(t) === null),
              `${key} ${dir}: empty cells last`,
            ).toBe(true);
          const valued = firstEmpty >= 0 ? texts.slice(0, firstEmpty) : texts;
          for (let j = 1; j < valued.length; j++) {
            const a = valued[j - 1] as string;
            const b = valued[j] as string;
            const c = key === 'model' ? a.toLowerCase().localeCompare(b.toLowerCase(), 'ja') : (cellNumber(a) as number) - (cellNumber(b) as number);
            expect(sign * c, `${key} ${dir}: ${a} before ${b}`).toBeLessThanOrEqual(0);
          }
        }
      }
      // The sort is in the URL (shareable).
      expect(page.url()).toMatch(/sort=verdict/);
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
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll('[data-testid=question-list] tbody tr').length === n &&
          document.querySelector('[data-testid=filtered]')?.textContent?.startsWith(`${n} question`),
        e.n,
      );
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

describe('past exams (IgakuQA imports for the 112th and 116th, a real 120th run)', () => {
  const exam116 = () => loadExam({ exam: '116', dataDir: DATA_ROOT }).exam;
  const loadedPast = (file: string) => loadResultFile(join(past.dir, file), { dataDir: DATA_ROOT });

  it('switches exams from the header: one leaderboard per exam, the exam in the URL', async () => {
    const o = await open(pastViewer.url, '#/');
    const { page } = o;
    expect(await page.locator('#app').getAttribute('data-exam')).toBe('120');
    expect(await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-run')))).toEqual(['openai_gpt-5.2']);
    expect(await page.locator('table.board tbody td.kinki').innerText()).toBe('unknown');
    expect(await page.locator('[data-testid=examinee-card]').count()).toBe(0);
    const options = await page.locator('[data-testid=exam-picker] option').evaluateAll((os) => os.map((x) => (x as HTMLOptionElement).value));
    expect(options).toEqual(['112', '116', '120']);

    await page.locator('[data-testid=exam-picker]').selectOption('116');
    await page.waitForSelector('#app[data-ready][data-exam="116"]');
    expect(page.url()).toMatch(/#\/\?exam=116$/);
    const runs = ['igakuqa_gpt4_116.json', 'igakuqa_student-majority_116.json'].map((f) => ({ id: f.replace(/\.json$/, ''), run: loadedPast(f) }));
    runs.sort((a, b) => b.run.summary.score_pct - a.run.summary.score_pct);
    expect(await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-run')))).toEqual(runs.map((r) => r.id));
    for (const r of runs) {
      expect(await page.locator(`tr[data-run="${r.id}"] td.kinki`).innerText()).toBe(String(r.run.summary.kinki.selected));
      expect(await page.locator(`tr[data-run="${r.id}"] td.score`).innerText()).toBe(`${r.run.summary.score}/${r.run.summary.score_max}`);
    }
    const cmp = compareWithExaminees(runs[0]?.run.file.results ?? [], exam116());
    expect(await page.locator('[data-testid=examinee-card]').innerText()).toContain(formatPercent(cmp.examinee_accuracy ?? NaN));
    expect(await page.locator('[data-testid=rule]').innerText()).toContain('≥ 158/197');
    // The charts cover the scored questions (the 116th excludes some), as the CLI's "All (N Questions)".
    const scored = exam116().questions.filter((q) => q.points > 0);
    expect(await page.locator('figure figcaption').allInnerTexts()).toEqual([
      `Score % — all ${scored.length} questions`,
      `Score % — text-only ${scored.filter((q) => !q.requiresImage).length} questions`,
    ]);
    // Links made on this page keep the exam; a deep link to another exam opens it.
    expect(await page.locator('nav.nav a[data-nav=question]').getAttribute('href')).toBe('#/question?exam=116');
    await page.goto(`${pastViewer.url}#/?exam=112`);
    await page.waitForSelector('#app[data-ready][data-exam="112"]');
    expect(await page.locator('table.board tbody tr').count()).toBe(2);
    expect(await page.locator('[data-testid=exam-picker]').inputValue()).toBe('112');
    // An exam not in the folder: a notice, not a crash.
    await page.goto(`${pastViewer.url}#/?exam=115`);
    await page.waitForFunction(() => document.querySelector('#main .notice')?.textContent?.includes('No exam "115"'));
    await close(o);
  });

  for (const mode of ['server', 'static export'] as const) {
    it(`series view (${mode}): the rows and cells of buildSeries, linked to each run`, async () => {
      const expected = buildSeries(loadResultDir(past.dir, { dataDir: DATA_ROOT }).runs, ['112', '116', '120']);
      const o = await open(mode === 'server' ? pastViewer.url : pastStaticUrl, '#/series');
      const { page } = o;
      expect(await page.locator('nav.nav a.active').innerText()).toBe('Series');
      const rows = page.locator('table.series tbody tr');
      expect(await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-name')))).toEqual(expected.rows.map((r) => r.name));
      for (const [i, want] of expected.rows.entries()) {
        for (const e of expected.exams) {
          const text = (await rows.nth(i).locator(`td[data-exam="${e}"]`).innerText()).replace(/\s+/g, ' ');
          const c = want.cells[e];
          if (!c) expect(text).toBe('–');
          else {
            const mark = c.passed === true ? '✓' : c.passed === false ? '✗' : '?';
            expect(text).toContain(`${c.score}/${c.scoreMax} ${mark}`);
            expect(text).toContain(formatPercent(c.scorePct));
          }
        }
        expect(await rows.nth(i).locator('td.mean').innerText()).toContain(formatPercent(want.meanPct ?? NaN));
      }
      expect(await page.locator('[data-testid=series-legend]').innerText()).toContain('jmle-bench leaderboard --exams 112,116,120');
      // A cell opens that run, in its exam.
      await rows.first().locator('td[data-exam="116"] a').click();
      await page.waitForSelector('#app[data-ready][data-exam="116"] .view.model[data-run="igakuqa_gpt4_116"]');
      expect(page.url()).toContain('#/model/igakuqa_gpt4_116?exam=116');
      await close(o);
    });
  }

  it('per-model view: accuracy against the examinees, the surprising questions both ways, 禁忌肢 selected', async () => {
    const run = loadedPast('igakuqa_gpt4_116.json');
    const cmp = compareWithExaminees(run.file.results, exam116());
    const hit = run.summary.kinki.selections[0];
    expect(hit).toBeTruthy();
    // No exam in the link: the run says which.
    const o = await open(pastViewer.url, `#/model/igakuqa_gpt4_116?q=${hit?.question_id}`);
    const { page } = o;
    await page.waitForSelector(`[data-testid=detail] section.question[data-qid="${hit?.question_id}"]`);
    expect(await page.locator('#app').getAttribute('data-exam')).toBe('116');
    const summary = await page.locator('[data-testid=examinee-summary]').innerText();
    expect(summary).toContain(`Model accuracy ${formatPercent(cmp.model_accuracy ?? NaN)}`);
    expect(summary).toContain(`average ${formatPercent(cmp.examinee_accuracy ?? NaN)}`);
    expect(summary).toContain(`over ${cmp.questions} scored questions`);
    // Unfiltered, the list's accuracy is the summary's: 0-point (excluded) questions count for nothing.
    const excluded = run.file.results.filter((r) => r.points === 0).length;
    expect(excluded).toBeGreaterThan(0);
    const filtered = await page.locator('[data-testid=filtered]').innerText();
    expect(filtered).toContain(`accuracy ${formatPercent(run.summary.accuracy)} (${run.summary.correct}/${run.summary.correct + run.summary.incorrect})`);
    expect(filtered).toContain(`${excluded} excluded from scoring`);
    const missed = await page.locator('[data-testid=missed-list] tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-qid')));
    expect(missed).toEqual(cmp.missed_but_examinees_right.map((x) => x.question_id));
    const beat = await page.locator('[data-testid=beat-list] tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-qid')));
    expect(beat).toEqual(cmp.right_but_examinees_missed.map((x) => x.question_id));
    const first = cmp.missed_but_examinees_right[0];
    expect(await page.locator('[data-testid=missed-list] tbody tr').first().innerText()).toContain(formatPercent(first?.human_accuracy ?? NaN));
    // 禁忌肢: the count, the question, the choice marked in the detail and in the list.
    const kinkiCard = await page.locator('[data-testid=kinki-card]').innerText();
    expect(kinkiCard).toContain(String(run.summary.kinki.selected));
    expect(kinkiCard).toContain(hit?.question_id);
    expect(await page.locator('[data-testid=detail] [data-testid=kinki-hit]').innerText()).toBe(`⚠ 禁忌肢 selected: ${hit?.choices.join(', ')}`);
    expect(await page.locator(`[data-testid=question-list] tr[data-qid="${hit?.question_id}"] .kinkibadge`).count()).toBe(1);
    // The question's examinee figures: share correct and one bar per option, prohibited choices marked.
    const q = exam116().byId.get(hit?.question_id ?? '');
    expect(await page.locator('[data-testid=detail] [data-testid=human-accuracy]').innerText()).toBe(formatPercent(q?.humanAccuracy ?? NaN));
    expect(await page.locator('[data-testid=detail] [data-testid=breakdown] tr').count()).toBe(Object.keys(q?.breakdown ?? {}).length);
    for (const c of hit?.choices ?? [])
      expect(await page.locator(`[data-testid=detail] [data-testid=breakdown] tr[data-option="${c}"]`).getAttribute('class')).toBe('is-kinki');
    // Switching to the 120th run on the same viewer: 禁忌肢 unknown, no examinee section.
    await page.goto(`${pastViewer.url}#/model/${PAST_120_FILE.replace(/\.json$/, '')}`);
    await page.waitForSelector('#app[data-ready][data-exam="120"] .view.model');
    const card120 = await page.locator('[data-testid=kinki-card]').innerText();
    expect(card120).toContain('unknown');
    expect(card120).not.toMatch(/\b0\b/);
    expect(await page.locator('[data-testid=examinee-cmp]').count()).toBe(0);
    await close(o);
  });

  it('renders past-exam questions whose image is not in the dataset, with a note, and keeps the question previews whole', async () => {
    const q = exam116().questions.find((x) => x.requiresImage && x.humanAccuracy !== undefined && x.block === 'A');
    expect(q?.images).toEqual([]);
    const o = await open(pastViewer.url, `#/question/${q?.id}?exam=116`);
    const { page } = o;
    await page.waitForSelector(`[data-testid=question-detail] section.question[data-qid="${q?.id}"]`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=answers] article.answer:not(.loading)').length === 2);
    expect(await page.locator('[data-testid=question-detail] [data-testid=no-image]').innerText()).toContain('not available in this dataset');
    expect(await page.locator('[data-testid=question-detail] .images img').count()).toBe(0);
    expect(await page.locator('[data-testid=question-detail] [data-testid=human-accuracy]').innerText()).toBe(formatPercent(q?.humanAccuracy ?? NaN));
    expect(await page.locator('[data-testid=question-detail] [data-testid=kinki-meta]').innerText()).toContain(
      `禁忌肢 ${q?.kinki?.length ? q.kinki.join(', ') : 'none'}`,
    );
    // IgakuQA texts start with the stem ("50歳の男性…"), not a question number: the preview keeps it.
    const starts = exam116().questions.filter((x) => x.block === q?.block && /^\d/.test(x.text));
    expect(starts.length).toBeGreaterThan(0);
    const firstDigit = starts[0] as (typeof starts)[number];
    expect(await page.locator(`[data-testid=question-picker] a[data-qid="${firstDigit.id}"] .prev`).innerText()).toMatch(
      new RegExp(`^${firstDigit.text.match(/^\d+/)?.[0]}`),
    );
    // The 120th on the same viewer: the question id says which exam; 禁忌肢 unknown.
    await page.goto(`${pastViewer.url}#/question/120A-16`);
    await page.waitForSelector('#app[data-ready][data-exam="120"] [data-testid=question-detail] section.question[data-qid="120A-16"]');
    expect(await page.locator('[data-testid=question-detail] [data-testid=kinki-meta]').innerText()).toContain('unknown');
    expect(await page.locator('[data-testid=question-detail] [data-testid=examinees]').count()).toBe(0);
    await close(o);
  });
});

describe('screenshots (laptop and phone)', () => {
  it('captures every view at both widths', async () => {
    const top = ranked()[0] as RunEntry;
    const views: [string, string][] = [
      ['leaderboard', '#/'],
      ['model', `#/model/${top.id}?q=120A-16`],
      [
        'question',
        `#/question/120A-16?models=${ranked()
          .slice(0, 3)
          .map((r) => r.id)
          .join(',')}`,
      ],
    ];
    const pastViews: [string, string][] = [
      ['series', '#/series'],
      ['leaderboard-116', '#/?exam=116'],
      ['model-116', '#/model/igakuqa_gpt4_116?q=116F67'],
      ['question-116', '#/question/116A20?exam=116'],
    ];
    // One page per width, moved from view to view (a fresh context per shot costs seconds).
    for (const [size, vp] of [
      ['laptop', LAPTOP],
      ['phone', PHONE],
    ] as const) {
      const o = await open(viewer.url, '#/', vp);
      for (const [name, hash, url] of [...views.map(([n, hs]) => [n, hs, viewer.url]), ...pastViews.map(([n, hs]) => [n, hs, pastViewer.url])] as [
        string,
        string,
        string,
      ][]) {
        await o.page.goto(url + hash);
        await o.page.waitForSelector('#app[data-ready]');
        await o.page.waitForTimeout(200);
        const path = join(shotsDir, `${size}-${name}.png`);
        await o.page.screenshot({ path, fullPage: false });
        expect(existsSync(path)).toBe(true);
        // Nothing wider than the viewport at phone width (the tables scroll inside their box).
        const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${size} ${name}`).toBeLessThanOrEqual(1);
      }
      await close(o);
    }
    console.log(`viewer screenshots: ${shotsDir}`);
  });
});
