import type { LeaderboardPayload, MatrixPayload, MatrixRun, QuestionView, RunEntry } from '../../../src/viewer/types.js';
import { getRun, loadedRun, type Questions } from '../api.js';
import { modelChooser } from '../chooser.js';
import { downloadButtons, fileSafe, type Cell } from '../download.js';
import { h, replaceChildren } from '../dom.js';
import { pct, preview, typeLabel } from '../format.js';
import { href, type Route } from '../router.js';
import { isEmpty, parseQuery, searchQuestion, type Hit, type Query } from '../search.js';
import { headerRow, readSort, sortParams, sortRows, td, type Column, type Sort } from '../table.js';
import { viewNavigator, urlNotice, urlTextBox, type Mounted } from '../view.js';
import { readFilters, type Filters } from './model.js';

/**
 * The question matrix: one row per question, one column per chosen model
 * (✓/✗, or k/K with repeated runs), how many of them are right, and the
 * examinees' share correct where published. Filters pick the questions every
 * model misses, every model gets, the split ones, and those where the models
 * and the examinees disagree; every column sorts; a cell opens that model's
 * answer. Runs come in the server's ranking order.
 */

/** Most examinees right / wrong: the threshold of `compareWithExaminees`. */
const MOST = 0.5;
/** More columns than this are not chosen by default (choose them in the list). */
const DEFAULT_MAX_MODELS = 30;

/** Column widths (em) of the matrix's grid rows; every model column is MODEL_EM wide. */
const WIDTH_EM: Readonly<Record<string, number>> = { id: 6.2, block: 4.4, points: 3.2, type: 5.6, image: 3.4, examinees: 6.4, right: 5.4, text: 17 };
const MODEL_EM = 2.3;

const SHOW = ['all-wrong', 'all-right', 'split', 'models-right', 'models-wrong'] as const;
type Show = (typeof SHOW)[number];
const SHOW_LABELS: Record<Show, string> = {
  'all-wrong': 'All models wrong',
  'all-right': 'All models right',
  split: 'Split (some right, some wrong)',
  'models-right': `Most models right, most examinees wrong`,
  'models-wrong': `Most models wrong, most examinees right`,
};

interface Row {
  readonly q: QuestionView;
  /** Index of the question in the matrix payload. */
  readonly i: number;
  /** Models right (of those that answered), and models that answered. */
  readonly right: number;
  readonly answered: number;
  hit: Hit | null;
}

interface State {
  models: RunEntry[];
  modelsParam: string | null;
  show: Show | null;
  filters: Filters;
  search: string;
  sort: Sort;
}

const DEFAULT_SORT: Sort = { key: 'id', dir: 'asc' };

