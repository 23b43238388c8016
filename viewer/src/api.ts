import type {
  ComparePayload,
  IndexPayload,
  LeaderboardPayload,
  MatrixPayload,
  QuestionView,
  QuestionsPayload,
  RunPayload,
  RecordView,
  SeriesPayload,
} from '../../src/viewer/types.js';
import type { ExamineeComparison } from '../../src/scoring/examinees.js';

/**
 * Where the data comes from: the live server (`api/...`) or a static export
 * (`data/...json`), as index.html says. Every URL is relative, so the app works
 * from any folder. Everything fetched is cached for the session.
 */

const mode = document.querySelector('meta[name="jmle-data"]')?.getAttribute('content') === 'static' ? 'static' : 'api';

const e = encodeURIComponent;
const URLS =
  mode === 'static'
    ? {
        index: 'data/index.json',
        series: 'data/series.json',
        leaderboard: (exam: string) => `data/exams/${e(exam)}/leaderboard.json`,
        questions: (exam: string) => `data/exams/${e(exam)}/questions.json`,
        matrix: (exam: string) => `data/exams/${e(exam)}/matrix.json`,
        run: (id: string) => `data/runs/${e(id)}.json`,
        compare: (a: string, b: string) => `data/compare/${e(a)}/${e(b)}.json`,
      }
    : {
        index: 'api/index',
        series: 'api/series',
        leaderboard: (exam: string) => `api/exams/${e(exam)}/leaderboard`,
        questions: (exam: string) => `api/exams/${e(exam)}/questions`,
        matrix: (exam: string) => `api/exams/${e(exam)}/matrix`,
        run: (id: string) => `api/runs/${e(id)}`,
        compare: (a: string, b: string) => `api/compare/${e(a)}/${e(b)}`,
      };

/** True when the app reads a static export (no server behind it). */
export const isStatic = mode === 'static';

export function imageUrl(exam: string, name: string): string {
  return `images/${e(exam)}/${e(name)}`;
}

/** An HTTP failure, with the server's one-line reason when it sent one. */
export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${url}: HTTP ${status}${detail ? ` — ${detail}` : ''}`);
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    let detail = '';
    try {
      detail = ((await res.json()) as { error?: string }).error ?? '';
    } catch {
      // not JSON
    }
    throw new FetchError(url, res.status, detail);
  }
  return (await res.json()) as T;
}

/** A per-key promise cache that forgets failures (so a retry can succeed). */
function cached<T>(load: (key: string) => Promise<T>): { get(key: string): Promise<T>; ready(key: string): T | undefined } {
  const pending = new Map<string, Promise<T>>();
  const done = new Map<string, T>();
  return {
    get(key) {
      let p = pending.get(key);
      if (!p) {
        p = load(key).then((v) => {
          done.set(key, v);
          return v;
        });
        p.catch(() => pending.delete(key));
        pending.set(key, p);
      }
      return p;
    },
    ready: (key) => done.get(key),
  };
}

let index: Promise<IndexPayload> | undefined;
export function getIndex(): Promise<IndexPayload> {
  return (index ??= getJson<IndexPayload>(URLS.index));
}

let series: Promise<SeriesPayload> | undefined;
export function getSeries(): Promise<SeriesPayload> {
  return (series ??= getJson<SeriesPayload>(URLS.series));
}

const leaderboards = cached((exam) => getJson<LeaderboardPayload>(URLS.leaderboard(exam)));
export const getLeaderboard = (exam: string): Promise<LeaderboardPayload> => leaderboards.get(exam);

export interface Questions {
  readonly exam: string;
  readonly list: readonly QuestionView[];
  readonly byId: ReadonlyMap<string, QuestionView>;
}
const questions = cached((exam) =>
  getJson<QuestionsPayload>(URLS.questions(exam)).then((p): Questions => ({
    exam: p.exam,
    list: p.questions,
    byId: new Map(p.questions.map((q) => [q.id, q])),
  })),
);
export const getQuestions = (exam: string): Promise<Questions> => questions.get(exam);

export interface Run {
  readonly id: string;
  readonly exam: string;
  readonly records: readonly RecordView[];
  readonly byQuestion: ReadonlyMap<string, RecordView>;
  readonly examinees: ExamineeComparison;
}
const runs = cached((id) =>
  getJson<RunPayload>(URLS.run(id)).then((r): Run => ({
    id: r.id,
    exam: r.exam,
    records: r.records,
    byQuestion: new Map(r.records.map((x) => [x.question_id, x])),
    examinees: r.examinees,
  })),
);
export const getRun = (id: string): Promise<Run> => runs.get(id);

/** Already-loaded data, for synchronous (instant) re-rendering. */
export const loadedRun = (id: string): Run | undefined => runs.ready(id);
export const loadedQuestions = (exam: string): Questions | undefined => questions.ready(exam);

const matrices = cached((exam) => getJson<MatrixPayload>(URLS.matrix(exam)));
export const getMatrix = (exam: string): Promise<MatrixPayload> => matrices.get(exam);

/** Two runs compared, or the one line saying why they cannot be (no shared question, not in this export). */
export type CompareResult = { readonly ok: true; readonly data: ComparePayload } | { readonly ok: false; readonly error: string };
const comparisons = cached((key) => {
  const [a, b] = key.split('\n') as [string, string];
  return getJson<ComparePayload | { error: string }>(URLS.compare(a, b)).then(
    (d): CompareResult => ('error' in d ? { ok: false, error: d.error } : { ok: true, data: d }),
    (e: unknown): CompareResult => {
      if (e instanceof FetchError && (e.status === 400 || e.status === 404)) {
        return { ok: false, error: e.detail || (isStatic ? 'this comparison is not in the exported site' : 'no such comparison') };
      }
      throw e;
    },
  );
});
export const getCompare = (a: string, b: string): Promise<CompareResult> => comparisons.get(`${a}\n${b}`);
