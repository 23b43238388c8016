import type { LeaderboardPayload, QuestionView, RunEntry } from '../../../src/viewer/types';
import { getRun, loadedRun, type Questions, type Run } from '../api';
import { answerLine, modelOutput, questionBody } from '../components';
import { h, replaceChildren } from '../dom';
import { preview } from '../format';
import { go, href, type Route } from '../router';
import { ranked } from '../rank';

/** Per-question view: pick a block and a question, pick models, compare their answers side by side. */

const DEFAULT_MODELS = 3;

export interface QuestionPage {
  readonly el: HTMLElement;
  update(route: Route): boolean;
}

export function selectedModels(data: LeaderboardPayload, params: URLSearchParams): RunEntry[] {
  const order = ranked(data.runs);
  const raw = params.get('models');
  if (raw === null) return order.slice(0, DEFAULT_MODELS);
  const wanted = new Set(raw.split(',').filter(Boolean));
  return order.filter((r) => wanted.has(r.id));
}

export function renderQuestion(data: LeaderboardPayload, questions: Questions, route: Route): QuestionPage {
  const first = questions.list[0];
  const current = (r: Route): QuestionView | undefined =>
    (r.id ? questions.byId.get(r.id) : undefined) ??
    (r.params.get('block') ? questions.list.find((q) => q.block === r.params.get('block')) : undefined) ??
    first;
  let q = current(route);
  let models = selectedModels(data, route.params);
  const modelsParam = () => (route.params.get('models') !== null ? models.map((m) => m.id).join(',') : null);
  const link = (qid: string) => href('question', qid, { models: modelsParam() });

  const blockTabs = h('div', { class: 'tabs', role: 'tablist', 'data-testid': 'blocks' });
  const qlist = h('ul', { class: 'qpick', 'data-testid': 'question-picker' });
  const chooser = h('div', { class: 'chooser', 'data-testid': 'model-chooser' });
  const detail = h('div', { class: 'qdetail', 'data-testid': 'question-detail' });
  const answers = h('div', { class: 'compare', 'data-testid': 'answers' });

  const drawBlocks = () => {
    replaceChildren(
      blockTabs,
      data.exam.blocks.map((b) => {
        const firstOf = questions.list.find((x) => x.block === b);
        return h(
          'button',
          {
            type: 'button',
            role: 'tab',
            'aria-selected': String(q?.block === b),
            class: q?.block === b ? 'active' : '',
            'data-block': b,
            disabled: !firstOf,
            onclick: () => firstOf && go(link(firstOf.id)),
          },
          `Block ${b}`,
        );
      }),
    );
  };
  const drawList = () => {
    replaceChildren(
      qlist,
      questions.list
        .filter((x) => x.block === q?.block)
        .map((x) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: link(x.id), class: x.id === q?.id ? 'active' : '', 'data-qid': x.id, 'aria-current': x.id === q?.id ? 'true' : null },
              h('span', { class: 'qid' }, `${x.number}`),
              h('span', { class: 'prev' }, preview(x.text.replace(/^\s*\d+[\s\u3000]+/, ''))),
              x.requiresImage ? h('span', { class: 'imgbadge', title: 'with image' }, '画像') : null,
            ),
          ),
        ),
    );
    requestAnimationFrame(() => {
      const a = qlist.querySelector<HTMLElement>('a.active');
      if (!a) return;
      const top = a.offsetTop;
      if (top < qlist.scrollTop || top > qlist.scrollTop + qlist.clientHeight - 30) qlist.scrollTop = Math.max(0, top - qlist.clientHeight / 3);
    });
  };
  const drawChooser = () => {
    const setModels = (ids: string[]) => go(href('question', q?.id ?? null, { models: ids.join(',') || ',' }), true);
    replaceChildren(
      chooser,
      h(
        'details',
        { open: true },
        h('summary', null, ''),
        h(
          'div',
          { class: 'chooser-actions' },
          h('button', { type: 'button', onclick: () => setModels(ranked(data.runs).map((r) => r.id)) }, 'All'),
          h('button', { type: 'button', onclick: () => setModels([]) }, 'None'),
        ),
        h(
          'div',
          { class: 'checks' },
          ranked(data.runs).map((r) =>
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                value: r.id,
                onchange: (e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  const chosen = new Set(models.map((m) => m.id));
                  const ids = ranked(data.runs)
                    .filter((x) => (x.id === r.id ? on : chosen.has(x.id)))
                    .map((x) => x.id);
                  setModels(ids);
                },
              }),
              ` ${r.displayName}`,
            ),
          ),
        ),
      ),
    );
    syncChooser();
  };
  /** Tick the chosen models in place (keeps focus and scroll). */
  const syncChooser = () => {
    const chosen = new Set(models.map((m) => m.id));
    for (const input of chooser.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) input.checked = chosen.has(input.value);
    const summary = chooser.querySelector('summary');
    if (summary) summary.textContent = `Models to compare (${chosen.size} of ${data.runs.length})`;
  };

  const card = (m: RunEntry, run: Run | undefined, question: QuestionView) => {
    const head = h('h4', null, h('a', { href: href('model', m.id, { q: question.id }) }, m.displayName));
    if (!run) return h('article', { class: 'answer loading', 'data-run': m.id }, head, h('p', { class: 'muted' }, 'Loading…'));
    const r = run.byQuestion.get(question.id);
    if (!r) return h('article', { class: 'answer', 'data-run': m.id }, head, h('p', { class: 'muted' }, 'This run has no answer for this question.'));
    return h('article', { class: `answer ${r.correct ? 'is-ok' : 'is-bad'}`, 'data-run': m.id }, head, answerLine(r), modelOutput(r, { reasoningOpen: false }));
  };

  const drawAnswers = () => {
    const question = q;
    if (!question) return;
    if (models.length === 0) {
      replaceChildren(answers, h('p', { class: 'muted' }, 'No models selected.'));
      return;
    }
    replaceChildren(
      answers,
      models.map((m) => card(m, loadedRun(m.id), question)),
    );
    for (const m of models) {
      if (loadedRun(m.id)) continue;
      getRun(m.id).then(
        (run) => {
          if (q !== question) return;
          const old = answers.querySelector(`article[data-run="${CSS.escape(m.id)}"]`);
          old?.replaceWith(card(m, run, question));
        },
        (e: unknown) => {
          const old = answers.querySelector(`article[data-run="${CSS.escape(m.id)}"]`);
          old?.replaceWith(h('article', { class: 'answer', 'data-run': m.id }, h('h4', null, m.displayName), h('p', { class: 'notice' }, String(e))));
        },
      );
    }
  };

  const drawDetail = () => {
    if (!q) {
      replaceChildren(detail, h('p', { class: 'muted' }, 'No questions.'));
      return;
    }
    const idx = questions.list.indexOf(q);
    const prev = questions.list[idx - 1];
    const next = questions.list[idx + 1];
    replaceChildren(
      detail,
      h(
        'nav',
        { class: 'pager' },
        h('button', { type: 'button', disabled: !prev, 'data-testid': 'prev', onclick: () => prev && go(link(prev.id)) }, '← prev'),
        h('button', { type: 'button', disabled: !next, 'data-testid': 'next', onclick: () => next && go(link(next.id)) }, 'next →'),
      ),
      questionBody(q, data.exam.id, true),
    );
  };

  drawBlocks();
  drawList();
  drawChooser();
  drawDetail();
  drawAnswers();

  const el = h(
    'div',
    { class: 'view questionview' },
    h('h2', null, 'Questions'),
    blockTabs,
    h('div', { class: 'qsplit' }, h('div', { class: 'qside' }, qlist), h('div', { class: 'qmain' }, chooser, detail, h('h3', null, 'Answers'), answers)),
  );

  return {
    el,
    update(next: Route) {
      if (next.view !== 'question') return false;
      const nq = current(next);
      const nModels = selectedModels(data, next.params);
      const modelsChanged =
        nModels.map((m) => m.id).join(',') !== models.map((m) => m.id).join(',') || next.params.get('models') !== route.params.get('models');
      const blockChanged = nq?.block !== q?.block;
      route = next;
      models = nModels;
      q = nq;
      if (blockChanged) drawBlocks();
      drawList();
      if (modelsChanged) syncChooser();
      drawDetail();
      drawAnswers();
      return true;
    },
  };
}
