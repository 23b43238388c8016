/**
 * Hash routes: the view and the selection live in the URL, so any state can be
 * shared as a link, works on static hosts, and Back undoes a change (every
 * filter, sort and selection change is a history entry). Every view but the
 * series carries the exam (`exam=116`); a link without it opens the
 * collection's default exam.
 *   #/?exam=120&sort=score&dir=desc&filter=qwen                leaderboard
 *   #/model/<runId>?exam=120&q=120D-16&block=D&result=incorrect&image=text&type=calculation&search=…&sort=…&dir=…
 *   #/question/<questionId>?exam=120&models=a,b&search=…
 *   #/matrix?exam=120&models=a,b&show=all-wrong&block=C&search=…&sort=…&dir=…
 *   #/compare?exam=120&a=<runId>&b=<runId>
 *   #/series                                                   one row per model, a column per exam
 */

export type View = 'leaderboard' | 'model' | 'question' | 'matrix' | 'compare' | 'series';

export interface Route {
  readonly view: View;
  readonly id: string | null;
  readonly params: URLSearchParams;
  /** The path when it names no view (shown as a notice; the leaderboard opens instead). */
  readonly unknown: string | null;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const params = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const parts = path.split('/').filter(Boolean);
  let id: string | null = null;
  if (parts[1] !== undefined) {
    try {
      id = decodeURIComponent(parts[1]);
    } catch {
      id = null;
    }
  }
  switch (parts[0]) {
    case 'model':
    case 'question':
      return { view: parts[0], id, params, unknown: null };
    case 'matrix':
    case 'compare':
    case 'series':
      return { view: parts[0], id: null, params, unknown: null };
    case undefined:
      return { view: 'leaderboard', id: null, params, unknown: null };
    default:
      return { view: 'leaderboard', id: null, params, unknown: parts.join('/') };
  }
}

/** The exam links are made for when they do not name one (set by the app shell on each render). */
let currentExam: string | null = null;
export function setLinkExam(exam: string | null): void {
  currentExam = exam;
}

export type Params = Record<string, string | null | undefined> | URLSearchParams;

export function href(view: View, id: string | null = null, params?: Params): string {
  const p = new URLSearchParams();
  const explicitExam = params instanceof URLSearchParams ? params.has('exam') : params !== undefined && 'exam' in params;
  if (view !== 'series' && !explicitExam && currentExam) p.set('exam', currentExam);
  if (params instanceof URLSearchParams) params.forEach((v, k) => p.set(k, v));
  else if (params) for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const qs = p.toString();
  const base = view === 'leaderboard' ? '#/' : `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}`;
  return qs ? `${base}?${qs}` : base;
}

/**
 * Every change of the URL, whatever made it (a link, Back/Forward, the address
 * bar, `go`), counted: a URL write made later than the input that asked for it
 * (a debounced search) compares the count and is dropped when another
 * navigation came in between, so the newest navigation always wins.
 */
let navigations = 0;
let seen: string | null = null;
let onRoute: (() => void) | null = null;

export function navigationCount(): number {
  return navigations;
}

/** A URL not handled yet: count it and hand it to the app (once per URL, however many events announce it). */
function changed(): void {
  if (location.hash === seen) return;
  seen = location.hash;
  navigations++;
  onRoute?.();
}

/**
 * Call `render` now and once for each new URL. Back/Forward and links announce
 * themselves with popstate and, a task later, hashchange: the first one is
 * handled, so nothing can act on the old view in between.
 */
export function listen(render: () => void): void {
  onRoute = render;
  window.addEventListener('popstate', changed);
  window.addEventListener('hashchange', changed);
  changed();
}

/**
 * Navigate. A new history entry by default (Back undoes it); `replace` for
 * changes that should not pile up (each keystroke of a search after the first).
 * The app renders the new URL before this returns (no event to wait for), so
 * the next key or click already acts on the new state.
 */
export function go(target: string, replace = false): void {
  if (target === location.hash) return;
  if (replace) history.replaceState(history.state, '', target);
  else history.pushState(null, '', target);
  changed();
}
