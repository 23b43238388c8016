import type { ExamInfo, LeaderboardPayload, QuestionView, RecordView, RunEntry } from '../../../src/viewer/types.js';
import type { Questions, Run } from '../api.js';
import type { ExamineeComparison, ExamineeQuestion } from '../../../src/scoring/examinees.js';
import { answerLine, modelOutput, questionBody } from '../components.js';
import { downloadButtons, fileSafe } from '../download.js';
import { bar, h, replaceChildren, type Child } from '../dom.js';
import { answer, compact, interval, latency, checkMark, pct, ratioPct, tokens, typeLabel, verdictClass, verdictLabel, VERDICT_MARKS } from '../format.js';
import { href, type Route } from '../router.js';
import { isEmpty, parseQuery, searchQuestion, type Query } from '../search.js';
import { downloadTable, headerRow, readSort, sortParams, sortRows, td, type Column, type Sort } from '../table.js';
import { viewNavigator, urlNotice, urlTextBox, type Mounted } from '../view.js';

/**
 * Per-model view: summary, accuracy by block, filters and search with the
 * filtered score, a sortable question list and the selected question's detail.
 * Everything chosen (filters, search, sort, the question) is in the URL, and
 * every change builds the URL from the current state, so changing a filter or
 * the model keeps the question you clicked.
 */

export interface Filters {
  readonly block: string | null;
  readonly result: 'correct' | 'incorrect' | null;
  readonly image: 'with' | 'text' | null;
  readonly type: 'choice' | 'calculation' | null;
}

const RESULT = ['correct', 'incorrect'] as const;
const IMAGE = ['with', 'text'] as const;
const TYPE = ['choice', 'calculation'] as const;

/** The filters the URL asks for; a value that names nothing is reported and ignored (not applied silently). */
export function readFilters(p: URLSearchParams, exam: Pick<ExamInfo, 'id' | 'blocks'>): { filters: Filters; problems: string[] } {
  const problems: string[] = [];
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | null => {
    const v = p.get(name);
    if (v === null || v === '') return null;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`No ${name} filter "${v}" (one of: ${allowed.join(', ')}); showing every ${name}.`);
    return null;
  };
  const block = p.get('block');
  let b: string | null = null;
  if (block !== null && block !== '') {
    if (exam.blocks.includes(block)) b = block;
    else problems.push(`No block "${block}" in the ${exam.id}th (blocks ${exam.blocks.join(', ')}); showing every block.`);
  }
  return { filters: { block: b, result: pick('result', RESULT), image: pick('image', IMAGE), type: pick('type', TYPE) }, problems };
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

