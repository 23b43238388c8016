import type { ChartBar, QuestionView, RecordView } from '../../src/viewer/types.js';
import { imageUrl } from './api.js';
import { bar, h, s, replaceChildren, type Child } from './dom.js';
import { answer, interval, latency, pct, tokens, typeLabel } from './format.js';
import { renderMarkdown } from './markdown.js';
import { highlighted, highlightIn, hitRanges, isEmpty, parseQuery, type Query } from './search.js';

/** Building blocks shared by the views. Model output goes through renderMarkdown only. */

const NO_QUERY = parseQuery('');

// ---- lightbox: images open larger, zoom (beyond natural size) and pan ----------
interface Lightbox {
  readonly el: HTMLElement;
  readonly stage: HTMLElement;
  readonly img: HTMLImageElement;
  readonly zoomText: HTMLElement;
  readonly caption: HTMLElement;
  scale: number;
  x: number;
  y: number;
  fit: number;
}
let lb: Lightbox | undefined;
/** Largest zoom, as a multiple of the image's natural size. */
const MAX_ZOOM = 8;

export const lightboxOpen = (): boolean => Boolean(lb && !lb.el.hidden);

export function closeLightbox(): void {
  if (lb) lb.el.hidden = true;
}

function applyTransform(b: Lightbox): void {
  b.img.style.transform = `translate(${b.x}px, ${b.y}px) scale(${b.scale})`;
  b.zoomText.textContent = `${Math.round(b.scale * 100)}%`;
}

/** Zoom to `scale`, keeping the image point under (cx, cy) (stage coordinates) in place. */
function zoomTo(b: Lightbox, scale: number, cx?: number, cy?: number): void {
  const next = Math.min(Math.max(scale, Math.min(b.fit, 1) / 4), MAX_ZOOM);
  const px = cx ?? b.stage.clientWidth / 2;
  const py = cy ?? b.stage.clientHeight / 2;
  b.x = px - ((px - b.x) * next) / b.scale;
  b.y = py - ((py - b.y) * next) / b.scale;
  b.scale = next;
  applyTransform(b);
}

function fitImage(b: Lightbox): void {
  const w = b.img.naturalWidth || 1;
  const hgt = b.img.naturalHeight || 1;
  b.fit = Math.min(b.stage.clientWidth / w, b.stage.clientHeight / hgt);
  b.scale = b.fit;
  b.x = (b.stage.clientWidth - w * b.scale) / 2;
  b.y = (b.stage.clientHeight - hgt * b.scale) / 2;
  applyTransform(b);
}

/** Keys while the lightbox is open: + / − zoom, 0 natural size, f fit, Esc close. True when handled. */
export function lightboxKey(e: KeyboardEvent): boolean {
  if (!lb || lb.el.hidden) return false;
  const b = lb;
  if (e.key === 'Escape') closeLightbox();
  else if (e.key === '+' || e.key === '=') zoomTo(b, b.scale * 1.5);
  else if (e.key === '-' || e.key === '_') zoomTo(b, b.scale / 1.5);
  else if (e.key === '0') zoomTo(b, 1);
  else if (e.key === 'f') fitImage(b);
  else return e.key.startsWith('Arrow') || e.key === 'j' || e.key === 'k'; // no question navigation behind the image
  return true;
}

