/**
 * Hash routes: the view and the selection live in the URL, so any state can be
 * shared as a link and works on static hosts. Every view but the series carries
 * the exam (`exam=116`); a link without it opens the collection's default exam.
 *   #/?exam=120                          leaderboard (&sort=score&dir=desc)
 *   #/model/<runId>?exam=120&q=120D-16&block=D&result=incorrect&image=text&type=calculation
 *   #/question/<questionId>?exam=120&models=a,b
 *   #/series                             one row per model, a column per exam
 */

export type View = 'leaderboard' | 'model' | 'question' | 'series';

export interface Route {
  readonly view: View;
  readonly id: string | null;
  readonly params: URLSearchParams;
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
  if (parts[0] === 'model') return { view: 'model', id, params };
  if (parts[0] === 'question') return { view: 'question', id, params };
  if (parts[0] === 'series') return { view: 'series', id: null, params };
  return { view: 'leaderboard', id: null, params };
}

/** The exam links are made for when they do not name one (set by the app shell on each render). */
let currentExam: string | null = null;
export function setLinkExam(exam: string | null): void {
  currentExam = exam;
}

export function href(view: View, id: string | null = null, params?: Record<string, string | null | undefined> | URLSearchParams): string {
  const p = new URLSearchParams();
  const explicitExam = params instanceof URLSearchParams ? params.has('exam') : params !== undefined && 'exam' in params;
  if (view !== 'series' && !explicitExam && currentExam) p.set('exam', currentExam);
  if (params instanceof URLSearchParams) params.forEach((v, k) => p.set(k, v));
  else if (params) for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const qs = p.toString();
  const base = view === 'leaderboard' ? '#/' : `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}`;
  return qs ? `${base}?${qs}` : base;
}

export function go(target: string, replace = false): void {
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else location.hash = target;
}