function card(label: string, big: Child, sub: Child, cls = '', testid?: string): HTMLElement {
  return h('div', { class: `card ${cls}`, 'data-testid': testid ?? null }, h('p', { class: 'label' }, label), h('p', { class: 'big' }, big), h('p', null, sub));
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
      `${checkMark(k.pass)} ${k.pass === false ? 'fail' : 'pass'} (≤ ${k.max})`,
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

interface Row {
  readonly q: QuestionView;
  readonly r: RecordView;
}

function listColumns(exam: ExamInfo, records: Run): Column<Row>[] {
  const cols: Column<Row>[] = [
    {
      key: 'id',
      label: 'ID',
      firstDir: 'asc',
      value: (x) => x.q.number + 1000 * exam.blocks.indexOf(x.q.block),
      csv: (x) => x.q.id,
      cell: (x) => td(null, x.q.id),
    },
    { key: 'block', label: 'Block', cls: 'wide', value: (x) => x.q.block, cell: (x) => td('wide', x.q.block) },
    { key: 'number', label: 'No.', numeric: true, firstDir: 'asc', value: (x) => x.q.number, cell: (x) => td('num', String(x.q.number)) },
    { key: 'points', label: 'Pts', numeric: true, value: (x) => x.q.points, cell: (x) => td('num', String(x.q.points)) },
    { key: 'type', label: 'Type', cls: 'wide', value: (x) => typeLabel(x.q.type), cell: (x) => td('wide', typeLabel(x.q.type)) },
    {
      key: 'image',
      label: 'Image',
      value: (x) => (x.q.requiresImage ? 1 : 0),
      csv: (x) => x.q.requiresImage,
      cell: (x) => td('center', x.q.requiresImage ? h('span', { class: 'imgbadge' }, '画像') : ''),
    },
    {
      key: 'correct',
      label: 'Correct',
      value: (x) => (x.r.correct ? 1 : 0),
      csv: (x) => x.r.correct,
      cell: (x) => td(`center ${x.r.correct ? 'ok' : 'bad'}`, x.r.correct ? '✓' : '✗'),
    },
    {
      key: 'predicted',
      label: 'Predicted',
      value: (x) => x.r.predicted.join(','),
      cell: (x) =>
        td(
          x.r.correct ? 'ok' : 'bad',
          answer(x.r.predicted),
          x.r.kinki?.length ? h('span', { class: 'kinkibadge', title: `禁忌肢 selected: ${x.r.kinki.join(', ')}` }, '禁忌') : null,
          x.r.truncated ? h('span', { class: 'truncbadge small', title: `finish reason ${x.r.finish_reason ?? ''}` }, '✂') : null,
        ),
    },
    { key: 'gold', label: 'Gold', value: (x) => x.r.gold.join(','), cell: (x) => td(null, answer(x.r.gold)) },
  ];
  if (exam.examineeQuestions > 0) {
    cols.push({
      key: 'examinees',
      label: 'Examinees',
      title: 'share of examinees correct',
      numeric: true,
      value: (x) => x.q.humanAccuracy,
      cell: (x) => td('num', x.q.humanAccuracy === null ? '—' : pct(x.q.humanAccuracy)),
    });
  }
  if (records.records.some((r) => r.usage)) {
    cols.push({
      key: 'tokens',
      label: 'Tokens',
      title: 'completion tokens (reasoning included)',
      numeric: true,
      cls: 'wide',
      value: (x) => x.r.usage?.completion_tokens ?? null,
      cell: (x) => td('num wide', tokens(x.r.usage?.completion_tokens ?? null)),
    });
  }
  if (records.records.some((r) => r.latency_ms !== null)) {
    cols.push({
      key: 'latency',
      label: 'Latency',
      numeric: true,
      cls: 'wide',
      value: (x) => x.r.latency_ms,
      cell: (x) => td('num wide', latency(x.r.latency_ms)),
    });
  }
  return cols;
}

/** Download-only columns: what the list abbreviates. */
const EXTRA: Column<Row>[] = [
  { key: 'examinee_accuracy', label: '', value: (x) => x.q.humanAccuracy, cell: () => td(null) },
  { key: 'finish_reason', label: '', value: (x) => x.r.finish_reason, cell: () => td(null) },
  { key: 'truncated', label: '', value: (x) => String(x.r.truncated), cell: () => td(null) },
  { key: 'prompt_tokens', label: '', value: (x) => x.r.usage?.prompt_tokens ?? null, cell: () => td(null) },
  { key: 'completion_tokens', label: '', value: (x) => x.r.usage?.completion_tokens ?? null, cell: () => td(null) },
  { key: 'reasoning_tokens', label: '', value: (x) => x.r.usage?.reasoning_tokens ?? null, cell: () => td(null) },
  { key: 'latency_ms', label: '', value: (x) => x.r.latency_ms, cell: () => td(null) },
  { key: 'attempts', label: '', value: (x) => x.r.attempts, cell: () => td(null) },
];

interface State {
  filters: Filters;
  search: string;
  sort: Sort;
  q: string | null;
}

const DEFAULT_SORT: Sort = { key: 'id', dir: 'asc' };

export function renderModel(data: LeaderboardPayload, run: RunEntry, records: Run, questions: Questions, route: Route): Mounted {
  /** URL writes from this view (dropped once another view has replaced it). */
  const navigate = viewNavigator();
  const s = run.summary;
  const exam = data.exam;
  const cols = listColumns(exam, records);

  /** The URL of a state (changing anything keeps everything else, the question included). */
  const link = (st: State, runId = run.id) =>
    href('model', runId, {
      q: st.q,
      block: st.filters.block,
      result: st.filters.result,
      image: st.filters.image,
      type: st.filters.type,
      search: st.search || null,
      ...sortParams(st.sort, DEFAULT_SORT),
    });

  const read = (r: Route): { state: State; problems: string[] } => {
    const f = readFilters(r.params, exam);
    const so = readSort(r.params, cols, DEFAULT_SORT);
    const problems = [...f.problems, ...(so.problem ? [so.problem] : [])];
    const q = r.params.get('q');
    if (q !== null && !questions.byId.has(q)) problems.push(`No question "${q}" in the ${exam.id}th; pick one from the list.`);
    else if (q !== null && !records.byQuestion.has(q)) problems.push(`${run.displayName} has no answer to ${q}; pick one from the list.`);
    return {
      state: { filters: f.filters, search: r.params.get('search') ?? '', sort: so.sort, q: q !== null && records.byQuestion.has(q) ? q : null },
      problems,
    };
  };

  let { state, problems } = read(route);
  let query: Query = parseQuery(state.search);
  const set = (change: Partial<State>, replace = false) => navigate(link({ ...state, ...change }), replace);

  const picker = h(
    'select',
    { 'data-testid': 'model-picker', 'aria-label': 'Model', onchange: (e) => navigate(link(state, (e.target as HTMLSelectElement).value)) },
    data.runs.map((r) => h('option', { value: r.id, selected: r.id === run.id }, `${r.rank}. ${r.displayName} — ${r.summary.score}/${r.summary.score_max}`)),
  );

  const reqT = s.required_pass_threshold;
  const genT = s.general_pass_threshold;
  const u = s.usage;
  const cards = h(
    'div',
    { class: 'cards', 'data-testid': 'model-summary' },
    card('Score', `${s.score}/${s.score_max}`, [pct(s.score_pct), run.stats ? h('span', { class: 'sub' }, ` · 95% CI ${interval(run.stats.score)}`) : null]),
    card('Accuracy', pct(s.accuracy), `${s.correct}/${s.correct + s.incorrect} correct`),
    card(
      'Required (必修)',
      `${s.required_score}/${s.required_score_max}`,
      `${checkMark(s.required_pass)} ${s.required_pass === true ? 'pass' : s.required_pass === false ? 'fail' : 'n/a'} (≥ ${reqT})`,
      s.required_pass === false ? 'badcard' : s.required_pass ? 'okcard' : '',
    ),
    card(
      'General',
      `${s.general_score}/${s.general_score_max}`,
      `${checkMark(s.general_pass)} ${s.general_pass === true ? 'pass' : s.general_pass === false ? 'fail' : 'n/a'} (≥ ${genT})`,
      s.general_pass === false ? 'badcard' : s.general_pass ? 'okcard' : '',
    ),
    card(
      'Verdict',
      h('span', { class: verdictClass(run.verdict) }, VERDICT_MARKS[run.verdict]),
      [
        verdictLabel(run.verdict),
        ` · rank ${run.rank} of ${data.runs.length}`,
        run.stats?.rank_low !== undefined ? ` (${run.stats.rank_low}–${run.stats.rank_high})` : '',
      ],
      run.verdict === 'fail' ? 'badcard' : run.verdict === 'pass' || run.verdict === 'pass-unless-kinki' ? 'okcard' : '',
      'verdict-card',
    ),
    card('Text-only score', `${s.text_only_score}/${s.text_only_score_max}`, pct(s.text_only_score_pct)),
    kinkiCard(run, (qid) => link({ ...state, q: qid })),
    card('Parsing', `${s.parse_failures}`, `parse failures · ${s.errors} errors`),
    u.records_with_usage > 0 || u.latency_ms_mean !== null
      ? card(
          'Cost',
          u.records_with_usage > 0 ? `${compact(u.prompt_tokens + u.completion_tokens)} tokens` : latency(u.latency_ms_mean),
          [
            u.records_with_usage > 0
              ? `${tokens(u.prompt_tokens)} prompt · ${tokens(u.completion_tokens)} completion · ${tokens(u.reasoning_tokens)} reasoning`
              : '',
            u.latency_ms_mean !== null ? ` · mean latency ${latency(u.latency_ms_mean)}` : '',
            run.behaviour.retried ? ` · ${run.behaviour.retried} retried` : '',
            run.behaviour.truncated ? h('span', { class: 'bad' }, ` · ${run.behaviour.truncated} truncated`) : '',
          ],
          '',
          'cost-card',
        )
      : null,
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

  const searchBox = urlTextBox({
    value: state.search,
    placeholder: 'Search question and response (/)',
    label: 'Search the questions and this model’s responses',
    testid: 'search',
    onChange: (v, replace) => set({ search: v.trim() }, replace),
  });
  const selects = {
    block: filterSelect(
      'Block',
      'block',
      state.filters.block,
      exam.blocks.map((b) => [b, b]),
      (v) => set({ filters: { ...state.filters, block: v } }),
    ),
    result: filterSelect(
      'Result',
      'result',
      state.filters.result,
      [
        ['correct', 'Correct'],
        ['incorrect', 'Incorrect'],
      ],
      (v) => set({ filters: { ...state.filters, result: v as Filters['result'] } }),
    ),
    image: filterSelect(
      'Image',
      'image',
      state.filters.image,
      [
        ['with', 'With image'],
        ['text', 'Text only'],
      ],
      (v) => set({ filters: { ...state.filters, image: v as Filters['image'] } }),
    ),
    type: filterSelect(
      'Type',
      'type',
      state.filters.type,
      [
        ['choice', 'Choice'],
        ['calculation', 'Calculation'],
      ],
      (v) => set({ filters: { ...state.filters, type: v as Filters['type'] } }),
    ),
  };
  const filterBar = h(
    'div',
    { class: 'filters', 'data-testid': 'filters' },
    Object.values(selects),
    h('label', { class: 'filter searchfilter' }, h('span', null, 'Search'), searchBox),
  );
  /** The selects show the state (a filter the URL named wrongly shows "All", as applied). */
  const drawFilters = () => {
    for (const name of ['block', 'result', 'image', 'type'] as const) {
      const sel = selects[name].querySelector('select');
      if (sel) sel.value = state.filters[name] ?? '';
    }
  };

  let list: Row[] = [];
  const computeList = () => {
    const rows: Row[] = [];
    for (const q of questions.list) {
      const r = records.byQuestion.get(q.id);
      if (!r || !matches(state.filters, q, r)) continue;
      if (!isEmpty(query) && !searchQuestion(query, q, [[run.id, r]]).match) continue;
      rows.push({ q, r });
    }
    list = sortRows(rows, cols, state.sort);
  };

  const noticeSlot = h('div');
  const filtered = h('p', { class: 'filtered', 'data-testid': 'filtered' });
  const thead = h('thead');
  const tbody = h('tbody');
  const tableWrap = h('div', { class: 'qlist tablewrap' }, h('table', { class: 'questions', 'data-testid': 'question-list' }, thead, tbody));
  const detail = h('div', { class: 'detail', 'data-testid': 'detail' });
  const split = h('div', { class: 'split' }, tableWrap, detail);
  const rowsById = new Map<string, HTMLTableRowElement>();

  const drawList = () => {
    const recs = list.map((x) => x.r);
    const fPoints = recs.reduce((a, r) => a + r.points, 0);
    const fEarned = recs.reduce((a, r) => a + r.earned, 0);
    // Questions excluded from scoring (0 points) count for nothing, as in the summary.
    const scored = recs.filter((r) => r.points > 0);
    const fCorrect = scored.filter((r) => r.correct).length;
    replaceChildren(
      filtered,
      h('strong', null, `${list.length} question${list.length === 1 ? '' : 's'}`),
      ` · score ${fEarned}/${fPoints} (${ratioPct(fEarned, fPoints)}) · accuracy ${ratioPct(fCorrect, scored.length)} (${fCorrect}/${scored.length})`,
      scored.length < list.length ? ` · ${list.length - scored.length} excluded from scoring (0 points)` : '',
      isEmpty(query) ? '' : ` · matching “${query.raw}”`,
    );
    thead.replaceChildren(headerRow(cols, state.sort, (so) => set({ sort: so })));
    rowsById.clear();
    tbody.replaceChildren(
      ...list.map(({ q, r }) => {
        const tr = h('tr', {
          'data-qid': q.id,
          tabindex: 0,
          class: r.correct ? 'row-ok' : 'row-bad',
          onclick: () => set({ q: q.id }),
          onkeydown: (e) => (e as KeyboardEvent).key === 'Enter' && set({ q: q.id }),
        });
        for (const c of cols) tr.appendChild(c.cell({ q, r }));
        rowsById.set(q.id, tr);
        return tr;
      }),
    );
    if (list.length === 0) tbody.appendChild(h('tr', { class: 'empty' }, h('td', { colspan: cols.length, class: 'muted' }, 'No question matches.')));
  };

  let shownQ: string | null = null;
  const showQuestion = () => {
    if (shownQ) rowsById.get(shownQ)?.classList.remove('selected');
    const qid = state.q;
    shownQ = qid;
    const q = qid ? questions.byId.get(qid) : undefined;
    const r = qid ? records.byQuestion.get(qid) : undefined;
    split.classList.toggle('has-detail', Boolean(q && r));
    if (!q || !r) {
      replaceChildren(detail, h('p', { class: 'muted' }, 'Select a question to see the model’s answer (j / k or ← / → move through the list).'));
      return;
    }
    const row = rowsById.get(q.id);
    row?.classList.add('selected');
    // Bring the row into view inside the list only (not the page), once laid out.
    requestAnimationFrame(() => {
      if (!row) return;
      const top = row.offsetTop;
      if (top < tableWrap.scrollTop + 30 || top > tableWrap.scrollTop + tableWrap.clientHeight - 30)
        tableWrap.scrollTop = Math.max(0, top - tableWrap.clientHeight / 3);
    });
    const idx = list.findIndex((x) => x.q.id === q.id);
    const prev = idx > 0 ? list[idx - 1] : undefined;
    const next = idx >= 0 ? list[idx + 1] : undefined;
    replaceChildren(
      detail,
      h(
        'nav',
        { class: 'pager' },
        h(
          'button',
          { type: 'button', disabled: !prev, 'data-testid': 'prev', title: 'previous (k or ←)', onclick: () => prev && set({ q: prev.q.id }) },
          '← prev',
        ),
        h('a', { href: href('question', q.id, { models: run.id, search: state.search || null }) }, `Compare models on ${q.id}`),
        h('button', { type: 'button', disabled: !next, 'data-testid': 'next', title: 'next (j or →)', onclick: () => next && set({ q: next.q.id }) }, 'next →'),
      ),
      idx < 0 ? h('p', { class: 'muted', 'data-testid': 'not-in-list' }, `${q.id} is not in the filtered list.`) : null,
      questionBody(q, exam.id, false, query),
      answerLine(r),
      modelOutput(r, { reasoningOpen: true, query }),
    );
  };

  const drawAll = () => {
    replaceChildren(noticeSlot, urlNotice(problems));
    drawFilters();
    computeList();
    drawList();
    showQuestion();
  };
  drawAll();

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
    noticeSlot,
    cards,
    byBlock,
    examineeSection(records.examinees, (qid) => link({ ...state, q: qid })),
    h(
      'div',
      { class: 'listhead' },
      h('h3', null, 'Questions'),
      downloadButtons(`${fileSafe(run.id)}-questions`, () => downloadTable([...cols, ...EXTRA], list)),
    ),
    filterBar,
    filtered,
    split,
  );

  const move = (step: 1 | -1) => {
    if (list.length === 0) return;
    const idx = state.q ? list.findIndex((x) => x.q.id === state.q) : -1;
    const target = idx < 0 ? (step === 1 ? list[0] : list[list.length - 1]) : list[idx + step];
    if (target) set({ q: target.q.id });
  };

  return {
    el,
    update(next: Route) {
      if (next.view !== 'model' || next.id !== run.id) return false;
      const before = state;
      const read2 = read(next);
      state = read2.state;
      problems = read2.problems;
      const sameList =
        JSON.stringify([before.filters, before.search, before.sort]) === JSON.stringify([state.filters, state.search, state.sort]) && problems.length === 0;
      if (sameList && noticeSlot.childElementCount === 0) {
        showQuestion(); // only the selection changed: instant
        return true;
      }
      query = parseQuery(state.search);
      if (document.activeElement !== searchBox) searchBox.value = state.search;
      drawAll();
      return true;
    },
    keys: {
      next: () => move(1),
      prev: () => move(-1),
      search: () => searchBox,
      close: () => {
        if (!state.q) return false;
        set({ q: null });
        return true;
      },
    },
  };
}
