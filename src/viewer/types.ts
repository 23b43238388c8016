import type { ExamineeComparison } from '../scoring/examinees.js';
import type { Summary, Verdict } from '../results/summary.js';

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

/** A confidence interval of a fraction (0–1). */
export interface IntervalView {
  readonly low: number;
  readonly high: number;
  /** e.g. 0.95 */
  readonly level: number;
}

/**
 * The statistics of one run, computed by the server. Today: bootstrap
 * intervals over questions (as `leaderboard --ci`). The optional fields come
 * from repeated runs (epochs) when a run has them; the app shows each one only
 * when present.
 */
export interface RunStats {
  /** How the intervals were made, in words, e.g. "95% bootstrap over questions (10000 resamples, seed 20260207)". */
  readonly method: string;
  /** Score % over the questions the run answered. */
  readonly score: IntervalView;
  readonly accuracy: IntervalView;
  /** Best and worst rank the run could plausibly take. */
  readonly rank_low?: number;
  readonly rank_high?: number;
  /** Probability of passing if the same model were run again on this exam. */
  readonly p_pass_rerun?: number;
  /** Probability of passing an exam of this kind (questions resampled). */
  readonly p_pass_exam?: number;
  /** Repeated answers per question (K). */
  readonly epochs?: number;
}

/**
 * How a run behaved beyond its summary's token and latency totals
 * (`summary.usage`): answers cut off at the token limit and answers that
 * needed retries.
 */
export interface RunBehaviour {
  /** Answers whose finish reason says the token limit cut them off (length / max_tokens). */
  readonly truncated: number;
  /** Answers that needed more than one attempt. */
  readonly retried: number;
  /** Records that carry a finish reason (0: the file does not record them). */
  readonly with_finish_reason: number;
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
  /** Position in the one ranking (reports/ranking.ts), 1 = best; the server sends runs in this order. */
  readonly rank: number;
  /** The official verdict (scoring/verdict.ts). */
  readonly verdict: Verdict;
  /** Intervals (and, with repeated runs, rank range and P(pass)); null when the run has no scored answer. */
  readonly stats: RunStats | null;
  readonly behaviour: RunBehaviour;
}

/** A result file that could not be used, and why (one line). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** One bar of a score chart: a run's score % over the chart's questions, with its interval. */
export interface ChartBar {
  readonly run: string;
  readonly score: number;
  readonly max: number;
  /** Score % (fraction). */
  readonly pct: number;
  readonly ci: IntervalView | null;
}

/**
 * One exam's leaderboard: `api/exams/<id>/leaderboard`, `data/exams/<id>/leaderboard.json`.
 * Runs come ranked (best first); the charts are the CLI's two tables
 * (`buildLeaderboard`: complete runs only, skip-mode runs in the text-only one).
 */
export interface LeaderboardPayload {
  readonly exam: ExamInfo;
  readonly runs: readonly RunEntry[];
  readonly charts: {
    readonly all: readonly ChartBar[];
    readonly text: readonly ChartBar[];
    /** The CLI's notes on the tables (duplicate names, partial runs left out), local paths removed. */
    readonly notes: readonly string[];
  };
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
  /**
   * null: any two runs of an exam can be compared (the live server). A number:
   * a static export holding the comparisons among each exam's best this many runs.
   */
  readonly compareLimit: number | null;
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
  /** The answer was cut off at the token limit (finish reason length / max_tokens). */
  readonly truncated: boolean;
  readonly latency_ms: number | null;
  readonly attempts: number | null;
  readonly usage: { readonly prompt_tokens: number | null; readonly completion_tokens: number | null; readonly reasoning_tokens: number | null } | null;
  /** Prohibited choices this answer selected ([] = none); null when the exam does not disclose them. */
  readonly kinki: readonly string[] | null;
  /** With repeated runs: answers right (k) of answers given (K); shown when present. */
  readonly k?: number;
  readonly K?: number;
}

