import type { ExamineeComparison } from '../scoring/examinees.js';
import type { Summary } from '../results/summary.js';

/**
 * The JSON the viewer app reads: one shape for the live server (`/api/...`) and
 * the static export (`data/...json`). Plain data, no functions; the app imports
 * these types only.
 */

/** The exam as the app needs it: rules as data, never re-derived in the browser. */
export interface ExamInfo {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly string[];
  readonly requiredBlocks: readonly string[];
  readonly questionCount: number;
  readonly textOnlyCount: number;
  /** Questions that count (points > 0), all and text-only: what the score charts and the CLI's table headings cover. */
  readonly scoredCounts: { readonly all: number; readonly text: number };
  readonly scoreMax: number;
  readonly requiredMax: number;
  readonly generalMax: number;
  readonly requiredPass: number;
  readonly generalPass: number;
  readonly kinkiDisclosed: boolean;
  readonly kinkiMax: number;
  /** The points rule in words, built from the edition's rules, e.g. "B/E Q26–50 are 3 points each; …". */
  readonly scoreRule: string;
  readonly datasetVersion: string;
  /** Questions with the examinees' share correct (IgakuQA metadata); 0 when the exam has none. */
  readonly examineeQuestions: number;
}

/** The examinee baseline of one run, headline figures only (lists come with the run's records). */
export interface ExamineeFigures {
  readonly questions: number;
  readonly model_accuracy: number;
  readonly examinee_accuracy: number;
  /** model − examinees, accuracy points. */
  readonly difference: number;
}

/** One run on the leaderboard: metadata and its recomputed summary only. */
export interface RunEntry {
  /** URL-safe id, unique within the collection (from the file name). */
  readonly id: string;
  readonly file: string;
  readonly model: string;
  readonly displayName: string;
  readonly imageMode: string | null;
  readonly timestamp: string | null;
  readonly summary: Summary;
  /** Records whose outcome changed when rescored against the current key. */
  readonly changed: number;
  readonly warnings: readonly string[];
  /** The exam this run is scored against. */
  readonly exam: string;
  /** The run against the examinees; null when the exam publishes no examinee data. */
  readonly examinees: ExamineeFigures | null;
  /** Scored questions answered of the exam's (its text-only ones for skip mode); partial runs rank after complete ones. */
  readonly coverage: { readonly answered: number; readonly total: number; readonly complete: boolean };
}

/** A result file that could not be used, and why (one line). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** One exam's leaderboard: `api/exams/<id>/leaderboard`, `data/exams/<id>/leaderboard.json`. */
export interface LeaderboardPayload {
  readonly exam: ExamInfo;
  readonly runs: readonly RunEntry[];
}

/** One exam in the collection, for the exam selector. */
export interface ExamListing {
  readonly id: string;
  readonly title: string;
  readonly runs: number;
}

/**
 * What the app reads first (`api/index`, `data/index.json`): the exams with
 * runs, the one to open, which exam each run belongs to, the skipped files, and
 * whether a series table exists.
 */
export interface IndexPayload {
  readonly exams: readonly ExamListing[];
  readonly defaultExam: string;
  /** run id → exam id (run ids are unique across the collection). */
  readonly runExam: Readonly<Record<string, string>>;
  readonly skipped: readonly SkippedFile[];
  /** True when `api/series` / `data/series.json` holds a series table. */
  readonly series: boolean;
}

/** One cell of the series table: `seriesJson`'s cell with the local path replaced by the run id. */
export interface SeriesCellView {
  readonly score: number;
  readonly score_max: number;
  readonly score_pct: number;
  readonly required_pass: boolean | null;
  readonly general_pass: boolean | null;
  readonly kinki_selected: number | null;
  readonly passed: boolean | null;
  /** The run shown in this cell (a link to its per-model view). */
  readonly run: string;
  readonly file: string;
}

/** `seriesJson(buildSeries(runs, exams))`, with local paths replaced by run ids and file names. */
export interface SeriesPayload {
  readonly exams: readonly string[];
  readonly rows: readonly {
    readonly name: string;
    readonly mean_score_pct: number | null;
    readonly exams_covered: number;
    readonly exams: Readonly<Record<string, SeriesCellView | null>>;
  }[];
  readonly notes: readonly string[];
}

export interface QuestionView {
  readonly id: string;
  readonly block: string;
  readonly number: number;
  readonly type: 'multiple_choice' | 'calculation';
  readonly text: string;
  readonly choices: readonly string[];
  /** Image files served (`images/<exam>/<name>`). */
  readonly images: readonly string[];
  /** Images the data lists but the data folder does not hold (not served; shown as missing). */
  readonly missingImages: readonly string[];
  readonly requiresImage: boolean;
  readonly selectCount: number;
  readonly answer: readonly string[];
  readonly allCorrect: boolean;
  readonly points: number;
  readonly required: boolean;
  readonly serial: { readonly groupId: string; readonly questions: readonly string[]; readonly context: string } | null;
  /** 禁忌肢 (prohibited choices); null when the exam does not disclose them (unknown, never "none"). */
  readonly kinki: readonly string[] | null;
  /** Share of examinees correct, 0–1; null where not published. */
  readonly humanAccuracy: number | null;
  /** Share of examinees choosing each option, 0–1; null where not published. */
  readonly breakdown: Readonly<Record<string, number>> | null;
}

export interface QuestionsPayload {
  readonly exam: string;
  readonly questions: readonly QuestionView[];
}

/** One rescored record, as shown: model output fields are untrusted text. */
export interface RecordView {
  readonly question_id: string;
  readonly predicted: readonly string[];
  readonly gold: readonly string[];
  readonly correct: boolean;
  readonly points: number;
  readonly earned: number;
  readonly parse_success: boolean;
  readonly parse_source: string | null;
  readonly parse_notes: readonly string[];
  readonly error: string | null;
  readonly raw_response: string;
  readonly reasoning: string | null;
  readonly finish_reason: string | null;
  readonly latency_ms: number | null;
  /** Prohibited choices this answer selected ([] = none); null when the exam does not disclose them. */
  readonly kinki: readonly string[] | null;
}

export interface RunPayload {
  readonly id: string;
  readonly exam: string;
  readonly records: readonly RecordView[];
  /** `compareWithExaminees(records, exam)`; `available: false` when the exam has no examinee data. */
  readonly examinees: ExamineeComparison;
}
