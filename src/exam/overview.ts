import { EDITIONS } from './editions.js';
import { examEntries, loadExam } from './registry.js';
import type { Exam, ExamRules } from './types.js';
import { UserError } from '../util/errors.js';

/** One row of `jmle-bench exams`: the edition's rules and, when its data is present, what the data holds. */
export interface ExamOverview {
  readonly id: string;
  readonly title: string;
  readonly year: number;
  readonly source: string;
  readonly available: boolean;
  /** Why the data could not be loaded (when not available). */
  readonly problem?: string;
  readonly questions: number | null;
  readonly image_questions: number | null;
  readonly calculation_questions: number | null;
  /** Questions excluded from scoring (0 points). */
  readonly excluded_questions: number | null;
  readonly required_max: number;
  readonly general_max: number;
  /** Maxima summed from the loaded data (equal to the official ones when the data is complete). */
  readonly required_max_in_data: number | null;
  readonly general_max_in_data: number | null;
  readonly required_pass: number;
  readonly general_pass: number;
  readonly kinki_max: number;
  readonly kinki_disclosed: boolean;
  readonly examinee_data: boolean | null;
  readonly issues: number | null;
  readonly dataset_version: string | null;
}

function dataMaxima(exam: Exam): { required: number; general: number } {
  let required = 0;
  let general = 0;
  for (const q of exam.questions) {
    if (q.required) required += q.points;
    else general += q.points;
  }
  return { required, general };
}

/** Describe every registered edition; data that cannot be loaded is reported, not thrown. */
export function listExams(opts: { dataDir?: string; env?: NodeJS.ProcessEnv; only?: readonly string[] } = {}): ExamOverview[] {
  const entries = examEntries().filter((e) => EDITIONS[e.id] && (!opts.only || opts.only.includes(e.id)));
  return [...entries]
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((entry) => {
      const rules = EDITIONS[entry.id] as ExamRules;
      const base = {
        id: entry.id,
        title: rules.title,
        year: rules.year,
        source: entry.source,
        required_max: rules.requiredMax,
        general_max: rules.generalMax,
        required_pass: rules.requiredPass,
        general_pass: rules.generalPass,
        kinki_max: rules.kinkiMax,
        kinki_disclosed: rules.kinkiDisclosed,
      };
      try {
        const { exam } = loadExam({ exam: entry.id, dataDir: opts.dataDir, env: opts.env });
        const max = dataMaxima(exam);
        return {
          ...base,
          available: true,
          questions: exam.questions.length,
          image_questions: exam.questions.filter((q) => q.requiresImage).length,
          calculation_questions: exam.questions.filter((q) => q.type === 'calculation').length,
          excluded_questions: exam.questions.filter((q) => q.points === 0).length,
          required_max_in_data: max.required,
          general_max_in_data: max.general,
          examinee_data: exam.questions.some((q) => q.humanAccuracy !== undefined),
          issues: exam.issues.length,
          dataset_version: exam.version,
        };
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return {
          ...base,
          available: false,
          problem: e.message,
          questions: null,
          image_questions: null,
          calculation_questions: null,
          excluded_questions: null,
          required_max_in_data: null,
          general_max_in_data: null,
          examinee_data: null,
          issues: null,
          dataset_version: null,
        };
      }
    });
}