export interface RunPayload {
  readonly id: string;
  readonly exam: string;
  readonly records: readonly RecordView[];
  /** `compareWithExaminees(records, exam)`; `available: false` when the exam has no examinee data. */
  readonly examinees: ExamineeComparison;
}

/**
 * Every run on every question, compactly: `api/exams/<id>/matrix`,
 * `data/exams/<id>/matrix.json`. Runs in ranking order; per run one mark per
 * question, in the order of `questions`.
 */
export interface MatrixPayload {
  readonly exam: string;
  /** Question ids, in exam order. */
  readonly questions: readonly string[];
  readonly runs: readonly MatrixRun[];
}

export interface MatrixRun {
  readonly run: string;
  /** One character per question: '1' right, '0' wrong, '-' no answer in this run. */
  readonly marks: string;
  /** The extracted answer per question ("a,c"; "" when none). */
  readonly predicted: readonly string[];
  /** With repeated runs: answers right per question (of `epochs`); shown as k/K when present. */
  readonly k?: readonly number[];
  readonly epochs?: number;
}

/**
 * Two runs compared: exactly `jmle-bench compare A B --json` (`comparisonJson`),
 * with each side's local path replaced by its file name, and the run ids.
 * `api/compare/<a>/<b>`, `data/compare/<a>/<b>.json`.
 */
export interface ComparePayload {
  readonly run_a: string;
  readonly run_b: string;
  readonly exam: string;
  readonly dataset_version: string;
  /** Shared scored questions compared on. */
  readonly questions: number;
  /** Shared questions excluded from scoring (0 points). */
  readonly excluded: number;
  readonly only_in_a: readonly string[];
  readonly only_in_b: readonly string[];
  readonly warnings: readonly string[];
  readonly a: CompareSide;
  readonly b: CompareSide;
  /** Epochs counted for each run. */
  readonly epochs: { readonly a: number; readonly b: number };
  /** A − B of the mean over epochs, fractions, with case-clustered intervals and exact sign-flip p-values. */
  readonly difference: {
    readonly score_pct: number;
    readonly score_pct_ci: IntervalView;
    readonly score_pct_p: number;
    readonly accuracy: number;
    readonly accuracy_ci: IntervalView;
    readonly accuracy_p: number;
    readonly method: string;
  };
  /** McNemar's exact test on the questions where exactly one run is right (runs of one epoch each); null otherwise. */
  readonly mcnemar: { readonly only_a: number; readonly only_b: number; readonly both: number; readonly neither: number; readonly p: number } | null;
  /** The questions where the runs differ (exactly one right, or k/K unequal), in exam order. */
  readonly discordant: readonly {
    readonly id: string;
    readonly block: string;
    readonly points: number;
    readonly answer_a: readonly string[];
    readonly answer_b: readonly string[];
    readonly gold: readonly string[];
    readonly right: 'A' | 'B';
    /** "k/K": epochs right of those counted. */
    readonly right_a: string;
    readonly right_b: string;
    readonly examinee_accuracy: number | null;
  }[];
  readonly examinees: { readonly a: ExamineeComparison; readonly b: ExamineeComparison } | null;
  /** Each side's official verdict over the compared questions (not part of `compare --json`). */
  readonly verdict: { readonly a: Verdict; readonly b: Verdict };
}

/** One side of a comparison, over the shared questions (`path` is the file name). */
export interface CompareSide {
  readonly name: string;
  readonly path: string;
  readonly model: string;
  readonly image_mode: string;
  readonly score: number;
  readonly score_max: number;
  readonly score_pct: number;
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number;
  readonly required_score: number;
  readonly required_score_max: number;
  readonly required_pass: boolean | null;
  readonly general_score: number;
  readonly general_score_max: number;
  readonly general_pass: boolean | null;
  /** null = unknown (the exam does not disclose its prohibited choices). */
  readonly kinki_selected: number | null;
  readonly kinki_pass: boolean | null;
  readonly passed: boolean | null;
}
