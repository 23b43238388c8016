import type { LeaderboardPayload, QuestionView, QuestionsPayload, RunPayload, RecordView } from '../../src/viewer/types';

/**
 * Where the data comes from: the live server (`api/...`) or a static export
 * (`data/...json`), as index.html says. Every URL is relative, so the app works
 * from any folder. Everything fetched is cached for the session.
 */

const mode = document.querySelector('meta[name="jmle-data"]')?.getAttribute('content') === 'static' ? 'static' : 'api';

const URLS =
  mode === 'static'
    ? { leaderboard: 'data/leaderboard.json', questions: 'data/questions.json', run: (id: string) => `data/runs/${encodeURIComponent(id)}.json` }
    : { leaderboard: 'api/leaderboard', questions: 'api/questions', run: (id: string) => `api/runs/${encodeURIComponent(id)}` };

export function imageUrl(name: string): string {
  return `images/${encodeURIComponent(name)}`;
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
    throw new Error(`${url}: HTTP ${res.status}${detail ? ` — ${detail}` : ''}`);
  }
  return (await res.json()) as T;
}

let leaderboard: Promise<LeaderboardPayload> | undefined;
export function getLeaderboard(): Promise<LeaderboardPayload> {
  return (leaderboard ??= getJson<LeaderboardPayload>(URLS.leaderboard));
}

export interface Questions {
  readonly list: readonly QuestionView[];
  readonly byId: ReadonlyMap<string, QuestionView>;
}
let questions: Promise<Questions> | undefined;
let questionsReady: Questions | undefined;
export function getQuestions(): Promise<Questions> {
  return (questions ??= getJson<QuestionsPayload>(URLS.questions).then((p) => {
    questionsReady = { list: p.questions, byId: new Map(p.questions.map((q) => [q.id, q])) };
    return questionsReady;
  }));
}

export interface Run {
  readonly id: string;
  readonly records: readonly RecordView[];
  readonly byQuestion: ReadonlyMap<string, RecordView>;
}
const runs = new Map<string, Promise<Run>>();
const runsReady = new Map<string, Run>();
export function getRun(id: string): Promise<Run> {
  let p = runs.get(id);
  if (!p) {
    p = getJson<RunPayload>(URLS.run(id)).then((r) => {
      const run = { id: r.id, records: r.records, byQuestion: new Map(r.records.map((x) => [x.question_id, x])) };
      runsReady.set(id, run);
      return run;
    });
    p.catch(() => runs.delete(id)); // allow a retry
    runs.set(id, p);
  }
  return p;
}

/** Already-loaded data, for synchronous (instant) re-rendering. */
export function loadedRun(id: string): Run | undefined {
  return runsReady.get(id);
}
export function loadedQuestions(): Questions | undefined {
  return questionsReady;
}
