import type { LeaderboardPayload, QuestionView, RunEntry } from '../../../src/viewer/types.js';
import { getRun, loadedRun, type Questions, type Run } from '../api.js';
import { modelChooser } from '../chooser.js';
import { answerLine, modelOutput, questionBody } from '../components.js';
import { h, replaceChildren } from '../dom.js';
import { preview } from '../format.js';
import { href, type Route } from '../router.js';
import { highlighted, isEmpty, parseQuery, searchQuestion, type Query } from '../search.js';
import { viewNavigator, urlNotice, urlTextBox, type Mounted } from '../view.js';

/**
 * Per-question view: pick a block and a question (or search), pick models,
 * compare their answers side by side.
 */

const DEFAULT_MODELS = 3;

/** The models the URL names (ranking order), and the ids it names that are not runs of this exam. */
export function selectedModels(data: LeaderboardPayload, params: URLSearchParams): { models: RunEntry[]; unknown: string[] } {
  const raw = params.get('models');
  if (raw === null) return { models: data.runs.slice(0, DEFAULT_MODELS), unknown: [] };
  const wanted = new Set(raw.split(',').filter(Boolean));
  const models = data.runs.filter((r) => wanted.has(r.id));
  return { models, unknown: [...wanted].filter((id) => !models.some((m) => m.id === id)) };
}

