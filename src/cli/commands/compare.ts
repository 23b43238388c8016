import { loadResultFile } from '../../runs/collection.js';
import { compareRuns, comparisonJson, comparisonText } from '../../reports/compare.js';
import { UserError } from '../../util/errors.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command, EXTRACTION_OPTION, extractionFlag, EXTRACTION_HELP } from '../command.js';

export const compareCommand: Command = {
  name: 'compare',
  help: `Usage: jmle-bench compare A.json B.json [--json] [--data-dir DIR] [--exam ID]

Rescores both result files against the current dataset and rules, then shows
each run's score, accuracy and pass/fail (禁忌肢 "unknown" where the exam does
not disclose them) and the difference A − B, paired per question on mean
correctness over epochs, with a 95% interval clustered by serial case and an
exact sign-flip p-value (McNemar's exact test for runs of one epoch, also
shown), and the questions where the runs differ (id, block, points, each run's
answer, the key, k/K right for each with repeated runs). Runs over different
question sets or dataset versions are compared on the questions they share,
with a warning.

Options:
  --json           print a machine-readable report on stdout
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        exam edition (default: the files' own, else 120)
${EXTRACTION_HELP}

Examples:
  jmle-bench compare results/openai_gpt-5.2.json results/anthropic_claude-opus-4.6.json
  jmle-bench compare a.json b.json --json > diff.json`,
  options: { ...DATA_OPTIONS, ...EXTRACTION_OPTION, json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    if (args.positionals.length !== 2) {
      throw new UserError(`compare: give exactly two result files, got ${args.positionals.length} (see \`jmle-bench compare --help\`)`);
    }
    const [pathA, pathB] = args.positionals as [string, string];
    const opts = { dataDir: str(args, 'data-dir'), exam: str(args, 'exam'), env: io.env, extraction: extractionFlag(args) };
    const a = loadResultFile(pathA, opts);
    const b = loadResultFile(pathB, opts);
    if (a.exam.id !== b.exam.id) {
      throw new UserError(`compare: ${pathA} is a run of exam ${a.exam.id} but ${pathB} of exam ${b.exam.id}; compare runs of one exam`);
    }
    for (const w of [...a.warnings, ...b.warnings]) writeLine(io.stderr, `warning: ${w}`);
    const c = compareRuns(a, b);
    if (c.questions === 0) throw new UserError(`compare: ${pathA} and ${pathB} share no question`);
    for (const w of c.warnings) writeLine(io.stderr, `warning: ${w}`);
    if (flag(args, 'json')) writeLine(io.stdout, JSON.stringify(comparisonJson(c), null, 2));
    else io.stdout.write(comparisonText(c));
    return 0;
  },
};
