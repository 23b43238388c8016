import { examEntries } from '../../exam/registry.js';
import { UserError } from '../../util/errors.js';
import { displayWidth, padDisplay } from '../../util/width.js';
import { listExams } from '../../exam/overview.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command } from '../command.js';

/** Columns padded to their widest cell, in display columns (禁忌肢 takes six). */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? '')))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => padDisplay(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export const examsCommand: Command = {
  name: 'exams',
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
    const only = str(args, 'exam')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
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
      writeLine(
        io.stdout,
        `  ${r.id}: maxima in the data (${r.required_max_in_data}/${r.general_max_in_data}) differ from the official ${r.required_max}/${r.general_max}; pass/fail is not judged (see \`jmle-bench dataset info --exam ${r.id}\`)`,
      );
    }
    return 0;
  },
};
