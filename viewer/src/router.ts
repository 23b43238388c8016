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
 * Navigate. A new history entry by default (Back undoes it); `replace` for
 * changes that should not pile up (each keystroke of a search after the first).
 */
export function go(target: string, replace = false): void {
  if (target === location.hash) return;
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else location.hash = target;
}