export function renderMatrix(data: LeaderboardPayload, matrix: MatrixPayload, questions: Questions, route: Route): Mounted {
  /** URL writes from this view (dropped once another view has replaced it). */
  const navigate = viewNavigator();
  const exam = data.exam;
  const hasExaminees = exam.examineeQuestions > 0;
  const byRun = new Map(matrix.runs.map((m) => [m.run, m]));
  const rowsAll: Omit<Row, 'right' | 'answered' | 'hit'>[] = matrix.questions.flatMap((id, i) => {
    const q = questions.byId.get(id);
    return q ? [{ q, i }] : [];
  });

  const mark = (m: MatrixRun | undefined, i: number) => m?.marks.charAt(i) ?? '-';
  /** What a question id links to: the chosen models' answers side by side (set on each draw). */
  const questionLink = { models: '', search: '' };

  const baseColumns: Column<Row>[] = [
    {
      key: 'id',
      label: 'Question',
      firstDir: 'asc',
      value: (x) => x.i,
      csv: (x) => x.q.id,
      cell: (x) => td('qidcell', h('a', { href: href('question', x.q.id, { models: questionLink.models, search: questionLink.search || null }) }, x.q.id)),
    },
    { key: 'block', label: 'Block', cls: 'wide', value: (x) => x.q.block, cell: (x) => td('wide', x.q.block) },
    { key: 'points', label: 'Pts', numeric: true, value: (x) => x.q.points, cell: (x) => td('num', String(x.q.points)) },
    { key: 'type', label: 'Type', cls: 'wide', value: (x) => typeLabel(x.q.type), cell: (x) => td('wide', typeLabel(x.q.type)) },
    {
      key: 'image',
      label: 'Img',
      title: 'with a clinical image',
      value: (x) => (x.q.requiresImage ? 1 : 0),
      csv: (x) => x.q.requiresImage,
      cell: (x) => td('center', x.q.requiresImage ? h('span', { class: 'imgbadge' }, '画像') : ''),
    },
    ...(hasExaminees
      ? [
          {
            key: 'examinees',
            label: 'Examinees',
            title: 'share of examinees correct (IgakuQA)',
            numeric: true,
            value: (x: Row) => x.q.humanAccuracy,
            cell: (x: Row) => td('num', x.q.humanAccuracy === null ? '—' : pct(x.q.humanAccuracy)),
          } satisfies Column<Row>,
        ]
      : []),
    {
      key: 'right',
      label: 'Right',
      title: 'models right, of the chosen models that answered',
      numeric: true,
      firstDir: 'asc',
      value: (x) => (x.answered ? x.right / x.answered : null),
      csv: (x) => x.right,
      cell: (x) => td(`num nright ${x.answered && x.right === 0 ? 'bad' : x.right === x.answered && x.answered ? 'ok' : ''}`, `${x.right} of ${x.answered}`),
    },
    {
      key: 'text',
      label: 'Question text',
      cls: 'wide qprev',
      value: (x) => x.q.text,
      csv: () => null,
      cell: (x) => td('wide qprev', preview(x.q.text.replace(/^\s*\d+[\s\u3000]+/, ''), 36)),
    },
  ];

  const modelColumn = (m: RunEntry, i: number): Column<Row> => {
    const mr = byRun.get(m.id);
    const kOf = (x: Row) => (mr?.k && mr.epochs ? (mr.k[x.i] ?? null) : null);
    return {
      key: `m:${m.id}`,
      label: `${i + 1}`,
      title: `${m.rank}. ${m.displayName}`,
      firstDir: 'asc',
      value: (x) => {
        const k = kOf(x);
        if (k !== null && mr?.epochs) return k / mr.epochs;
        const c = mark(mr, x.i);
        return c === '1' ? 1 : c === '0' ? 0 : null;
      },
      csv: (x) => {
        const k = kOf(x);
        if (k !== null) return `${k}/${mr?.epochs}`;
        const c = mark(mr, x.i);
        return c === '-' ? null : c === '1';
      },
      cell: (x) => {
        const k = kOf(x);
        const c = mark(mr, x.i);
        const cell = document.createElement('td');
        cell.dataset['run'] = m.id;
        if (k !== null && mr?.epochs) {
          cell.className = `mx ${k === mr.epochs ? 'ok' : k === 0 ? 'bad' : 'part'}`;
          cell.textContent = `${k}/${mr.epochs}`;
        } else {
          cell.className = c === '1' ? 'mx ok' : c === '0' ? 'mx bad' : 'mx none';
          cell.textContent = c === '1' ? '✓' : c === '0' ? '✗' : '·';
        }
        if (x.hit?.inResponses.has(m.id)) cell.classList.add('hit');
        return cell;
      },
    };
  };

  const read = (r: Route): { state: State; problems: string[] } => {
    const problems: string[] = [];
    const raw = r.params.get('models');
    let models: RunEntry[];
    if (raw === null) models = data.runs.slice(0, DEFAULT_MAX_MODELS);
    else {
      const wanted = new Set(raw.split(',').filter(Boolean));
      models = data.runs.filter((x) => wanted.has(x.id));
      const unknown = [...wanted].filter((id) => !models.some((m) => m.id === id));
      if (unknown.length) problems.push(`No run ${unknown.map((x) => `"${x}"`).join(', ')} in the ${exam.id}th: left out.`);
    }
    const showRaw = r.params.get('show');
    let show: Show | null = null;
    if (showRaw !== null && showRaw !== '') {
      if ((SHOW as readonly string[]).includes(showRaw)) show = showRaw as Show;
      else problems.push(`No matrix filter "${showRaw}" (one of: ${SHOW.join(', ')}); showing every question.`);
    }
    if ((show === 'models-right' || show === 'models-wrong') && !hasExaminees) {
      problems.push(`The ${exam.id}th publishes no examinee figures, so "${show}" cannot be applied; showing every question.`);
      show = null;
    }
    // The per-model filters, less "result" (one model's right/wrong; the matrix has "show" instead).
    const own = new URLSearchParams(r.params);
    own.delete('result');
    const f = readFilters(own, exam);
    problems.push(...f.problems);
    const cols = columnsFor(models);
    const so = readSort(r.params, cols, DEFAULT_SORT);
    if (so.problem) problems.push(so.problem);
    return {
      state: { models, modelsParam: raw, show, filters: { ...f.filters, result: null }, search: r.params.get('search') ?? '', sort: so.sort },
      problems,
    };
  };
  // Phones leave out the wide columns (block, type, text), so the models' columns are in view.
  const narrow = window.matchMedia('(max-width: 900px)').matches;
  const columnsFor = (models: readonly RunEntry[]) => [...baseColumns.filter((c) => !(narrow && c.cls?.includes('wide'))), ...models.map(modelColumn)];

  let { state, problems } = read(route);
  let cols = columnsFor(state.models);
  let query: Query = parseQuery(state.search);

  const link = (st: State) =>
    href('matrix', null, {
      models: st.modelsParam !== null ? st.models.map((m) => m.id).join(',') || ',' : null,
      show: st.show,
      block: st.filters.block,
      image: st.filters.image,
      type: st.filters.type,
      search: st.search || null,
      ...sortParams(st.sort, DEFAULT_SORT),
    });
  const set = (change: Partial<State>, replace = false) => navigate(link({ ...state, ...change }), replace);

  // ---- controls
  const noticeSlot = h('div');
  const select = (name: string, label: string, options: readonly [string, string][], value: () => string | null, apply: (v: string | null) => void) => {
    const sel = h(
      'select',
      { name, 'data-filter': name, onchange: (e) => apply((e.target as HTMLSelectElement).value || null) },
      h('option', { value: '' }, 'All'),
      options.map(([v, t]) => h('option', { value: v, disabled: (v === 'models-right' || v === 'models-wrong') && !hasExaminees }, t)),
    );
    return { el: h('label', { class: 'filter' }, h('span', null, label), sel), sync: () => (sel.value = value() ?? '') };
  };
  const selects = [
    select(
      'show',
      'Show',
      SHOW.map((s) => [s, SHOW_LABELS[s]] as [string, string]),
      () => state.show,
      (v) => set({ show: v as Show | null }),
    ),
    select(
      'block',
      'Block',
      exam.blocks.map((b) => [b, b] as [string, string]),
      () => state.filters.block,
      (v) => set({ filters: { ...state.filters, block: v } }),
    ),
    select(
      'image',
      'Image',
      [
        ['with', 'With image'],
        ['text', 'Text only'],
      ],
      () => state.filters.image,
      (v) => set({ filters: { ...state.filters, image: v as Filters['image'] } }),
    ),
    select(
      'type',
      'Type',
      [
        ['choice', 'Choice'],
        ['calculation', 'Calculation'],
      ],
      () => state.filters.type,
      (v) => set({ filters: { ...state.filters, type: v as Filters['type'] } }),
    ),
  ];
  const searchBox = urlTextBox({
    value: state.search,
    placeholder: 'Search questions and the chosen models’ responses (/)',
    label: 'Search questions and responses',
    testid: 'search',
    onChange: (v, replace) => set({ search: v.trim() }, replace),
  });
  const chooser = modelChooser(
    data.runs,
    'Models (columns)',
    (ids) => set({ models: data.runs.filter((r) => ids.includes(r.id)), modelsParam: ids.join(',') }),
    false,
  );
  const summary = h('p', { class: 'filtered', 'data-testid': 'matrix-summary' });
  const legend = h('div', { class: 'mxlegend', 'data-testid': 'matrix-legend' });
  // Laid out as grid rows (style.css), so the roles are said explicitly.
  const thead = h('thead', { role: 'rowgroup' });
  const tbody = h('tbody', { role: 'rowgroup' });
  const table = h('table', { class: 'matrix', 'data-testid': 'matrix', role: 'table' }, thead, tbody);
  const wrap = h('div', { class: 'tablewrap mxwrap' }, table);

  let shown: Row[] = [];
  let loading = 0;
  const compute = () => {
    const started = performance.now();
    const runs = state.models.map((m) => byRun.get(m.id));
    const searching = !isEmpty(query);
    const loaded = searching ? state.models.map((m) => [m.id, loadedRun(m.id)] as const) : [];
    loading = loaded.filter(([, r]) => !r).length;
    const out: Row[] = [];
    for (const base of rowsAll) {
      const { q, i } = base;
      if (state.filters.block && q.block !== state.filters.block) continue;
      if (state.filters.image === 'with' && !q.requiresImage) continue;
      if (state.filters.image === 'text' && q.requiresImage) continue;
      if (state.filters.type === 'choice' && q.type !== 'multiple_choice') continue;
      if (state.filters.type === 'calculation' && q.type !== 'calculation') continue;
      let right = 0;
      let answered = 0;
      for (const m of runs) {
        const c = mark(m, i);
        if (c === '-') continue;
        answered++;
        if (c === '1') right++;
      }
      if (state.show && !keep(state.show, right, answered, q)) continue;
      let hit: Hit | null = null;
      if (searching) {
        hit = searchQuestion(
          query,
          q,
          loaded.map(([id, run]) => [id, run?.byQuestion.get(q.id)] as const),
        );
        if (!hit.match) continue;
      }
      out.push({ ...base, right, answered, hit });
    }
    shown = sortRows(out, cols, state.sort);
    // The search's own time, for bench/viewer.mjs (a User Timing entry; nothing is sent anywhere).
    if (searching && loading === 0) performance.measure('search', { start: started, end: performance.now() });
  };

  const draw = () => {
    questionLink.models = state.models.map((m) => m.id).join(',') || ',';
    questionLink.search = state.search;
    thead.replaceChildren(headerRow(cols, state.sort, (so) => set({ sort: so })));
    // Model headers: the number (rank order of the chosen models) and the name, vertical.
    const ths = thead.querySelectorAll<HTMLTableCellElement>('th');
    state.models.forEach((m, i) => {
      const th = ths[cols.length - state.models.length + i];
      if (!th) return;
      th.classList.add('mxhead');
      const btn = th.querySelector('button');
      if (btn) btn.replaceChildren(h('span', { class: 'mxname' }, m.displayName), h('span', { class: 'mxnum' }, `${i + 1}`));
    });
    // Fixed column widths: rows are laid out from them, not from measuring every cell.
    const widths = cols.map((c) => WIDTH_EM[c.key] ?? MODEL_EM);
    table.style.setProperty('--mx-cols', widths.map((w) => `${w}em`).join(' '));
    table.style.width = `${widths.reduce((a, b) => a + b, 0)}em`;
    thead.querySelector('tr')?.setAttribute('role', 'row');
    for (const th of thead.querySelectorAll('th')) th.setAttribute('role', 'columnheader');
    drawRows();
    replaceChildren(
      summary,
      h('strong', null, `${shown.length} of ${rowsAll.length} questions`),
      ` · ${state.models.length} of ${data.runs.length} models`,
      state.show ? ` · ${SHOW_LABELS[state.show].toLowerCase()}` : '',
      isEmpty(query) ? '' : ` · matching “${query.raw}”${loading ? ` (loading the responses of ${loading} model${loading === 1 ? '' : 's'}…)` : ''}`,
    );
    replaceChildren(
      legend,
      state.models.map((m, i) => h('span', { class: 'mxkey' }, h('b', null, `${i + 1}`), ' ', h('a', { href: href('model', m.id) }, m.displayName))),
    );
  };

  /**
   * The rows, drawn in two steps: the first screenfuls at once (the matrix is
   * on screen and usable), the rest once that frame is painted, so 30 models ×
   * 400 questions never hold back the first view. `data-complete` marks the
   * table when every row is in.
   */
  let drawing = 0;
  const rowOf = (x: Row): HTMLTableRowElement => {
    const tr = document.createElement('tr');
    tr.setAttribute('role', 'row');
    tr.dataset['qid'] = x.q.id;
    if (x.answered && x.right === 0) tr.className = 'allwrong';
    for (const c of cols) tr.appendChild(c.cell(x));
    return tr;
  };
  const drawRows = () => {
    const mine = ++drawing;
    table.removeAttribute('data-complete');
    const first = document.createDocumentFragment();
    const FIRST = 60;
    const SLICE = 400;
    for (const x of shown.slice(0, FIRST)) first.appendChild(rowOf(x));
    tbody.replaceChildren(first);
    if (shown.length === 0) tbody.appendChild(h('tr', { class: 'empty' }, h('td', { colspan: cols.length, class: 'muted' }, 'No question matches.')));
    let at = FIRST;
    let painted = false;
    const more = () => {
      if (mine !== drawing) return; // redrawn meanwhile
      if (!painted) {
        painted = true;
        // User Timing entries for bench/viewer.mjs (nothing is sent anywhere).
        performance.mark('matrix-rows-shown');
      }
      if (at >= shown.length) {
        table.dataset['complete'] = '1';
        performance.mark('matrix-complete');
        return;
      }
      const frag = document.createDocumentFragment();
      for (const x of shown.slice(at, at + SLICE)) frag.appendChild(rowOf(x));
      tbody.appendChild(frag);
      at += SLICE;
      later();
    };
    // After the next frame is painted: the first rows show before the rest is laid out.
    const later = () => requestAnimationFrame(() => setTimeout(more, 0));
    later();
  };

  const loadForSearch = () => {
    if (isEmpty(query)) return;
    for (const m of state.models) {
      if (loadedRun(m.id)) continue;
      getRun(m.id).then(
        () => {
          if (isEmpty(query)) return;
          compute();
          draw();
        },
        () => undefined,
      );
    }
  };

  const drawAll = () => {
    replaceChildren(noticeSlot, urlNotice(problems));
    for (const s of selects) s.sync();
    chooser.sync(new Set(state.models.map((m) => m.id)));
    compute();
    draw();
    loadForSearch();
  };

  // A cell's tooltip (model, question, its answer) is made when the pointer first reaches it, not for
  // every one of 30 × 400 cells up front.
  tbody.addEventListener('mouseover', (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLTableCellElement>('td[data-run]');
    const qid = cell?.closest('tr')?.dataset['qid'];
    if (!cell || cell.title || !qid) return;
    const run = cell.dataset['run'] as string;
    const i = matrix.questions.indexOf(qid);
    const name = data.runs.find((r) => r.id === run)?.displayName ?? run;
    cell.title = `${name} · ${qid}: ${byRun.get(run)?.predicted[i] || '—'}`;
  });
  // A click on a model's cell opens that model's answer; on the question id, the answers side by side.
  tbody.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const tr = target.closest('tr');
    const qid = tr?.dataset['qid'];
    if (!qid) return;
    const cell = target.closest<HTMLTableCellElement>('td[data-run]');
    if (cell?.dataset['run']) navigate(href('model', cell.dataset['run'], { q: qid, search: state.search || null }));
  });

  const downloadRows = (): { columns: string[]; rows: Cell[][] } => {
    const extra: Column<Row>[] = [
      { key: 'number', label: '', value: (x) => x.q.number, cell: () => td(null) },
      { key: 'answered', label: '', value: (x) => x.answered, cell: () => td(null) },
    ];
    const all = [...cols.filter((c) => c.key !== 'text'), ...extra];
    return {
      columns: all.map((c) => (c.key.startsWith('m:') ? c.key.slice(2) : c.key)),
      rows: shown.map((x) => all.map((c) => (c.csv ? c.csv(x) : c.value(x)))),
    };
  };

  drawAll();
  const el = h(
    'div',
    { class: 'view matrixview' },
    h('div', { class: 'listhead' }, h('h2', null, 'Question matrix'), downloadButtons(`matrix-${fileSafe(exam.id)}`, downloadRows)),
    noticeSlot,
    h(
      'div',
      { class: 'filters', 'data-testid': 'filters' },
      selects.map((s) => s.el),
      h('label', { class: 'filter searchfilter' }, h('span', null, 'Search'), searchBox),
    ),
    chooser.el,
    summary,
    wrap,
    legend,
    h(
      'p',
      { class: 'rule' },
      '✓ right · ✗ wrong · · no answer in that run; a highlighted cell holds a search word in its response. Click a cell for that model’s answer, a question id for the answers side by side. ',
      hasExaminees ? `“Most” examinees: ≥ ${pct(MOST)} correct (IgakuQA); “most models”: more than half of the chosen models that answered.` : '',
    ),
  );

  return {
    el,
    update(next: Route) {
      if (next.view !== 'matrix') return false;
      const r = read(next);
      state = r.state;
      problems = r.problems;
      cols = columnsFor(state.models);
      query = parseQuery(state.search);
      if (document.activeElement !== searchBox) searchBox.value = state.search;
      drawAll();
      return true;
    },
    keys: { search: () => searchBox },
  };
}

function keep(show: Show, right: number, answered: number, q: QuestionView): boolean {
  if (answered === 0) return false;
  switch (show) {
    case 'all-wrong':
      return right === 0;
    case 'all-right':
      return right === answered;
    case 'split':
      return right > 0 && right < answered;
    case 'models-right':
      return q.humanAccuracy !== null && q.humanAccuracy < MOST && right * 2 > answered;
    case 'models-wrong':
      return q.humanAccuracy !== null && q.humanAccuracy >= MOST && right * 2 < answered;
  }
}
