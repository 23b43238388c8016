import type { QuestionView, RecordView } from '../../src/viewer/types';
import { imageUrl } from './api';
import { bar, h, s, replaceChildren, type Child } from './dom';
import { answer, pct, typeLabel } from './format';
import { renderMarkdown } from './markdown';

/** Building blocks shared by the views. Model output goes through renderMarkdown only. */

// ---- lightbox: images open larger on click --------------------------------
let box: HTMLElement | undefined;
function closeLightbox(): void {
  if (box) box.hidden = true;
}
export function openLightbox(exam: string, name: string): void {
  if (!box) {
    box = h('div', { class: 'lightbox', id: 'lightbox', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image', hidden: true, onclick: closeLightbox });
    document.body.appendChild(box);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') closeLightbox();
    });
  }
  replaceChildren(box, h('img', { src: imageUrl(exam, name), alt: name }), h('p', { class: 'caption' }, `${name} — click or press Esc to close`));
  box.hidden = false;
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
        { type: 'button', class: 'thumb', title: `${name} (click to enlarge)`, onclick: () => openLightbox(exam, name) },
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

/** Serial-group context, the question and its images. */
export function questionBody(q: QuestionView, exam: string, showGold: boolean): HTMLElement {
  return h(
    'section',
    { class: 'question', 'data-qid': q.id },
    questionMeta(q),
    q.serial
      ? h(
          'div',
          { class: 'context' },
          h('p', { class: 'label' }, `Case shared by ${q.serial.questions.join(', ')}`),
          h('div', { class: 'qtext' }, q.serial.context),
        )
      : null,
    h('div', { class: 'qtext' }, q.text),
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
    r.kinki && r.kinki.length ? h('span', { class: 'kinkihit', 'data-testid': 'kinki-hit' }, `⚠ 禁忌肢 selected: ${r.kinki.join(', ')}`) : null,
  );
}

/** Reasoning and raw response of one record: untrusted, rendered safely. */
export function modelOutput(r: RecordView, opts: { reasoningOpen: boolean }): HTMLElement {
  const notes: Child[] = [];
  if (!r.parse_success) notes.push(h('li', null, 'no answer could be extracted'));
  if (r.parse_source === 'reasoning') notes.push(h('li', null, 'answer taken from the reasoning text'));
  for (const n of r.parse_notes) notes.push(h('li', null, n));
  if (r.error) notes.push(h('li', { class: 'bad' }, `request error: ${r.error}`));
  if (r.finish_reason && r.finish_reason !== 'stop') notes.push(h('li', null, `finish reason: ${r.finish_reason}`));
  const reasoning = r.reasoning && r.reasoning.trim() ? r.reasoning : null;
  const reasoningEl = h(
    'details',
    { class: 'reasoning', open: opts.reasoningOpen },
    h('summary', null, 'Reasoning'),
    reasoning ? renderMarkdown(reasoning) : null,
  );
  return h(
    'div',
    { class: 'output' },
    notes.length ? h('ul', { class: 'notes' }, notes) : null,
    reasoning ? reasoningEl : h('p', { class: 'muted no-reasoning' }, 'This model gives no reasoning.'),
    h(
      'div',
      { class: 'raw' },
      h('p', { class: 'label' }, 'Response'),
      r.raw_response ? renderMarkdown(r.raw_response) : h('p', { class: 'muted' }, '(empty response)'),
    ),
    r.raw_response ? h('details', { class: 'plain' }, h('summary', null, 'Response as plain text'), h('pre', null, r.raw_response)) : null,
  );
}

// ---- bar chart (inline SVG) with hover tooltips ------------------------------
export interface BarRow {
  readonly label: string;
  readonly value: number; // 0..1
  readonly valueText: string;
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

function drawChart(rows: readonly BarRow[], width: number, title: string): SVGSVGElement {
  const rowH = 22;
  const labelW = Math.min(Math.round(width * 0.42), 230);
  const valueW = 52;
  const barW = Math.max(40, width - labelW - valueW - 8);
  const height = rows.length * rowH + 24;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return s(
    'svg',
    { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title },
    ticks.map((t) =>
      s(
        'g',
        null,
        s('line', { x1: labelW + t * barW, x2: labelW + t * barW, y1: 0, y2: height - 18, class: 'tick' }),
        s('text', { x: labelW + t * barW, y: height - 4, class: 'ticklabel', 'text-anchor': 'middle' }, `${t * 100}%`),
      ),
    ),
    rows.map((r, i) => {
      const y = i * rowH;
      const g = s(
        'g',
        { class: 'barrow', tabindex: 0, 'data-label': r.label, 'aria-label': r.detail },
        s('title', null, r.detail),
        s('rect', { x: 0, y, width, height: rowH, class: 'hit' }),
        s('text', { x: labelW - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'label' }, truncate(r.label, labelW - 10)),
        s('rect', { x: labelW, y: y + 4, width: Math.max(0, r.value) * barW, height: rowH - 8, class: 'barfill', rx: 2 }),
        s('text', { x: labelW + Math.max(0, r.value) * barW + 4, y: y + rowH / 2 + 4, class: 'value' }, r.valueText),
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

/** A chart that redraws to its container's width. */
export function barChart(title: string, rows: readonly BarRow[], testid: string): HTMLElement {
  const holder = h('div', { class: 'chartbox', 'data-testid': testid });
  let lastW = 0;
  const draw = () => {
    const w = Math.max(260, Math.floor(holder.clientWidth || 600));
    if (w === lastW) return;
    lastW = w;
    replaceChildren(holder, drawChart(rows, w, title));
  };
  new ResizeObserver(draw).observe(holder);
  requestAnimationFrame(draw);
  return h('figure', { class: 'figure' }, h('figcaption', null, title), holder);
}
