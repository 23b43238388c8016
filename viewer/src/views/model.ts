import type { LeaderboardPayload, QuestionView, RecordView, RunEntry } from '../../../src/viewer/types';
import type { Questions, Run } from '../api';
import { answerLine, modelOutput, questionBody } from '../components';
import { bar, h, replaceChildren, type Child } from '../dom';
import { answer, pct, passMark, ratioPct, typeLabel } from '../format';
import { go, href, type Route } from '../router';
import { ranked } from './leaderboard';

/** Per-model view: summary, accuracy by block, filters with the filtered score, question list and detail. */

export interface Filters {
  block: string | null;
  result: 'correct' | 'incorrect' | null;
  image: 'with' | 'text' | null;
  type: 'choice' | 'calculation' | null;
}

export function readFilters(p: URLSearchParams): Filters {
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | null => {
    const v = p.get(name);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : null;
  };
  const block = p.get('block');
  return {
    block: block && /^[A-Za-z0-9]+$/.test(block) ? block : null,
    result: pick('result', ['correct', 'incorrect'] as const),
    image: pick('image', ['with', 'text'] as const),
    type: pick('type', ['choice', 'calculation'] as const),
  };
}

export function matches(f: Filters, q: QuestionView, r: RecordView | undefined): boolean {
  if (f.block && q.block !== f.block) return false;
  if (f.result === 'correct' && !r?.correct) return false;
  if (f.result === 'incorrect' && (!r || r.correct)) return false;
  if (f.image === 'with' && !q.requiresImage) return false;
  if (f.image === 'text' && q.requiresImage) return false;
  if (f.type === 'choice' && q.type !== 'multiple_choice') return false;
  if (f.type === 'calculation' && q.type !== 'calculation') return false;
  return true;
}

function params(f: Filters, q: string | null): Record<string, string | null> {
  return { q, block: f.block, result: f.result, image: f.image, type: f.type };
}

