import './style.css';
import type { LeaderboardPayload } from '../../src/viewer/types';
import { getLeaderboard, getQuestions, getRun } from './api';
import { h, replaceChildren } from './dom';
import { href, parseHash, type Route } from './router';
import { renderLeaderboard, ranked } from './views/leaderboard';
import { renderModel } from './views/model';
import { renderQuestion } from './views/question';

/** The app shell: header, skipped-files notice, and the view chosen by the URL hash. */

interface Mounted {
  update(route: Route): boolean;
}

const root = document.getElementById('app') as HTMLElement;
const main = h('main', { id: 'main' });
let mounted: Mounted | null = null;
let renderSeq = 0;

function shell(data: LeaderboardPayload): void {
  const top = ranked(data.runs)[0];
  const nav = h(
    'nav',
    { class: 'nav' },
    h('a', { href: '#/', 'data-nav': 'leaderboard' }, 'Leaderboard'),
    h('a', { href: top ? href('model', top.id) : '#/model', 'data-nav': 'model' }, 'Models'),
    h('a', { href: href('question'), 'data-nav': 'question' }, 'Questions'),
  );
  const skipped = data.skipped.length
    ? h(
        'details',
        { class: 'skipped', 'data-testid': 'skipped' },
        h('summary', null, `${data.skipped.length} result file${data.skipped.length === 1 ? ' was' : 's were'} skipped`),
        h('ul', null, data.skipped.map((s) => h('li', null, h('code', null, s.file), ': ', s.reason))),
      )
    : null;
  replaceChildren(
    root,
    h('header', { class: 'top' }, h('div', { class: 'brand' }, h('h1', null, 'jmle-bench'), h('span', { class: 'examtitle' }, data.exam.title)), nav),
    skipped,
    main,
  );
}

function setActiveNav(route: Route): void {
  for (const a of root.querySelectorAll<HTMLAnchorElement>('nav.nav a')) a.classList.toggle('active', a.dataset['nav'] === route.view);
}

function showError(e: unknown): void {
  replaceChildren(main, h('p', { class: 'notice' }, `Could not load: ${e instanceof Error ? e.message : String(e)}`));
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = parseHash(location.hash);
  const data = await getLeaderboard();
  setActiveNav(route);
  if (mounted?.update(route)) return;
  mounted = null;
  if (route.view === 'leaderboard') {
    replaceChildren(main, renderLeaderboard(data, route));
    document.title = `Leaderboard — jmle-bench`;
    return;
  }
  if (route.view === 'model') {
    const run = data.runs.find((r) => r.id === route.id) ?? (route.id ? undefined : ranked(data.runs)[0]);
    if (!run) {
      replaceChildren(main, h('p', { class: 'notice' }, route.id ? `No run "${route.id}" in this collection.` : 'No runs.'), h('a', { href: '#/' }, 'Back to the leaderboard'));
      return;
    }
    replaceChildren(main, h('p', { class: 'loading' }, `Loading ${run.displayName}…`));
    const [questions, records] = await Promise.all([getQuestions(), getRun(run.id)]);
    if (seq !== renderSeq) return;
    const view = renderModel(data, run, records, questions, route);
    replaceChildren(main, view.el);
    mounted = view;
    document.title = `${run.displayName} — jmle-bench`;
    return;
  }
  replaceChildren(main, h('p', { class: 'loading' }, 'Loading questions…'));
  const questions = await getQuestions();
  if (seq !== renderSeq) return;
  const view = renderQuestion(data, questions, route);
  replaceChildren(main, view.el);
  mounted = view;
  document.title = `Questions — jmle-bench`;
}

function safeRender(): void {
  root.removeAttribute('data-ready');
  render().then(() => {
    root.dataset['view'] = parseHash(location.hash).view;
    root.setAttribute('data-ready', '1');
  }, showError);
}

getLeaderboard().then((data) => {
  shell(data);
  window.addEventListener('hashchange', safeRender);
  safeRender();
}, (e: unknown) => replaceChildren(root, h('p', { class: 'notice' }, `Could not load the results: ${e instanceof Error ? e.message : String(e)}`)));
