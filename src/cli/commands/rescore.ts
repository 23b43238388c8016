import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadExam } from '../../exam/registry.js';
import { readResultFileSync } from '../../results/io.js';
import { writeResultFileSync } from '../../results/write.js';
import type { ResultFile } from '../../results/schema.js';
import { rescoreFile, type Change } from '../../runs/rescore.js';
import { isReadOnlyFile } from '../../util/atomic.js';
import { UserError } from '../../util/errors.js';
import { formatPercent } from '../../util/round.js';
import { DATA_OPTIONS, errorLine, EXTRACTION_HELP, EXTRACTION_OPTION, extractionFlag, flag, str, writeLine, type Command } from '../command.js';

function fmtAnswer(a: readonly string[]): string {
  return a.length ? a.join(',') : '∅';
}

function changeLine(c: Change): string {
  const mark = c.after.correct && !c.before.correct ? '+' : !c.after.correct && c.before.correct ? '-' : '~';
  return `    ${mark} ${c.questionId}${c.epoch ? ` (epoch ${c.epoch})` : ''}: ${fmtAnswer(c.before.predicted)} → ${fmtAnswer(c.after.predicted)} (correct: ${c.before.correct} → ${c.after.correct}; ${c.reasons.join('; ')})`;
}

/** Same file content, leaving out when it was last rescored. */
function sameContent(a: ResultFile, b: ResultFile): boolean {
  const strip = (f: ResultFile) => JSON.stringify({ ...f, metadata: { ...f.metadata, rescored_by: undefined } });
  return strip(a) === strip(b);
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
${EXTRACTION_HELP}

A file that cannot be read or rescored is reported on one line and left
alone; the others are still rescored (exit 2 when any failed). With --write,
a file whose rescoring changes nothing is not rewritten.

Examples:
  jmle-bench rescore results/openai_gpt-5.2.json
  jmle-bench rescore results/*.json --write
  jmle-bench rescore old.json --out rescored.json`,
  options: { ...DATA_OPTIONS, ...EXTRACTION_OPTION, out: { type: 'string' }, write: { type: 'boolean' }, json: { type: 'boolean' } },
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

    const rule = extractionFlag(args) ?? 'jmle-bench';
    // Read and rescore everything first; a file that fails is reported and left out, the others go on.
    const failed: string[] = [];
    const done = files.flatMap((path) => {
      try {
        const file = readResultFileSync(path);
        const examId = str(args, 'exam') ?? file.metadata.exam ?? undefined;
        const { exam } = loadExam({ exam: examId, dataDir: str(args, 'data-dir'), env: io.env });
        return [{ path, original: file, ...rescoreFile(file, exam, path, rule) }];
      } catch (e) {
        // One file: its error is the command's (exit 2, one line). Several: report it, do the rest.
        if (files.length === 1 || !(e instanceof UserError)) throw e;
        failed.push(path);
        writeLine(io.stderr, errorLine(e));
        return [];
      }
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
    if (out && done[0]) writeResultFileSync(out, done[0].file);
    // --write rewrites only what rescoring changed (the time it was rescored aside).
    const rewritten = write ? done.filter((r) => !sameContent(r.original, r.file)) : [];
    for (const r of rewritten) writeResultFileSync(r.path, r.file);
    if (json) {
      const report = done.map((r) => ({
        path: r.path,
        summary: r.summary,
        changes: r.changes,
        warnings: r.warnings,
        ...(write ? { written: rewritten.includes(r) } : {}),
      }));
      writeLine(io.stdout, JSON.stringify(report, null, 2));
    } else if (out) writeLine(io.stdout, `  written: ${out}`);
    else if (write) {
      const unchanged = done.length - rewritten.length;
      writeLine(io.stdout, `  written: ${rewritten.length} file(s) in place${unchanged > 0 ? `; ${unchanged} unchanged, left as they were` : ''}`);
    }
    if (failed.length > 0) {
      writeLine(io.stderr, `jmle-bench: ${failed.length} of ${files.length} file(s) could not be rescored (above); the others were`);
      return 2;
    }
    return 0;
  },
};