function filterSelect(label: string, name: keyof Filters, value: string | null, options: readonly [string, string][], onPick: (v: string | null) => void): HTMLElement {
  const sel = h(
    'select',
    { name, 'data-filter': name, onchange: (e) => onPick((e.target as HTMLSelectElement).value || null) },
    h('option', { value: '' }, 'All'),
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return h('label', { class: 'filter' }, h('span', null, label), sel);
}

function card(label: string, big: Child, sub: Child, cls = ''): HTMLElement {
  return h('div', { class: `card ${cls}` }, h('p', { class: 'label' }, label), h('p', { class: 'big' }, big), h('p', null, sub));
}

export interface ModelView {
  readonly el: HTMLElement;
  /** Update in place when only the selected question changed (instant switching). */
  update(route: Route): boolean;
}

export function renderModel(data: LeaderboardPayload, run: RunEntry, records: Run, questions: Questions, route: Route): ModelView {
  const s = run.summary;
  const filters = readFilters(route.params);
  const filterKey = JSON.stringify(filters);
  const list = questions.list.filter((q) => records.byQuestion.has(q.id) && matches(filters, q, records.byQuestion.get(q.id)));
  const recs = list.map((q) => records.byQuestion.get(q.id) as RecordView);
  const fPoints = recs.reduce((a, r) => a + r.points, 0);
  const fEarned = recs.reduce((a, r) => a + r.earned, 0);
  const fCorrect = recs.filter((r) => r.correct).length;

  const setFilter = (name: keyof Filters, v: string | null) => {
    const next = { ...filters, [name]: v } as Filters;
    go(href('model', run.id, params(next, route.params.get('q'))), true);
  };

  const picker = h(
    'select',
    { 'data-testid': 'model-picker', 'aria-label': 'Model', onchange: (e) => go(href('model', (e.target as HTMLSelectElement).value, params(filters, route.params.get('q')))) },
    ranked(data.runs).map((r) => h('option', { value: r.id, selected: r.id === run.id }, `${r.displayName} — ${r.summary.score}/${r.summary.score_max}`)),
  );

  const reqT = s.required_pass_threshold;
  const genT = s.general_pass_threshold;
  const cards = h(
    'div',
    { class: 'cards', 'data-testid': 'model-summary' },
    card('Score', `${s.score}/${s.score_max}`, pct(s.score_pct)),
    card('Accuracy', pct(s.accuracy), `${s.correct}/${s.correct + s.incorrect} correct`),
    card('Required (必修)', `${s.required_score}/${s.required_score_max}`, `${passMark(s.required_pass)} ${s.required_pass === true ? 'pass' : s.required_pass === false ? 'fail' : 'n/a'} (≥ ${reqT})`, s.required_pass === false ? 'badcard' : s.required_pass ? 'okcard' : ''),
    card('General', `${s.general_score}/${s.general_score_max}`, `${passMark(s.general_pass)} ${s.general_pass === true ? 'pass' : s.general_pass === false ? 'fail' : 'n/a'} (≥ ${genT})`, s.general_pass === false ? 'badcard' : s.general_pass ? 'okcard' : ''),
    card('Text-only score', `${s.text_only_score}/${s.text_only_score_max}`, pct(s.text_only_score_pct)),
    card('Parsing', `${s.parse_failures}`, `parse failures · ${s.errors} errors · 禁忌肢 ${s.kinki.selected ?? 'unknown'}`),
  );

  const byBlock = h(
    'table',
    { class: 'blocks', 'data-testid': 'by-block' },
    h('caption', null, 'Accuracy by block'),
    h(
      'tbody',
      null,
      Object.entries(s.by_block).map(([b, t]) =>
        h('tr', null, h('th', { scope: 'row' }, b), h('td', { class: 'num' }, `${t.correct}/${t.total}`), h('td', { class: 'num' }, pct(t.accuracy)), h('td', { class: 'barcell' }, bar(t.accuracy))),
      ),
    ),
  );

  const filterBar = h(
    'div',
    { class: 'filters', 'data-testid': 'filters' },
    filterSelect('Block', 'block', filters.block, data.exam.blocks.map((b) => [b, b]), (v) => setFilter('block', v)),
    filterSelect('Result', 'result', filters.result, [['correct', 'Correct'], ['incorrect', 'Incorrect']], (v) => setFilter('result', v)),
    filterSelect('Image', 'image', filters.image, [['with', 'With image'], ['text', 'Text only']], (v) => setFilter('image', v)),
    filterSelect('Type', 'type', filters.type, [['choice', 'Choice'], ['calculation', 'Calculation']], (v) => setFilter('type', v)),
  );
  const filtered = h(
    'p',
    { class: 'filtered', 'data-testid': 'filtered' },
    h('strong', null, `${list.length} question${list.length === 1 ? '' : 's'}`),
    ` · score ${fEarned}/${fPoints} (${ratioPct(fEarned, fPoints)}) · accuracy ${ratioPct(fCorrect, list.length)} (${fCorrect}/${list.length})`,
  );

  const rowsById = new Map<string, HTMLTableRowElement>();
  const select = (qid: string) => go(href('model', run.id, params(filters, qid)));
  const tbody = h(
    'tbody',
    null,
    list.map((q) => {
      const r = records.byQuestion.get(q.id) as RecordView;
      const tr = h(
        'tr',
        { 'data-qid': q.id, tabindex: 0, class: r.correct ? 'row-ok' : 'row-bad', onclick: () => select(q.id), onkeydown: (e) => (e as KeyboardEvent).key === 'Enter' && select(q.id) },
        h('td', null, q.id),
        h('td', { class: 'wide' }, q.block),
        h('td', { class: 'num' }, String(q.number)),
        h('td', { class: 'num' }, String(q.points)),
        h('td', { class: 'wide' }, typeLabel(q.type)),
        h('td', { class: 'center' }, q.requiresImage ? h('span', { class: 'imgbadge' }, '画像') : ''),
        h('td', { class: `center ${r.correct ? 'ok' : 'bad'}` }, r.correct ? '✓' : '✗'),
        h('td', { class: r.correct ? 'ok' : 'bad' }, answer(r.predicted)),
        h('td', null, answer(r.gold)),
      );
      rowsById.set(q.id, tr);
      return tr;
    }),
  );
  const table = h(
    'div',
    { class: 'qlist tablewrap' },
    h(
      'table',
      { class: 'questions', 'data-testid': 'question-list' },
      h('thead', null, h('tr', null, ['ID', 'Block', 'No.', 'Pts', 'Type', 'Image', 'Correct', 'Predicted', 'Gold'].map((c) => h('th', { scope: 'col', class: c === 'Block' || c === 'Type' ? 'wide' : null }, c)))),
      tbody,
    ),
  );

  const detail = h('div', { class: 'detail', 'data-testid': 'detail' });
  const split = h('div', { class: 'split' }, table, detail);

  let selected: string | null = null;
  const showQuestion = (qid: string | null) => {
    if (selected) rowsById.get(selected)?.classList.remove('selected');
    selected = qid;
    const q = qid ? questions.byId.get(qid) : undefined;
    const r = qid ? records.byQuestion.get(qid) : undefined;
    split.classList.toggle('has-detail', Boolean(q && r));
    if (!q || !r) {
      replaceChildren(detail, h('p', { class: 'muted' }, qid ? `No record for ${qid} in this run.` : 'Select a question to see the model’s answer.'));
      return;
    }
    const row = rowsById.get(q.id);
    row?.classList.add('selected');
    // Bring the row into view inside the list only (not the page), once laid out.
    requestAnimationFrame(() => {
      if (!row) return;
      const box = table;
      const top = row.offsetTop;
      if (top < box.scrollTop + 30 || top > box.scrollTop + box.clientHeight - 30) box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    });
    const idx = list.indexOf(q);
    const prev = idx > 0 ? list[idx - 1] : undefined;
    const next = idx >= 0 ? list[idx + 1] : undefined;
    replaceChildren(
      detail,
      h(
        'nav',
        { class: 'pager' },
        h('button', { type: 'button', disabled: !prev, 'data-testid': 'prev', onclick: () => prev && select(prev.id) }, '← prev'),
        h('a', { href: href('question', q.id, { models: run.id }) }, `Compare models on ${q.id}`),
        h('button', { type: 'button', disabled: !next, 'data-testid': 'next', onclick: () => next && select(next.id) }, 'next →'),
      ),
      questionBody(q, false),
      answerLine(r),
      modelOutput(r, { reasoningOpen: true }),
    );
  };
  showQuestion(route.params.get('q'));

  const el = h(
    'div',
    { class: 'view model', 'data-run': run.id },
    h('div', { class: 'titlebar' }, h('h2', null, run.displayName), picker),
    h('p', { class: 'sub' }, `${run.model} · image mode ${run.imageMode ?? 'unknown'} · ${run.file}${run.timestamp ? ` · ${run.timestamp}` : ''}${run.changed ? ` · ${run.changed} record(s) changed on rescoring` : ''}`),
    run.warnings.map((w) => h('p', { class: 'notice' }, w)),
    cards,
    byBlock,
    h('h3', null, 'Questions'),
    filterBar,
    filtered,
    split,
  );

  return {
    el,
    update(next: Route) {
      if (next.view !== 'model' || next.id !== run.id || JSON.stringify(readFilters(next.params)) !== filterKey) return false;
      showQuestion(next.params.get('q'));
      return true;
    },
  };
}
