/**
 * The one question model. Every source loader converts its own format into
 * these types; no other module knows where a question came from.
 */

export type QuestionType = 'multiple_choice' | 'calculation';

/** How image questions are handled by a run (the reference harness's modes). */
export type ImageMode = 'skip' | 'blind' | 'vision';

export interface SerialGroup {
  /** e.g. "120B-41-42" */
  readonly groupId: string;
  /** ids of the questions that share the case text */
  readonly questions: readonly string[];
  /** the shared case text */
  readonly context: string;
}

/** A calculation question's answer template, e.g. "①．②③" → 3 digits, 1 before the point. */
export interface AnswerTemplate {
  readonly digits: number;
  /** digits before the decimal point; equals `digits` when there is no point */
  readonly integerDigits: number;
}

export interface Question {
  /** canonical id, e.g. "120A-1" (the source's own id where it has one, e.g. "116A1") */
  readonly id: string;
  readonly exam: string;
  readonly block: string;
  readonly number: number;
  readonly type: QuestionType;
  /** The text shown to the model: stem and choices, as the source writes them. */
  readonly text: string;
  /** Choice letters offered (a–e, sometimes more); empty for calculation questions. */
  readonly choices: readonly string[];
  /** Image file names (relative to the exam's image folder). */
  readonly images: readonly string[];
  readonly requiresImage: boolean;
  /** How many choices the examinee must select (1, 2 or 3). */
  readonly selectCount: number;
  /** The answer key: sorted letters, or one numeric string for calculation questions. */
  readonly answer: readonly string[];
  /**
   * Every answer that is scored correct. Usually just `[answer]`; more where the
   * official key accepts alternatives (e.g. 112B30: "a or d").
   */
  readonly accepted: readonly (readonly string[])[];
  /** Officially counted correct for every examinee (e.g. 116A71). */
  readonly allCorrect: boolean;
  /** Points this question is worth; 0 means excluded from scoring. */
  readonly points: number;
  /** True for questions in a required (必修) block. */
  readonly required: boolean;
  readonly serial?: SerialGroup;
  /**
   * 禁忌肢: prohibited choices. `undefined` when the exam does not disclose them
   * (reported as "unknown", never as 0); `[]` when disclosed and there are none.
   */
  readonly kinki?: readonly string[];
  /** Share of examinees who answered correctly, 0–1 (where published). */
  readonly humanAccuracy?: number;
  /** Share of examinees choosing each option, 0–1 (where published). */
  readonly breakdown?: Readonly<Record<string, number>>;
  readonly answerTemplate?: AnswerTemplate;
}

/** A data problem found while loading that does not stop the exam from being used. */
export interface DatasetIssue {
  readonly questionId?: string;
  readonly kind: 'missing-image' | 'broken-question' | 'image-flag-mismatch' | 'other';
  readonly message: string;
}

export interface Exam {
  /** Edition id, e.g. "120" */
  readonly id: string;
  readonly rules: ExamRules;
  readonly questions: readonly Question[];
  /** sha256 (hex) of the source's primary data file(s): the dataset version. */
  readonly version: string;
  /** Where the data came from (folder on disk). */
  readonly dir: string;
  /** Folder holding the images, if the source has any. */
  readonly imageDir?: string;
  readonly issues: readonly DatasetIssue[];
  /** Lookup by question id. */
  readonly byId: ReadonlyMap<string, Question>;
}

/** Official rules of one edition: plain data, read by scoring and reports. */
export interface ExamRules {
  readonly id: string;
  /** e.g. "第120回医師国家試験" */
  readonly title: string;
  readonly year: number;
  readonly blocks: readonly string[];
  readonly requiredBlocks: readonly string[];
  /** Official maximum points of the required (必修) part. */
  readonly requiredMax: number;
  /** Official maximum points of the general (一般+臨床) part. */
  readonly generalMax: number;
  /** Pass when required score ≥ this. */
  readonly requiredPass: number;
  /** Pass when general score ≥ this. */
  readonly generalPass: number;
  /** Pass needs at most this many 禁忌肢 selected. */
  readonly kinkiMax: number;
  /** Whether the prohibited choices are published for this edition. */
  readonly kinkiDisclosed: boolean;
  /**
   * Points by position, for sources that do not carry points per question.
   * First matching rule wins; otherwise `defaultPoints`.
   */
  readonly pointRules: readonly PointRule[];
  readonly defaultPoints: number;
  /** Free-text notes on the source of the thresholds. */
  readonly notes?: string;
}

export interface PointRule {
  readonly blocks: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly points: number;
}
