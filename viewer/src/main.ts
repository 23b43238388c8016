import './style.css';
import type { IndexPayload } from '../../src/viewer/types';
import { getIndex, getLeaderboard, getQuestions, getRun, getSeries } from './api';
import { h, replaceChildren } from './dom';
import { go, href, parseHash, setLinkExam, type Route } from './router';
import { ranked } from './rank';
import { renderLeaderboard } from './views/leaderboard';
import { renderModel } from './views/model';
import { renderQuestion } from './views/question';
import { renderSeries } from './views/series';

/** The app shell: header (exam picker, nav), skipped-files notice, and the view chosen by the URL hash. */

interface Mounted {
  update(route: Route): boolean;
}

const root = document.getElementById('app') as HTMLElement;
const main = h('main', { id: 'main' });
const nav = h('nav', { class: 'nav' });
const examSlot = h('span', { class: 'examslot' });
let mounted: { view: Mounted; exam: string } | null = null;
let renderSeq = 0;

const ordinal = (id: string) => `${id}th`;

/** Which exam a route is about: the run's own exam, the `exam` parameter, the question id's prefix, else the default. */
export function examOf(index: IndexPayload, route: Route): string | null {
  const known = new Set(index.exams.map((e) => e.id));
  if (route.view === 'model' && route.id && index.runExam[route.id]) return index.runExam[route.id] as string;
  const param = route.params.get('exam');
  if (param !== null) return known.has(param) ? param : null;
  if (route.view === 'question' && route.id) {
    const prefix = index.exams.find((e) => route.id?.startsWith(e.id));
    if (prefix) return prefix.id;
  }
  return index.defaultExam;
}

function shell(index: IndexPayload): void {
  const skipped = index.skipped.length
    ? h(
        'details',
        { class: 'skipped', 'data-testid': 'skipped' },
        h('summary', null, `${index.skipped.length} result file${index.skipped.length === 1 ? ' was' : 's were'} skipped`),
        h(
          'ul',
          null,
          index.skipped.map((s) => h('li', null, h('code', null, s.file), ': ', s.reason)),
        ),
      )
    : null;
  replaceChildren(root, h('header', { class: 'top' }, h('div', { class: 'brand' }, h('h1', null, 'jmle-bench'), examSlot), nav), skipped, main);
}

/** The exam picker (several exams) or the exam's title (one), and the nav links for this exam. */
async function drawHeader(index: IndexPayload, route: Route, exam: string | null): Promise<void> {
  const shown = exam ?? index.defaultExam;
  if (index.exams.length > 1) {
    const onPick = (e: Event) => {
      const id = (e.target as HTMLSelectElement).value;
      const view = route.view === 'model' || route.view === 'question' ? route.view : 'leaderboard';
      go(href(view, null, { exam: id }));
    };
    replaceChildren(
      examSlot,
      h(
        'select',
        { class: 'exampicker', 'data-testid': 'exam-picker', 'aria-label': 'Exam', onchange: onPick },
        index.exams.map((x) =>
          h(
            'option',
            { value: x.id, selected: route.view !== 'series' && x.id === shown },
            `${ordinal(x.id)} · ${x.title} (${x.runs} run${x.runs === 1 ? '' : 's'})`,
          ),
        ),
        route.view === 'series' ? h('option', { value: '', selected: true, disabled: true }, 'Series: every exam') : null,
      ),
    );
  } else replaceChildren(examSlot, h('span', { class: 'examtitle' }, index.exams[0]?.title ?? ''));
  const data = await getLeaderboard(shown);
  const top = ranked(data.runs)[0];
  replaceChildren(
    nav,
    h('a', { href: href('leaderboard'), 'data-nav': 'leaderboard' }, 'Leaderboard'),
    h('a', { href: top ? href('model', top.id) : href('model'), 'data-nav': 'model' }, 'Models'),
    h('a', { href: href('question'), 'data-nav': 'question' }, 'Questions'),
    index.series ? h('a', { href: href('series'), 'data-nav': 'series' }, 'Series') : null,
  );
  for (const a of nav.querySelectorAll<HTMLAnchorElement>('a')) a.classList.toggle('active', a.dataset['nav'] === route.view);
}

