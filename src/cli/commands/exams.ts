import { EDITIONS } from '../../exam/editions.js';
import { examEntries, loadExam } from '../../exam/registry.js';
import type { Exam, ExamRules } from '../../exam/types.js';
import { UserError } from '../../util/errors.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command } from '../command.js';

/** One row of `jmle-bench exams`: the edition's rules and, when its data is present, what the data holds. */
export interface ExamListing {
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
export function listExams(opts: { dataDir?: string; env?: NodeJS.ProcessEnv; only?: readonly string[] } = {}): ExamListing[] {
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

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows.map((r) => r.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length)).join('  ').trimEnd());
}

export const examsCommand: Command = {
  name: 'exams',
  summary: 'List the available exams with question counts and official rules',
  help: `Usage: jmle-bench exams [--data-dir DIR] [--exam ID] [--json]

Lists every exam edition jmle-bench knows: its source, question count, image
and calculation questions, the official pass criteria (required and general
thresholds and maxima, 禁忌肢 ≤ N) and whether the prohibited choices and the
examinees' answers are published. Editions whose data is not downloaded are
listed with the command that gets it.

Options:
  --exam ID        only this edition (comma-separated for several)
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --json           machine-readable output

Examples:
  jmle-bench exams
  jmle-bench exams --json`,
  options: { ...DATA_OPTIONS, json: { type: 'boolean' } },
  async run(args, io) {
    const only = str(args, 'exam')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (only) {
      const known = examEntries().map((e) => e.id);
      const bad = only.find((id) => !known.includes(id));
      if (bad) throw new UserError(`unknown exam "${bad}"; available: ${known.join(', ')}`);
    }
    const rows = listExams({ dataDir: str(args, 'data-dir'), env: io.env, ...(only ? { only } : {}) });
    if (flag(args, 'json')) {
      writeLine(io.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    const header = ['exam', 'year', 'source', 'questions', 'images', 'calc', 'required (pass/max)', 'general (pass/max)', '禁忌肢', 'examinees', 'issues'];
    const body = rows.map((r) => [
      r.id,
      String(r.year),
      r.source,
      r.questions === null ? 'not downloaded' : String(r.questions) + (r.excluded_questions ? ` (${r.excluded_questions} excluded)` : ''),
      r.image_questions === null ? '-' : String(r.image_questions),
      r.calculation_questions === null ? '-' : String(r.calculation_questions),
      `${r.required_pass}/${r.required_max}`,
      `${r.general_pass}/${r.general_max}`,
      `≤${r.kinki_max}, ${r.kinki_disclosed ? 'disclosed' : 'undisclosed'}`,
      r.examinee_data === null ? '-' : r.examinee_data ? 'yes' : 'no',
      r.issues === null ? '-' : String(r.issues),
    ]);
    for (const line of table([header, ...body])) writeLine(io.stdout, `  ${line}`);
    const missing = rows.filter((r) => !r.available);
    if (missing.length > 0) {
      writeLine(io.stdout, '');
      for (const r of missing) writeLine(io.stdout, `  ${r.id}: ${r.problem}`);
    }
    const mismatch = rows.filter((r) => r.available && (r.required_max_in_data !== r.required_max || r.general_max_in_data !== r.general_max));
    for (const r of mismatch) {
      writeLine(io.stdout, `  ${r.id}: maxima in the data (${r.required_max_in_data}/${r.general_max_in_data}) differ from the official ${r.required_max}/${r.general_max}; pass/fail is not judged (see \`jmle-bench dataset info --exam ${r.id}\`)`);
    }
    return 0;
  },
};
