import './style.css';
import type { IndexPayload } from '../../src/viewer/types.js';
import { getIndex, getLeaderboard, getMatrix, getQuestions, getRun, getSeries } from './api.js';
import { closeLightbox, lightboxKey, lightboxOpen } from './components.js';
import { h, replaceChildren, type Child } from './dom.js';
import { go, href, listen, parseHash, setLinkExam, type Route } from './router.js';
import { retireViews, urlNotice, type Mounted } from './view.js';
import { renderCompare } from './views/compare.js';
import { renderLeaderboard } from './views/leaderboard.js';
import { renderMatrix } from './views/matrix.js';
import { renderModel } from './views/model.js';
import { renderQuestion } from './views/question.js';
import { renderSeries } from './views/series.js';

/** The app shell: header (exam picker, nav), skipped-files notice, the view chosen by the URL hash, and the keys. */

const root = document.getElementById('app') as HTMLElement;
const main = h('main', { id: 'main' });
const nav = h('nav', { class: 'nav' });
const examSlot = h('span', { class: 'examslot' });
let mounted: { view: Mounted; exam: string; kind: Route['view'] } | null = null;
let renderSeq = 0;
/** The kind of view last put on the page. */
let lastKind: Route['view'] | null = null;

const ordinal = (id: string) => `${id}th`;

