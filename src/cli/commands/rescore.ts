import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadExam } from '../../exam/registry.js';
import { readResultFileSync, writeResultFileSync } from '../../results/io.js';
import { rescoreFile, type Change } from '../../runs/rescore.js';
import { isReadOnlyFile } from '../../util/atomic.js';
import { UserError } from '../../util/errors.js';
import { formatPercent } from '../../util/round.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command } from '../command.js';

function fmtAnswer(a: readonly string[]): string {
  return a.length ? a.join(',') : '∅';
}

function changeLine(c: Change): string {
  const mark = c.after.correct && !c.before.correct ? '+' : !c.after.correct && c.before.correct ? '-' : '~';
  return `    ${mark} ${c.questionId}: ${fmtAnswer(c.before.predicted)} → ${fmtAnswer(c.after.predicted)} (correct: ${c.before.correct} → ${c.after.correct}; ${c.reasons.join('; ')})`;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export const rescoreCommand: Command = {
  name: 'rescore',
  help: `Usage: jmle-bench rescore FILE... [--out FILE | --write] [--data-dir DIR] [--exam ID] [--json]

Re-extracts every answer from the stored raw responses, scores it against the
current answer key and the edition's official rules, and recomputes the summary
(stored summaries are never trusted). Prints each file's score and every record
whose outcome changed, with the reason. Input files are not modified unless
--write is given (then atomically).

Options:
  --out FILE       write the rescored file here (one input file only; must not exist)
  --write          replace each input file with its rescored version (atomic)
  --json           print a machine-readable report on stdout
  --data-dir DIR   data root (default: $JMLE_DATA_DIR, then the download cache)
  --exam ID        exam edition (default: the file's own, else 120)

Examples:
  jmle-bench rescore results/openai_gpt-5.2.json
  jmle-bench rescore results/*.json --write
  jmle-bench rescore old.json --out rescored.json`,
  options: { ...DATA_OPTIONS, out: { type: 'string' }, write: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: true,
  async run(args, io) {
    const files = args.positionals;
    if (files.length === 0) throw new UserError('rescore: give at least one result file (see `jmle-bench rescore --help`)');
    const out = str(args, 'out');
    const write = flag(args, 'write');
    if (out && write) throw new UserError('rescore: use either --out or --write, not both');
    if (out && files.length > 1) throw new UserError('rescore: --out takes one input file; use --write to rescore several in place');
    if (out && existsSync(out)) throw new UserError(`rescore: ${out} already exists; choose another --out or remove it first`);
    if (out && !isFolder(dirname(out))) throw new UserError(`rescore: the folder of --out ${out} does not exist; create it or choose another path`);
    if (write) {
      const locked = files.find((f) => isReadOnlyFile(f));
      if (locked) throw new UserError(`rescore: ${locked} is read-only; make it writable (chmod u+w) or write a copy with --out`);
    }

    // Read and rescore everything first, so a bad file stops the command before anything is written.
    const done = files.map((path) => {
      const file = readResultFileSync(path);
      const examId = str(args, 'exam') ?? file.metadata.exam ?? undefined;
      const { exam } = loadExam({ exam: examId, dataDir: str(args, 'data-dir'), env: io.env });
      return { path, ...rescoreFile(file, exam, path) };
    });

    const json = flag(args, 'json');
    for (const r of done) {
      for (const w of r.warnings) writeLine(io.stderr, `warning: ${w}`);
      if (json) continue;
      const s = r.summary;
      const total = s.correct + s.incorrect;
      writeLine(io.stdout, `  ${r.path}: ${s.score}/${s.score_max} (${formatPercent(s.score_pct)}), ${s.correct}/${total} (${formatPercent(s.accuracy)})`);
      if (r.changes.length === 0) writeLine(io.stdout, '    (no changes)');
      for (const c of r.changes) writeLine(io.stdout, changeLine(c));
    }
    if (out) writeResultFileSync(out, (done[0] as (typeof done)[number]).file);
    if (write) for (const r of done) writeResultFileSync(r.path, r.file);
    if (json) {
      const report = done.map((r) => ({ path: r.path, summary: r.summary, changes: r.changes, warnings: r.warnings }));
      writeLine(io.stdout, JSON.stringify(report, null, 2));
    } else if (out) writeLine(io.stdout, `  written: ${out}`);
    else if (write) writeLine(io.stdout, `  written: ${done.length} file(s) in place`);
    return 0;
  },
};
