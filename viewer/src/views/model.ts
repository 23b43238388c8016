import type { LeaderboardPayload, QuestionView, RecordView, RunEntry } from '../../../src/viewer/types';
import type { Questions, Run } from '../api';
import type { ExamineeComparison, ExamineeQuestion } from '../../../src/scoring/examinees';
import { answerLine, modelOutput, questionBody } from '../components';
import { bar, h, replaceChildren, type Child } from '../dom';
import { answer, pct, passMark, ratioPct, typeLabel } from '../format';
import { go, href, type Route } from '../router';
import { ranked } from '../rank';

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

function filterSelect(
  label: string,
  name: keyof Filters,
  value: string | null,
  options: readonly [string, string][],
  onPick: (v: string | null) => void,
): HTMLElement {
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

/** An accuracy difference (ratio) in points: "+5.2 points", "−3.0 points". */
export function signedPoints(d: number): string {
  return `${d >= 0 ? '+' : '−'}${pct(Math.abs(d)).replace('%', '')} points`;
}

/** 禁忌肢: the count and the questions, or "unknown" where the exam does not disclose them (never 0). */
function kinkiCard(run: RunEntry, link: (qid: string) => string): HTMLElement {
  const k = run.summary.kinki;
  if (k.selected === null) {
    return h(
      'div',
      { class: 'card', 'data-testid': 'kinki-card' },
      h('p', { class: 'label' }, '禁忌肢'),
      h('p', { class: 'big' }, 'unknown'),
      h('p', null, k.disclosed ? 'not disclosed for every question' : 'not disclosed for this exam'),
    );
  }
  return h(
    'div',
    { class: `card ${k.pass === false ? 'badcard' : 'okcard'}`, 'data-testid': 'kinki-card' },
    h('p', { class: 'label' }, '禁忌肢 selected'),
    h('p', { class: 'big' }, String(k.selected)),
    h(
      'p',
      null,
      `${passMark(k.pass)} ${k.pass === false ? 'fail' : 'pass'} (≤ ${k.max})`,
      k.selections.length
        ? [' · ', k.selections.map((x, i) => [i ? ', ' : '', h('a', { href: link(x.question_id), title: `selected ${x.choices.join(', ')}` }, x.question_id)])]
        : null,
    ),
  );
}

function examineeTable(items: readonly ExamineeQuestion[], link: (qid: string) => string, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'exlist tablewrap' },
    h(
      'table',
      { class: 'questions', 'data-testid': testid },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Question', 'Examinees correct', 'Predicted', 'Gold'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((x) =>
          h(
            'tr',
            { 'data-qid': x.question_id },
            h('td', null, h('a', { href: link(x.question_id) }, x.question_id)),
            h('td', { class: 'num' }, pct(x.human_accuracy)),
            h('td', null, answer(x.predicted)),
            h('td', null, answer(x.gold)),
          ),
        ),
      ),
    ),
  );
}