/** Which exam a route is about: the run's own exam, the `exam` parameter, the question id's prefix, else the default. */
export function examOf(index: IndexPayload, route: Route): string | null {
  const known = new Set(index.exams.map((e) => e.id));
  if (route.view === 'model' && route.id && index.runExam[route.id]) return index.runExam[route.id] as string;
  if (route.view === 'compare') {
    const a = route.params.get('a');
    const own = a ? index.runExam[a] : undefined;
    if (own) return own;
  }
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
function drawHeader(index: IndexPayload, route: Route, exam: string | null, top: string | undefined): void {
  const shown = exam ?? index.defaultExam;
  if (index.exams.length > 1) {
    const onPick = (e: Event) => {
      const id = (e.target as HTMLSelectElement).value;
      const view = route.view === 'model' || route.view === 'question' || route.view === 'matrix' || route.view === 'compare' ? route.view : 'leaderboard';
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
  replaceChildren(
    nav,
    h('a', { href: href('leaderboard'), 'data-nav': 'leaderboard' }, 'Leaderboard'),
    h('a', { href: top ? href('model', top) : href('model'), 'data-nav': 'model' }, 'Models'),
    h('a', { href: href('question'), 'data-nav': 'question' }, 'Questions'),
    h('a', { href: href('matrix'), 'data-nav': 'matrix' }, 'Matrix'),
    h('a', { href: href('compare'), 'data-nav': 'compare' }, 'Compare'),
    index.series ? h('a', { href: href('series'), 'data-nav': 'series' }, 'Series') : null,
  );
  for (const a of nav.querySelectorAll<HTMLAnchorElement>('a')) a.classList.toggle('active', a.dataset['nav'] === route.view);
}

function showError(e: unknown): void {
  replaceChildren(main, h('p', { class: 'notice' }, `Could not load: ${e instanceof Error ? e.message : String(e)}`));
}

/** Put a view on the page, keeping the focused text box focused (same test id) across the swap. */
function mount(view: HTMLElement, ...before: Child[]): void {
  const active = document.activeElement as HTMLInputElement | null;
  const testid = active?.dataset?.['testid'];
  const selection = active && 'selectionStart' in active ? [active.selectionStart, active.selectionEnd] : null;
  replaceChildren(main, ...before, view);
  if (testid && active?.tagName === 'INPUT') {
    const again = main.querySelector<HTMLInputElement>(`input[data-testid="${CSS.escape(testid)}"]`);
    if (again) {
      again.focus();
      if (selection) again.setSelectionRange(selection[0] ?? null, selection[1] ?? null);
    }
  }
}

/** Ask for what the view will need together with the leaderboard (one round trip, not two in a row). */
function prefetch(route: Route, exam: string): void {
  const quiet = (p: Promise<unknown>) => p.catch(() => undefined); // the view reports failures when it awaits
  if (route.view === 'model' || route.view === 'question' || route.view === 'matrix') void quiet(getQuestions(exam));
  if (route.view === 'matrix') void quiet(getMatrix(exam));
  if (route.view === 'model' && route.id) void quiet(getRun(route.id));
}

/** Mark the page as showing `hash` (tests and tools wait for it after a navigation). */
function shown(index: IndexPayload, hash: string): void {
  const route = parseHash(hash);
  root.dataset['view'] = route.view;
  root.dataset['exam'] = route.view === 'series' ? '' : (examOf(index, route) ?? '');
  root.dataset['rendered'] = hash;
  root.setAttribute('data-ready', '1');
}

/**
 * Show the URL now in the address bar. The view on the page follows it in
 * place when it can (a filter, a sort, the selected question: synchronously,
 * so the next key acts on the new state); otherwise it is retired at once (its
 * keys and URL writes stop) and the new view is loaded. Only the newest
 * navigation's render may touch the page: an older one still loading stops at
 * its next step.
 */
function route(index: IndexPayload): void {
  const seq = ++renderSeq;
  const hash = location.hash;
  const r = parseHash(hash);
  root.removeAttribute('data-ready');
  closeLightbox();
  const exam = r.view === 'series' ? null : examOf(index, r);
  setLinkExam(exam ?? index.defaultExam);
  // The same view of the same exam: the header stays as it is.
  if (mounted && mounted.exam === exam && mounted.kind === r.view && !r.unknown && mounted.view.update(r)) {
    shown(index, hash);
    return;
  }
  mounted = null;
  retireViews();
  render(index, r, exam, seq).then(
    (done) => {
      if (done && seq === renderSeq) shown(index, hash);
    },
    (e: unknown) => {
      if (seq === renderSeq) showError(e);
    },
  );
}

/** Render a view anew; false when a newer navigation took over meanwhile (nothing was drawn after that). */
async function render(index: IndexPayload, route: Route, exam: string | null, seq: number): Promise<boolean> {
  if (exam) prefetch(route, exam);
  const data = exam ? await getLeaderboard(exam) : null;
  if (seq !== renderSeq) return false;
  const top = (data ?? (await getLeaderboard(index.defaultExam))).runs[0]?.id;
  if (seq !== renderSeq) return false;
  drawHeader(index, route, exam, top);

  if (route.view === 'series') {
    if (!index.series) {
      replaceChildren(
        main,
        urlNotice([
          `No series in this collection: its runs are of one exam only (${index.exams.map((e) => ordinal(e.id)).join(', ')}). A series needs runs of two or more exams (or \`--exams\`); showing the leaderboard.`,
        ]),
      );
      const lb = await getLeaderboard(index.defaultExam);
      if (seq !== renderSeq) return false;
      main.appendChild(renderLeaderboard(lb, { view: 'leaderboard', id: null, params: new URLSearchParams(), unknown: null }).el);
      document.title = 'Leaderboard — jmle-bench';
      return true;
    }
    const series = await getSeries();
    if (seq !== renderSeq) return false;
    replaceChildren(main, renderSeries(series, index));
    if (lastKind !== 'series') window.scrollTo(0, 0);
    lastKind = 'series';
    document.title = 'Series — jmle-bench';
    return true;
  }
  if (exam === null || data === null) {
    replaceChildren(
      main,
      h(
        'p',
        { class: 'notice', 'data-testid': 'url-notice' },
        `No exam "${route.params.get('exam') ?? ''}" in this collection. Exams: `,
        index.exams.map((x, i) => [i ? ', ' : '', h('a', { href: href('leaderboard', null, { exam: x.id }) }, ordinal(x.id))]),
      ),
    );
    return true;
  }
  const put = (view: Mounted, title: string, ...notices: Child[]) => {
    const another = lastKind !== route.view;
    lastKind = route.view;
    mount(view.el, ...notices);
    // A new page starts at its top (an in-place update keeps the reader where they are).
    if (another) window.scrollTo(0, 0);
    mounted = { view, exam, kind: route.view };
    document.title = `${title} — jmle-bench`;
  };

  switch (route.view) {
    case 'leaderboard': {
      const notice =
        route.unknown !== null ? urlNotice([`No page "#/${route.unknown}" (pages: model, question, matrix, compare, series); showing the leaderboard.`]) : null;
      put(renderLeaderboard(data, route), `Leaderboard ${ordinal(exam)}`, notice);
      return true;
    }
    case 'model': {
      const run = data.runs.find((r) => r.id === route.id) ?? (route.id ? undefined : data.runs[0]);
      if (!run) {
        replaceChildren(
          main,
          urlNotice([route.id ? `No run "${route.id}" in this collection.` : 'No runs.']),
          h('a', { href: href('leaderboard') }, 'Back to the leaderboard'),
        );
        return true;
      }
      replaceChildren(main, h('p', { class: 'loading' }, `Loading ${run.displayName}…`));
      const [questions, records] = await Promise.all([getQuestions(exam), getRun(run.id)]);
      if (seq !== renderSeq) return false;
      put(renderModel(data, run, records, questions, route), run.displayName);
      return true;
    }
    case 'question': {
      replaceChildren(main, h('p', { class: 'loading' }, 'Loading questions…'));
      const questions = await getQuestions(exam);
      if (seq !== renderSeq) return false;
      put(renderQuestion(data, questions, route), `Questions ${ordinal(exam)}`);
      return true;
    }
    case 'matrix': {
      replaceChildren(main, h('p', { class: 'loading' }, 'Loading the matrix…'));
      const [questions, matrix] = await Promise.all([getQuestions(exam), getMatrix(exam)]);
      if (seq !== renderSeq) return false;
      put(renderMatrix(data, matrix, questions, route), `Matrix ${ordinal(exam)}`);
      return true;
    }
    case 'compare':
      put(renderCompare(data, index, route), `Compare ${ordinal(exam)}`);
      return true;
  }
}

/** Keys: j/k or →/← next/previous question, / search, Esc close (the image, the search box, the open question). */
function onKey(e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (lightboxOpen()) {
    if (lightboxKey(e)) e.preventDefault();
    return;
  }
  const target = e.target as HTMLElement;
  const typing = target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
  const keys = mounted?.view.keys;
  if (e.key === 'Escape') {
    if (typing) {
      target.blur();
      e.preventDefault();
      return;
    }
    if (keys?.close?.()) e.preventDefault();
    return;
  }
  if (typing) return;
  if (e.key === '/') {
    const box = keys?.search?.();
    if (box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
    return;
  }
  if (e.key === 'j' || e.key === 'ArrowRight') {
    if (keys?.next) {
      e.preventDefault();
      keys.next();
    }
  } else if (e.key === 'k' || e.key === 'ArrowLeft') {
    if (keys?.prev) {
      e.preventDefault();
      keys.prev();
    }
  }
}

getIndex().then(
  (index) => {
    shell(index);
    document.addEventListener('keydown', onKey);
    listen(() => route(index));
  },
  (e: unknown) => replaceChildren(root, h('p', { class: 'notice' }, `Could not load the results: ${e instanceof Error ? e.message : String(e)}`)),
);
