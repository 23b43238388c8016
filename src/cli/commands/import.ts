import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadExam } from '../../exam/registry.js';
import { parseExamIdList } from '../../exam/id-list.js';
import { IGAKUQA_EXAMS } from '../../exam/sources/igakuqa.js';
import { importFileName, importIgakuqa, type Imported } from '../../runs/import-igakuqa.js';
import { writeResultFileSync } from '../../results/write.js';
import { describeFsError, UserError } from '../../util/errors.js';
import { formatPercent } from '../../util/round.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command } from '../command.js';

export const importCommand: Command = {
  name: 'import',
  help: `Usage: jmle-bench import igakuqa DIR --system NAME [--exam 112..116|all] [--out-dir DIR] [--data-dir DIR] [--json]

Reads IgakuQA's published predictions
(DIR/baseline_results/<year>/<exam>-<block>_<system>.jsonl) and writes one
ordinary result file per exam (igakuqa_<system>_<exam>.json), scored with the
same extraction, official rules and exceptions as a new run, so they appear on
the leaderboard beside new runs and can be rescored. Existing files are never
overwritten.

Options:
  --system NAME    gpt4, chatgpt, gpt3, student-majority, translate_chatgpt-en …
  --exam IDS       112–116, a range (112-116), a list (112,114) or all (default: all)
  --out-dir DIR    where to write (default: results)
  --data-dir DIR   data root holding igakuqa/ (default: $JMLE_DATA_DIR, then the download cache)
  --json           print the written files and summaries as JSON

Examples:
  jmle-bench import igakuqa ../IgakuQA --system gpt4
  jmle-bench import igakuqa ../IgakuQA --system student-majority --exam 116 --out-dir results/`,
  options: { ...DATA_OPTIONS, system: { type: 'string' }, 'out-dir': { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    const [kind, dir, ...extra] = args.positionals;
    if (kind !== 'igakuqa') {
      throw new UserError(`import: the first argument names the source; only "igakuqa" is supported (see \`jmle-bench import --help\`)`);
    }
    if (!dir) throw new UserError('import igakuqa: give the IgakuQA folder (e.g. `jmle-bench import igakuqa ../IgakuQA --system gpt4`)');
    if (extra.length > 0) throw new UserError(`import igakuqa: unexpected argument "${extra[0]}"`);
    const system = str(args, 'system');
    if (!system) throw new UserError('import igakuqa: --system is required (e.g. gpt4, chatgpt, student-majority)');
    const exams = parseExamIdList(str(args, 'exam') ?? 'all', IGAKUQA_EXAMS, '--exam');
    const outDir = resolve(io.cwd, str(args, 'out-dir') ?? 'results');
    const source = resolve(io.cwd, dir);

    // Build everything and check every target first, so nothing is written when anything fails.
    const timestamp = new Date().toISOString();
    const done: { path: string; imported: Imported }[] = exams.map((id) => {
      const { exam } = loadExam({ exam: id, dataDir: str(args, 'data-dir'), env: io.env });
      const imported = importIgakuqa({ dir: source, system, exam, timestamp });
      const path = join(outDir, importFileName(system, id));
      if (existsSync(path)) throw new UserError(`import: ${path} already exists; remove it or choose another --out-dir`);
      return { path, imported };
    });
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new UserError(`import: cannot create --out-dir ${outDir}: ${describeFsError(e)}; choose another --out-dir`);
    }
    for (const d of done) writeResultFileSync(d.path, d.imported.file);

    if (flag(args, 'json')) {
      const report = done.map((d) => ({ path: d.path, exam: d.imported.file.metadata.exam, summary: d.imported.summary, warnings: d.imported.warnings }));
      writeLine(io.stdout, JSON.stringify(report, null, 2));
      return 0;
    }
    for (const d of done) {
      const s = d.imported.summary;
      for (const w of d.imported.warnings) writeLine(io.stderr, `warning: ${w}`);
      const pass = s.passed === true ? 'pass' : s.passed === false ? 'fail' : 'pass/fail unknown';
      writeLine(
        io.stdout,
        `  ${d.imported.file.metadata.exam}th: ${s.score}/${s.score_max} (${formatPercent(s.score_pct)}); required ${s.required_score}/${s.required_score_max}, general ${s.general_score}/${s.general_score_max}; 禁忌肢 ${s.kinki.selected ?? 'unknown'}; ${pass} → ${d.path}`,
      );
    }
    return 0;
  },
};