function showError(e: unknown): void {
  replaceChildren(main, h('p', { class: 'notice' }, `Could not load: ${e instanceof Error ? e.message : String(e)}`));
}

async function render(index: IndexPayload): Promise<void> {
  const seq = ++renderSeq;
  const route = parseHash(location.hash);
  const exam = route.view === 'series' ? null : examOf(index, route);
  if (exam) setLinkExam(exam);
  else if (route.view === 'series') setLinkExam(index.defaultExam);
  await drawHeader(index, route, exam);
  if (seq !== renderSeq) return;
  if (route.view === 'series') {
    mounted = null;
    const series = await getSeries();
    if (seq !== renderSeq) return;
    replaceChildren(main, renderSeries(series, index));
    document.title = 'Series — jmle-bench';
    return;
  }
  if (exam === null) {
    mounted = null;
    replaceChildren(
      main,
      h(
        'p',
        { class: 'notice' },
        `No exam "${route.params.get('exam') ?? ''}" in this collection. Exams: `,
        index.exams.map((x, i) => [i ? ', ' : '', h('a', { href: href('leaderboard', null, { exam: x.id }) }, ordinal(x.id))]),
      ),
    );
    return;
  }
  const data = await getLeaderboard(exam);
  if (seq !== renderSeq) return;
  if (mounted && mounted.exam === exam && mounted.view.update(route)) return;
  mounted = null;
  if (route.view === 'leaderboard') {
    replaceChildren(main, renderLeaderboard(data, route));
    document.title = `Leaderboard ${ordinal(exam)} — jmle-bench`;
    return;
  }
  if (route.view === 'model') {
    const run = data.runs.find((r) => r.id === route.id) ?? (route.id ? undefined : ranked(data.runs)[0]);
    if (!run) {
      replaceChildren(
        main,
        h('p', { class: 'notice' }, route.id ? `No run "${route.id}" in this collection.` : 'No runs.'),
        h('a', { href: href('leaderboard') }, 'Back to the leaderboard'),
      );
      return;
    }
    replaceChildren(main, h('p', { class: 'loading' }, `Loading ${run.displayName}…`));
    const [questions, records] = await Promise.all([getQuestions(exam), getRun(run.id)]);
    if (seq !== renderSeq) return;
    const view = renderModel(data, run, records, questions, route);
    replaceChildren(main, view.el);
    mounted = { view, exam };
    document.title = `${run.displayName} — jmle-bench`;
    return;
  }
  replaceChildren(main, h('p', { class: 'loading' }, 'Loading questions…'));
  const questions = await getQuestions(exam);
  if (seq !== renderSeq) return;
  const view = renderQuestion(data, questions, route);
  replaceChildren(main, view.el);
  mounted = { view, exam };
  document.title = `Questions ${ordinal(exam)} — jmle-bench`;
}

getIndex().then(
  (index) => {
    shell(index);
    const safeRender = () => {
      root.removeAttribute('data-ready');
      const seq = renderSeq + 1; // the render about to start
      render(index).then(() => {
        if (seq !== renderSeq) return; // a newer render is on its way
        const route = parseHash(location.hash);
        root.dataset['view'] = route.view;
        root.dataset['exam'] = route.view === 'series' ? '' : (examOf(index, route) ?? '');
        root.setAttribute('data-ready', '1');
      }, showError);
    };
    window.addEventListener('hashchange', safeRender);
    safeRender();
  },
  (e: unknown) => replaceChildren(root, h('p', { class: 'notice' }, `Could not load the results: ${e instanceof Error ? e.message : String(e)}`)),
);