function makeLightbox(): Lightbox {
  const img = h('img', { class: 'lb-img', alt: '', draggable: 'false' });
  const stage = h('div', { class: 'lb-stage' }, img);
  const zoomText = h('span', { class: 'lb-zoom', 'data-testid': 'zoom' }, '100%');
  const caption = h('span', { class: 'lb-name' });
  const button = (label: string, title: string, act: () => void, testid: string) =>
    h('button', { type: 'button', title, 'aria-label': title, 'data-testid': testid, onclick: act }, label);
  const el = h('div', { class: 'lightbox', id: 'lightbox', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image', hidden: true });
  const b: Lightbox = { el, stage, img, zoomText, caption, scale: 1, x: 0, y: 0, fit: 1 };
  replaceChildren(
    el,
    h(
      'div',
      { class: 'lb-bar' },
      caption,
      h(
        'span',
        { class: 'lb-tools' },
        button('−', 'Zoom out (−)', () => zoomTo(b, b.scale / 1.5), 'zoom-out'),
        zoomText,
        button('+', 'Zoom in (+)', () => zoomTo(b, b.scale * 1.5), 'zoom-in'),
        button('1:1', 'Natural size (0)', () => zoomTo(b, 1), 'zoom-1'),
        button('Fit', 'Fit to the window (f)', () => fitImage(b), 'zoom-fit'),
        button('×', 'Close (Esc)', closeLightbox, 'lightbox-close'),
      ),
    ),
    stage,
    h('p', { class: 'caption' }, 'Scroll or + / − to zoom, drag to pan, double-click to zoom in, Esc or click outside to close'),
  );
  img.addEventListener('load', () => fitImage(b));
  stage.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = stage.getBoundingClientRect();
      zoomTo(b, b.scale * Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false },
  );
  let drag: { id: number; x: number; y: number; moved: boolean } | null = null;
  stage.addEventListener('pointerdown', (e) => {
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener('pointermove', (e) => {
    if (!drag || drag.id !== e.pointerId) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    drag.x = e.clientX;
    drag.y = e.clientY;
    b.x += dx;
    b.y += dy;
    applyTransform(b);
  });
  stage.addEventListener('pointerup', (e) => {
    const d = drag;
    drag = null;
    if (!d || d.moved) return;
    // A click (no drag) outside the image closes.
    const r = img.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) closeLightbox();
  });
  stage.addEventListener('dblclick', (e) => {
    const r = stage.getBoundingClientRect();
    zoomTo(b, b.scale * 2, e.clientX - r.left, e.clientY - r.top);
  });
  el.addEventListener('click', (e) => {
    if (e.target === el) closeLightbox();
  });
  document.body.appendChild(el);
  return b;
}

export function openLightbox(exam: string, name: string): void {
  lb ??= makeLightbox();
  lb.caption.textContent = name;
  lb.img.alt = name;
  lb.el.hidden = false;
  const src = imageUrl(exam, name);
  if (lb.img.getAttribute('src') === src && lb.img.complete) fitImage(lb);
  else lb.img.src = src;
}

export function imageStrip(q: QuestionView, exam: string): Child {
  const missing =
    q.missingImages.length > 0
      ? h(
          'p',
          { class: 'noimage', 'data-testid': 'missing-image' },
          `画像 ${q.missingImages.join(', ')}: listed by the dataset but not in the data folder (\`jmle-bench dataset pull --exam ${exam}\` fetches the images).`,
        )
      : null;
  if (q.images.length === 0) {
    if (missing) return missing;
    return q.requiresImage
      ? h('p', { class: 'noimage', 'data-testid': 'no-image' }, '画像 The original question has a clinical image, which is not available in this dataset.')
      : null;
  }
  const strip = h(
    'div',
    { class: 'images' },
    q.images.map((name) =>
      h(
        'button',
        { type: 'button', class: 'thumb', title: `${name} (click to enlarge and zoom)`, onclick: () => openLightbox(exam, name) },
        h('img', { src: imageUrl(exam, name), alt: name, loading: 'lazy', decoding: 'async' }),
      ),
    ),
  );
  return [missing, strip];
}

export function questionMeta(q: QuestionView): HTMLElement {
  return h(
    'p',
    { class: 'qmeta' },
    h('strong', null, q.id),
    ` · block ${q.block} · no. ${q.number} · ${q.points} pt${q.points === 1 ? '' : 's'} · ${typeLabel(q.type)}`,
    q.required ? ' · required (必修)' : ' · general',
    q.type === 'multiple_choice' ? ` · select ${q.selectCount}` : '',
    q.requiresImage ? ' · with image' : ' · text only',
    q.allCorrect ? ' · counted correct for everyone' : '',
    h('span', { class: 'kinkimeta', 'data-testid': 'kinki-meta' }, ` · 禁忌肢 ${kinkiList(q.kinki)}`),
  );
}

/** A question's prohibited choices in words: "c, e", "none", or "unknown" when not disclosed (never "none"). */
export function kinkiList(k: readonly string[] | null): string {
  return k === null ? 'unknown (not disclosed)' : k.length ? k.join(', ') : 'none';
}

/** The examinees on this question: share correct, and the share choosing each option (where published). */
export function examineeBlock(q: QuestionView): Child {
  if (q.humanAccuracy === null && q.breakdown === null) return null;
  const gold = new Set(q.answer);
  const kinki = new Set(q.kinki ?? []);
  const rows = q.breakdown ? Object.entries(q.breakdown).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return h(
    'div',
    { class: 'examinees', 'data-testid': 'examinees' },
    h('p', null, 'Examinees correct: ', h('strong', { 'data-testid': 'human-accuracy' }, q.humanAccuracy === null ? 'not published' : pct(q.humanAccuracy))),
    rows.length
      ? h(
          'table',
          { class: 'breakdown', 'data-testid': 'breakdown' },
          h('caption', null, 'Share of examinees choosing each option'),
          h(
            'tbody',
            null,
            rows.map(([opt, share]) =>
              h(
                'tr',
                { 'data-option': opt, class: gold.has(opt) ? 'is-gold' : kinki.has(opt) ? 'is-kinki' : null },
                h('th', { scope: 'row' }, opt),
                h('td', { class: 'barcell' }, bar(share, gold.has(opt) ? 'bar goldbar' : kinki.has(opt) ? 'bar kinkibar' : 'bar')),
                h('td', { class: 'num' }, pct(share)),
                h(
                  'td',
                  { class: 'marks' },
                  gold.has(opt) ? h('span', { class: 'tag ok' }, 'answer') : null,
                  kinki.has(opt) ? h('span', { class: 'tag bad' }, '禁忌') : null,
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

/** Serial-group context, the question (search words marked) and its images. */
export function questionBody(q: QuestionView, exam: string, showGold: boolean, query: Query = NO_QUERY): HTMLElement {
  return h(
    'section',
    { class: 'question', 'data-qid': q.id },
    questionMeta(q),
    q.serial
      ? h(
          'div',
          { class: 'context' },
          h('p', { class: 'label' }, `Case shared by ${q.serial.questions.join(', ')}`),
          h('div', { class: 'qtext' }, highlighted(q.serial.context, query)),
        )
      : null,
    h('div', { class: 'qtext' }, highlighted(q.text, query)),
    imageStrip(q, exam),
    showGold ? h('p', { class: 'gold' }, 'Answer: ', h('strong', null, answer(q.answer))) : null,
    examineeBlock(q),
  );
}

export function answerLine(r: RecordView): HTMLElement {
  return h(
    'p',
    { class: 'answers' },
    h('span', { class: `pred ${r.correct ? 'ok' : 'bad'}`, 'data-testid': 'predicted' }, `Predicted: ${answer(r.predicted)}`),
    h('span', { class: 'goldans' }, `Gold: ${answer(r.gold)}`),
    h('span', { class: `verdict ${r.correct ? 'ok' : 'bad'}` }, r.correct ? `✓ correct (+${r.earned})` : `✗ incorrect (0/${r.points})`),
    r.k !== undefined && r.K !== undefined ? h('span', { class: 'kk', title: 'answers right of answers given (repeated runs)' }, `${r.k}/${r.K} right`) : null,
    r.kinki && r.kinki.length ? h('span', { class: 'kinkihit', 'data-testid': 'kinki-hit' }, `⚠ 禁忌肢 selected: ${r.kinki.join(', ')}`) : null,
    r.truncated ? h('span', { class: 'truncbadge', 'data-testid': 'truncated', title: `finish reason ${r.finish_reason ?? ''}` }, '✂ truncated') : null,
  );
}

/** Tokens, latency, attempts and finish reason of one answer, where the file records them. */
export function behaviourLine(r: RecordView): Child {
  const parts: Child[] = [];
  const u = r.usage;
  if (u) {
    parts.push(
      h(
        'span',
        { 'data-testid': 'tokens' },
        `tokens: ${tokens(u.prompt_tokens)} prompt · ${tokens(u.completion_tokens)} completion · ${tokens(u.reasoning_tokens)} reasoning`,
      ),
    );
  }
  if (r.latency_ms !== null) parts.push(h('span', { 'data-testid': 'latency' }, `latency ${latency(r.latency_ms)}`));
  if (r.attempts !== null)
    parts.push(h('span', { class: r.attempts > 1 ? 'warnish' : null, 'data-testid': 'attempts' }, `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`));
  if (r.finish_reason !== null) {
    parts.push(
      h(
        'span',
        { class: r.truncated ? 'bad' : null, 'data-testid': 'finish' },
        `finish: ${r.finish_reason}${r.truncated ? ' (cut off at the token limit)' : ''}`,
      ),
    );
  }
  if (parts.length === 0) return null;
  return h(
    'p',
    { class: 'behaviour', 'data-testid': 'behaviour' },
    parts.map((p, i) => [i ? ' · ' : '', p]),
  );
}

/** Responses longer than this are shown collapsed, with "show all". */
export const COLLAPSE_CHARS = 1500;

/** Rendered Markdown, search words marked, collapsed behind "show all" when long (unless a search word is inside). */
function longText(text: string, query: Query, testid: string): HTMLElement {
  const body = renderMarkdown(text);
  const hits = highlightIn(body, query);
  if (text.length <= COLLAPSE_CHARS || hits > 0) return body;
  body.classList.add('collapsed');
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'showall',
      'data-testid': `${testid}-showall`,
      onclick: () => {
        const open = body.classList.toggle('collapsed');
        toggle.textContent = open ? `Show all (${text.length.toLocaleString('en')} characters)` : 'Show less';
      },
    },
    `Show all (${text.length.toLocaleString('en')} characters)`,
  );
  return h('div', { class: 'collapsible' }, body, toggle);
}

/** Reasoning and raw response of one record: untrusted, rendered safely. */
export function modelOutput(r: RecordView, opts: { reasoningOpen: boolean; query?: Query }): HTMLElement {
  const query = opts.query ?? NO_QUERY;
  const notes: Child[] = [];
  if (!r.parse_success) notes.push(h('li', null, 'no answer could be extracted'));
  if (r.parse_source === 'reasoning') notes.push(h('li', null, 'answer taken from the reasoning text'));
  for (const n of r.parse_notes) notes.push(h('li', null, n));
  if (r.error) notes.push(h('li', { class: 'bad' }, `request error: ${r.error}`));
  const reasoning = r.reasoning && r.reasoning.trim() ? r.reasoning : null;
  const reasoningHit = reasoning !== null && !isEmpty(query) && hitRanges(reasoning, query).length > 0;
  const reasoningEl = h(
    'details',
    { class: 'reasoning', open: opts.reasoningOpen || reasoningHit },
    h('summary', null, 'Reasoning'),
    reasoning ? longText(reasoning, query, 'reasoning') : null,
  );
  return h(
    'div',
    { class: 'output' },
    behaviourLine(r),
    notes.length ? h('ul', { class: 'notes' }, notes) : null,
    reasoning ? reasoningEl : h('p', { class: 'muted no-reasoning' }, 'This model gives no reasoning.'),
    h(
      'div',
      { class: 'raw' },
      h('p', { class: 'label' }, 'Response'),
      r.raw_response ? longText(r.raw_response, query, 'response') : h('p', { class: 'muted' }, '(empty response)'),
    ),
    r.raw_response ? h('details', { class: 'plain' }, h('summary', null, 'Response as plain text'), h('pre', null, r.raw_response)) : null,
  );
}

// ---- bar chart (inline SVG) with error bars and hover tooltips -----------------
export interface BarRow {
  readonly label: string;
  readonly bar: ChartBar;
  readonly detail: string;
  readonly href?: string;
}

let tip: HTMLElement | undefined;
function tooltip(): HTMLElement {
  if (!tip) {
    tip = h('div', { class: 'tooltip', role: 'tooltip', id: 'tooltip', hidden: true });
    document.body.appendChild(tip);
  }
  return tip;
}
function showTip(text: string, x: number, y: number): void {
  const t = tooltip();
  t.textContent = text;
  t.hidden = false;
  const w = t.offsetWidth;
  t.style.left = `${Math.max(4, Math.min(x + 12, window.innerWidth - w - 4))}px`;
  t.style.top = `${y + 14}px`;
}
function hideTip(): void {
  if (tip) tip.hidden = true;
}

function truncate(label: string, px: number): string {
  // Rough width: CJK ~12px, others ~7px at 12px font.
  let w = 0;
  let out = '';
  for (const ch of label) {
    w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 12 : 7;
    if (w > px) return out + '…';
    out += ch;
  }
  return out;
}

/**
 * The value axis of a chart: from 0, or zoomed to the bars and their intervals
 * so that scores between 83% and 99% are told apart; ticks at a round step.
 */
export function chartAxis(rows: readonly BarRow[], zoom: boolean): { min: number; max: number; ticks: number[] } {
  if (!zoom || rows.length === 0) return { min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const lows = rows.map((r) => Math.min(r.bar.pct, r.bar.ci?.low ?? r.bar.pct));
  const lowest = Math.min(...lows);
  const range = 1 - lowest;
  const step = range > 0.5 ? 0.1 : range > 0.2 ? 0.05 : range > 0.08 ? 0.02 : 0.01;
  const min = Math.max(0, Math.floor((lowest - step / 2) / step) * step);
  const ticks: number[] = [];
  for (let t = min; t <= 1 + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return { min: Math.round(min * 1000) / 1000, max: 1, ticks };
}

function drawChart(rows: readonly BarRow[], width: number, title: string, zoom: boolean): SVGSVGElement {
  const rowH = 22;
  const labelW = Math.min(Math.round(width * 0.42), 230);
  const valueW = 52;
  const barW = Math.max(40, width - labelW - valueW - 8);
  const height = rows.length * rowH + 24;
  const axis = chartAxis(rows, zoom);
  const x = (v: number) => labelW + ((Math.min(Math.max(v, axis.min), axis.max) - axis.min) / (axis.max - axis.min)) * barW;
  const step = (axis.ticks[1] ?? 1) - (axis.ticks[0] ?? 0);
  const tickText = (t: number) => `${(t * 100).toFixed(step < 0.01 ? 1 : 0)}%`;
  return s(
    'svg',
    { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title },
    axis.ticks.map((t) =>
      s(
        'g',
        null,
        s('line', { x1: x(t), x2: x(t), y1: 0, y2: height - 18, class: 'tick' }),
        s('text', { x: x(t), y: height - 4, class: 'ticklabel', 'text-anchor': 'middle' }, tickText(t)),
      ),
    ),
    rows.map((r, i) => {
      const y = i * rowH;
      const v = r.bar.pct;
      const ci = r.bar.ci;
      const end = x(v);
      const g = s(
        'g',
        { class: 'barrow', tabindex: 0, 'data-label': r.label, 'data-run': r.bar.run, 'aria-label': r.detail },
        s('title', null, r.detail),
        s('rect', { x: 0, y, width, height: rowH, class: 'hit' }),
        s('text', { x: labelW - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'label' }, truncate(r.label, labelW - 10)),
        s('rect', { x: labelW, y: y + 5, width: Math.max(0, end - labelW), height: rowH - 10, class: 'barfill', rx: 2 }),
        ci
          ? s(
              'g',
              { class: 'errbar', 'data-low': ci.low, 'data-high': ci.high },
              s('line', { x1: x(ci.low), x2: x(ci.high), y1: y + rowH / 2, y2: y + rowH / 2 }),
              s('line', { x1: x(ci.low), x2: x(ci.low), y1: y + 5, y2: y + rowH - 5 }),
              s('line', { x1: x(ci.high), x2: x(ci.high), y1: y + 5, y2: y + rowH - 5 }),
            )
          : null,
        s('text', { x: Math.min(width - valueW + 4, Math.max(end, ci ? x(ci.high) : end) + 4), y: y + rowH / 2 + 4, class: 'value' }, pct(v)),
      );
      g.addEventListener('pointermove', (e) => showTip(r.detail, e.clientX, e.clientY));
      g.addEventListener('pointerleave', hideTip);
      g.addEventListener('focus', () => {
        const b = g.getBoundingClientRect();
        showTip(r.detail, b.left + labelW, b.top);
      });
      g.addEventListener('blur', hideTip);
      if (r.href) {
        const target = r.href;
        g.addEventListener('click', () => (location.hash = target));
        g.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') location.hash = target;
        });
      }
      return g;
    }),
  );
}

/** The tooltip text of a bar: the score, its points and its interval. */
export function barDetail(label: string, b: ChartBar): string {
  return `${label}: ${pct(b.pct)} (${b.score}/${b.max} points)${b.ci ? `, ${Math.round(b.ci.level * 100)}% CI ${interval(b.ci)}` : ''}`;
}

/** A chart that redraws to its container's width. */
export function barChart(title: string, rows: readonly BarRow[], testid: string, zoom: boolean): HTMLElement {
  const holder = h('div', { class: 'chartbox', 'data-testid': testid, 'data-axis-min': String(chartAxis(rows, zoom).min) });
  let lastW = 0;
  const draw = () => {
    const w = Math.max(260, Math.floor(holder.clientWidth || 600));
    if (w === lastW) return;
    lastW = w;
    replaceChildren(holder, drawChart(rows, w, title, zoom));
  };
  new ResizeObserver(draw).observe(holder);
  requestAnimationFrame(draw);
  return h('figure', { class: 'figure' }, h('figcaption', null, title), holder);
}