export function renderQuestion(data: LeaderboardPayload, questions: Questions, route: Route): Mounted {
  /** URL writes from this view (dropped once another view has replaced it). */
  const navigate = viewNavigator();
  const exam = data.exam.id;
  const first = questions.list[0];

  interface State {
    q: QuestionView | undefined;
    models: RunEntry[];
    modelsParam: string | null;
    search: string;
    query: Query;
    problems: string[];
  }
  const read = (r: Route): State => {
    const problems: string[] = [];
    const byId = r.id ? questions.byId.get(r.id) : undefined;
    const block = r.params.get('block');
    const inBlock = block ? questions.list.find((q) => q.block === block) : undefined;
    if (block && !inBlock) problems.push(`No block "${block}" in the ${exam}th (blocks ${data.exam.blocks.join(', ')}).`);
    const q = byId ?? inBlock ?? first;
    if (r.id && !byId) problems.push(`No question "${r.id}" in the ${exam}th; showing ${q?.id ?? 'none'}.`);
    const sel = selectedModels(data, r.params);
    if (sel.unknown.length) problems.push(`No run ${sel.unknown.map((x) => `"${x}"`).join(', ')} in the ${exam}th: left out.`);
    const search = r.params.get('search') ?? '';
    return { q, models: sel.models, modelsParam: r.params.get('models'), search, query: parseQuery(search), problems };
  };
  let st = read(route);

  const link = (qid: string | null, change: { models?: string | null; search?: string } = {}) =>
    href('question', qid, {
      models: 'models' in change ? change.models : st.modelsParam !== null ? st.models.map((m) => m.id).join(',') || ',' : null,
      search: (change.search ?? st.search) || null,
    });

  const noticeSlot = h('div');
  const blockTabs = h('div', { class: 'tabs', role: 'tablist', 'data-testid': 'blocks' });
  const qlist = h('ul', { class: 'qpick', 'data-testid': 'question-picker' });
  const searchNote = h('p', { class: 'muted searchnote', 'data-testid': 'search-note' });
  const detail = h('div', { class: 'qdetail', 'data-testid': 'question-detail' });
  const answers = h('div', { class: 'compare', 'data-testid': 'answers' });
  const searchBox = urlTextBox({
    value: st.search,
    placeholder: 'Search questions and the chosen models’ responses (/)',
    label: 'Search questions and responses',
    testid: 'search',
    onChange: (v, replace) => navigate(link(st.q?.id ?? null, { search: v.trim() }), replace),
  });
  const chooser = modelChooser(data.runs, 'Models to compare', (ids) =>
    navigate(href('question', st.q?.id ?? null, { models: ids.join(',') || ',', search: st.search || null })),
  );

  /** The questions the picker lists: the current block, or with a search every matching question. */
  let shown: QuestionView[] = [];
  const computeShown = () => {
    if (isEmpty(st.query)) {
      shown = questions.list.filter((x) => x.block === st.q?.block);
      replaceChildren(searchNote);
      return;
    }
    const runs = st.models.map((m) => [m.id, loadedRun(m.id)] as const);
    shown = questions.list.filter(
      (x) =>
        searchQuestion(
          st.query,
          x,
          runs.map(([id, run]) => [id, run?.byQuestion.get(x.id)] as const),
        ).match,
    );
    const loading = runs.filter(([, run]) => !run).length;
    replaceChildren(
      searchNote,
      `${shown.length} question${shown.length === 1 ? '' : 's'} match “${st.query.raw}” (question text and choices, and the responses of the ${st.models.length} chosen model${st.models.length === 1 ? '' : 's'})`,
      loading ? ` · loading ${loading} model${loading === 1 ? '' : 's'}…` : '',
    );
  };

  const drawBlocks = () => {
    replaceChildren(
      blockTabs,
      data.exam.blocks.map((b) => {
        const firstOf = questions.list.find((x) => x.block === b);
        const active = isEmpty(st.query) && st.q?.block === b;
        return h(
          'button',
          {
            type: 'button',
            role: 'tab',
            'aria-selected': String(active),
            class: active ? 'active' : '',
            'data-block': b,
            disabled: !firstOf,
            onclick: () => firstOf && navigate(link(firstOf.id, { search: '' })),
          },
          `Block ${b}`,
        );
      }),
    );
  };
  const drawList = () => {
    replaceChildren(
      qlist,
      shown.map((x) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: link(x.id), class: x.id === st.q?.id ? 'active' : '', 'data-qid': x.id, 'aria-current': x.id === st.q?.id ? 'true' : null },
            h('span', { class: 'qid' }, isEmpty(st.query) ? `${x.number}` : x.id.replace(new RegExp(`^${exam}`), '')),
            h('span', { class: 'prev' }, highlighted(preview(x.text.replace(/^\s*\d+[\s\u3000]+/, '')), st.query)),
            x.requiresImage ? h('span', { class: 'imgbadge', title: 'with image' }, '画像') : null,
          ),
        ),
      ),
    );
    if (shown.length === 0) qlist.appendChild(h('li', { class: 'muted empty' }, 'No question matches.'));
    requestAnimationFrame(() => {
      const a = qlist.querySelector<HTMLElement>('a.active');
      if (!a) return;
      const top = a.offsetTop;
      if (top < qlist.scrollTop || top > qlist.scrollTop + qlist.clientHeight - 30) qlist.scrollTop = Math.max(0, top - qlist.clientHeight / 3);
    });
  };

  const card = (m: RunEntry, run: Run | undefined, question: QuestionView) => {
    const head = h('h4', null, h('a', { href: href('model', m.id, { q: question.id, search: st.search || null }) }, m.displayName));
    if (!run) return h('article', { class: 'answer loading', 'data-run': m.id }, head, h('p', { class: 'muted' }, 'Loading…'));
    const r = run.byQuestion.get(question.id);
    if (!r) return h('article', { class: 'answer', 'data-run': m.id }, head, h('p', { class: 'muted' }, 'This run has no answer for this question.'));
    return h(
      'article',
      { class: `answer ${r.correct ? 'is-ok' : 'is-bad'}`, 'data-run': m.id },
      head,
      answerLine(r),
      modelOutput(r, { reasoningOpen: false, query: st.query }),
    );
  };

  const drawAnswers = () => {
    const question = st.q;
    if (!question) return;
    if (st.models.length === 0) {
      replaceChildren(answers, h('p', { class: 'muted' }, 'No models selected.'));
      return;
    }
    replaceChildren(
      answers,
      st.models.map((m) => card(m, loadedRun(m.id), question)),
    );
  };

  /** Load the chosen runs not loaded yet; redraw what depends on them once each arrives. */
  const loadRuns = () => {
    for (const m of st.models) {
      if (loadedRun(m.id)) continue;
      getRun(m.id).then(
        (run) => {
          if (!st.models.includes(m)) return;
          const question = st.q;
          const old = answers.querySelector(`article[data-run="${CSS.escape(m.id)}"]`);
          if (question) old?.replaceWith(card(m, run, question));
          if (!isEmpty(st.query)) {
            computeShown();
            drawList();
          }
        },
        (e: unknown) => {
          const old = answers.querySelector(`article[data-run="${CSS.escape(m.id)}"]`);
          old?.replaceWith(h('article', { class: 'answer', 'data-run': m.id }, h('h4', null, m.displayName), h('p', { class: 'notice' }, String(e))));
        },
      );
    }
  };

  const drawDetail = () => {
    const q = st.q;
    if (!q) {
      replaceChildren(detail, h('p', { class: 'muted' }, 'No questions.'));
      return;
    }
    const list = isEmpty(st.query) ? questions.list : shown;
    const idx = list.indexOf(q);
    const prev = idx > 0 ? list[idx - 1] : undefined;
    const next = idx >= 0 ? list[idx + 1] : list[0];
    replaceChildren(
      detail,
      h(
        'nav',
        { class: 'pager' },
        h(
          'button',
          { type: 'button', disabled: !prev, 'data-testid': 'prev', title: 'previous (k or ←)', onclick: () => prev && navigate(link(prev.id)) },
          '← prev',
        ),
        h(
          'button',
          { type: 'button', disabled: !next, 'data-testid': 'next', title: 'next (j or →)', onclick: () => next && navigate(link(next.id)) },
          'next →',
        ),
      ),
      questionBody(q, exam, true, st.query),
    );
  };

  const drawAll = (blocks = true) => {
    replaceChildren(noticeSlot, urlNotice(st.problems));
    chooser.sync(new Set(st.models.map((m) => m.id)));
    computeShown();
    if (blocks) drawBlocks();
    drawList();
    drawDetail();
    drawAnswers();
    loadRuns();
  };
  drawAll();

  const el = h(
    'div',
    { class: 'view questionview' },
    h('h2', null, 'Questions'),
    noticeSlot,
    h('div', { class: 'searchrow' }, searchBox),
    blockTabs,
    h(
      'div',
      { class: 'qsplit' },
      h('div', { class: 'qside' }, searchNote, qlist),
      h('div', { class: 'qmain' }, chooser.el, detail, h('h3', null, 'Answers'), answers),
    ),
  );

  const move = (step: 1 | -1) => {
    const list = isEmpty(st.query) ? questions.list : shown;
    const idx = st.q ? list.indexOf(st.q) : -1;
    const target = idx < 0 ? list[0] : list[idx + step];
    if (target) navigate(link(target.id));
  };

  return {
    el,
    update(next: Route) {
      if (next.view !== 'question') return false;
      st = read(next);
      if (document.activeElement !== searchBox) searchBox.value = st.search;
      drawAll();
      return true;
    },
    keys: { next: () => move(1), prev: () => move(-1), search: () => searchBox },
  };
}