/** The run against the examinees (computed on the server by compareWithExaminees). */
function examineeSection(c: ExamineeComparison, link: (qid: string) => string): Child {
  if (!c.available || c.model_accuracy === null || c.examinee_accuracy === null || c.difference === null) return null;
  const most = pct(c.threshold);
  return h(
    'section',
    { class: 'examinee-cmp', 'data-testid': 'examinee-cmp' },
    h('h3', null, 'Against the examinees'),
    h(
      'p',
      { 'data-testid': 'examinee-summary' },
      'Model accuracy ',
      h('strong', null, pct(c.model_accuracy)),
      ' vs the examinees’ average ',
      h('strong', null, pct(c.examinee_accuracy)),
      ` (${signedPoints(c.difference)}) over ${c.questions} scored questions with examinee data.`,
    ),
    h(
      'div',
      { class: 'twolists' },
      h(
        'details',
        { open: true, 'data-testid': 'missed' },
        h('summary', null, `Missed, but most examinees (≥ ${most}) got right: ${c.missed_but_examinees_right.length}`),
        examineeTable(c.missed_but_examinees_right, link, 'missed-list'),
      ),
      h(
        'details',
        { open: true, 'data-testid': 'beat' },
        h('summary', null, `Right, but most examinees (< ${most} correct) missed: ${c.right_but_examinees_missed.length}`),
        examineeTable(c.right_but_examinees_missed, link, 'beat-list'),
      ),
    ),
  );
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
  // Questions excluded from scoring (0 points) count for nothing, as in the summary.
  const scored = recs.filter((r) => r.points > 0);
  const fCorrect = scored.filter((r) => r.correct).length;

  const setFilter = (name: keyof Filters, v: string | null) => {
    const next = { ...filters, [name]: v };
    go(href('model', run.id, params(next, route.params.get('q'))), true);
  };

  const picker = h(
    'select',
    {
      'data-testid': 'model-picker',
      'aria-label': 'Model',
      onchange: (e) => go(href('model', (e.target as HTMLSelectElement).value, params(filters, route.params.get('q')))),
    },
    ranked(data.runs).map((r) => h('option', { value: r.id, selected: r.id === run.id }, `${r.displayName} — ${r.summary.score}/${r.summary.score_max}`)),
  );

  const reqT = s.required_pass_threshold;
  const genT = s.general_pass_threshold;
  const cards = h(
    'div',
    { class: 'cards', 'data-testid': 'model-summary' },
    card('Score', `${s.score}/${s.score_max}`, pct(s.score_pct)),
    card('Accuracy', pct(s.accuracy), `${s.correct}/${s.correct + s.incorrect} correct`),
    card(
      'Required (必修)',
      `${s.required_score}/${s.required_score_max}`,
      `${passMark(s.required_pass)} ${s.required_pass === true ? 'pass' : s.required_pass === false ? 'fail' : 'n/a'} (≥ ${reqT})`,
      s.required_pass === false ? 'badcard' : s.required_pass ? 'okcard' : '',
    ),
    card(
      'General',
      `${s.general_score}/${s.general_score_max}`,
      `${passMark(s.general_pass)} ${s.general_pass === true ? 'pass' : s.general_pass === false ? 'fail' : 'n/a'} (≥ ${genT})`,
      s.general_pass === false ? 'badcard' : s.general_pass ? 'okcard' : '',
    ),
    card('Text-only score', `${s.text_only_score}/${s.text_only_score_max}`, pct(s.text_only_score_pct)),
    kinkiCard(run, (qid) => href('model', run.id, { q: qid })),
    card('Parsing', `${s.parse_failures}`, `parse failures · ${s.errors} errors`),
    run.examinees
      ? card(
          'Examinees',
          pct(run.examinees.examinee_accuracy),
          `average accuracy · model ${signedPoints(run.examinees.difference)}`,
          run.examinees.difference >= 0 ? 'okcard' : 'badcard',
        )
      : null,
  );

  const byBlock = h(
    'table',
    { class: 'blocks', 'data-testid': 'by-block' },
    h('caption', null, 'Accuracy by block'),
    h(
      'tbody',
      null,
      Object.entries(s.by_block).map(([b, t]) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, b),
          h('td', { class: 'num' }, `${t.correct}/${t.total}`),
          h('td', { class: 'num' }, pct(t.accuracy)),
          h('td', { class: 'barcell' }, bar(t.accuracy)),
        ),
      ),
    ),
  );

  const filterBar = h(
    'div',
    { class: 'filters', 'data-testid': 'filters' },
    filterSelect(
      'Block',
      'block',
      filters.block,
      data.exam.blocks.map((b) => [b, b]),
      (v) => setFilter('block', v),
    ),
    filterSelect(
      'Result',
      'result',
      filters.result,
      [
        ['correct', 'Correct'],
        ['incorrect', 'Incorrect'],
      ],
      (v) => setFilter('result', v),
    ),
    filterSelect(
      'Image',
      'image',
      filters.image,
      [
        ['with', 'With image'],
        ['text', 'Text only'],
      ],
      (v) => setFilter('image', v),
    ),
    filterSelect(
      'Type',
      'type',
      filters.type,
      [
        ['choice', 'Choice'],
        ['calculation', 'Calculation'],
      ],
      (v) => setFilter('type', v),
    ),
  );
  const filtered = h(
    'p',
    { class: 'filtered', 'data-testid': 'filtered' },
    h('strong', null, `${list.length} question${list.length === 1 ? '' : 's'}`),
    ` · score ${fEarned}/${fPoints} (${ratioPct(fEarned, fPoints)}) · accuracy ${ratioPct(fCorrect, scored.length)} (${fCorrect}/${scored.length})`,
    scored.length < list.length ? ` · ${list.length - scored.length} excluded from scoring (0 points)` : '',
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
        {
          'data-qid': q.id,
          tabindex: 0,
          class: r.correct ? 'row-ok' : 'row-bad',
          onclick: () => select(q.id),
          onkeydown: (e) => (e as KeyboardEvent).key === 'Enter' && select(q.id),
        },
        h('td', null, q.id),
        h('td', { class: 'wide' }, q.block),
        h('td', { class: 'num' }, String(q.number)),
        h('td', { class: 'num' }, String(q.points)),
        h('td', { class: 'wide' }, typeLabel(q.type)),
        h('td', { class: 'center' }, q.requiresImage ? h('span', { class: 'imgbadge' }, '画像') : ''),
        h('td', { class: `center ${r.correct ? 'ok' : 'bad'}` }, r.correct ? '✓' : '✗'),
        h(
          'td',
          { class: r.correct ? 'ok' : 'bad' },
          answer(r.predicted),
          r.kinki?.length ? h('span', { class: 'kinkibadge', title: `禁忌肢 selected: ${r.kinki.join(', ')}` }, '禁忌') : null,
        ),
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
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['ID', 'Block', 'No.', 'Pts', 'Type', 'Image', 'Correct', 'Predicted', 'Gold'].map((c) =>
            h('th', { scope: 'col', class: c === 'Block' || c === 'Type' ? 'wide' : null }, c),
          ),
        ),
      ),
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
      questionBody(q, data.exam.id, false),
      answerLine(r),
      modelOutput(r, { reasoningOpen: true }),
    );
  };
  showQuestion(route.params.get('q'));

  const el = h(
    'div',
    { class: 'view model', 'data-run': run.id },
    h('div', { class: 'titlebar' }, h('h2', null, run.displayName), picker),
    h(
      'p',
      { class: 'sub' },
      `${run.model} · image mode ${run.imageMode ?? 'unknown'} · ${run.file}${run.timestamp ? ` · ${run.timestamp}` : ''}${run.changed ? ` · ${run.changed} record(s) changed on rescoring` : ''}`,
    ),
    run.warnings.map((w) => h('p', { class: 'notice' }, w)),
    cards,
    byBlock,
    examineeSection(records.examinees, (qid) => href('model', run.id, { q: qid })),
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
