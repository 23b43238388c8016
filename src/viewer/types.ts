import type { Summary } from '../scoring/summary.js';

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
}

/** A result file that could not be used, and why (one line). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

export interface LeaderboardPayload {
  readonly exam: ExamInfo;
  readonly runs: readonly RunEntry[];
  readonly skipped: readonly SkippedFile[];
}

export interface QuestionView {
  readonly id: string;
  readonly block: string;
  readonly number: number;
  readonly type: 'multiple_choice' | 'calculation';
  readonly text: string;
  readonly choices: readonly string[];
  readonly images: readonly string[];
  readonly requiresImage: boolean;
  readonly selectCount: number;
  readonly answer: readonly string[];
  readonly allCorrect: boolean;
  readonly points: number;
  readonly required: boolean;
  readonly serial: { readonly groupId: string; readonly questions: readonly string[]; readonly context: string } | null;
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
}

export interface RunPayload {
  readonly id: string;
  readonly records: readonly RecordView[];
}
