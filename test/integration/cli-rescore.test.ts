import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';
import { loadExam } from '../../src/exam/registry.js';
import { readResultFileSync } from '../../src/results/io.js';
import { rescoreFile } from '../../src/runs/rescore.js';

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'jmle-rescore-'));
const GPT_OSS = join(RESULTS_DIR, 'openai_gpt-oss-120b_low.json');

describe('jmle-bench rescore', () => {
  it('prints the score and every changed record with its reason, and modifies nothing', () => {
    const before = readFileSync(GPT_OSS, 'utf8');
    const r = cli(['rescore', GPT_OSS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openai_gpt-oss-120b_low.json: 436/500 (87.2%), 346/400 (86.5%)');
    expect(r.stdout).toMatch(/\+ 120A-62: ∅ → c \(correct: false → true; extraction: bracket-stripped\)/);
    expect(r.stdout).toMatch(/\+ 120A-75: 3 1 5 → 315/);
    expect(readFileSync(GPT_OSS, 'utf8')).toBe(before);
  });
  it('--out writes the rescored file in the reference format with the summary recomputed', () => {
    const dir = tmp();
    const out = join(dir, 'rescored.json');
    expect(cli(['rescore', GPT_OSS, '--out', out]).code).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(data)).toEqual(['metadata', 'summary', 'results']);
    expect(data.summary.score).toBe(436);
    expect(data.metadata.model).toBe('openai/gpt-oss-120b');
    expect(data.metadata.dataset_version).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(data.results[0]).slice(0, 7)).toEqual(['question_id', 'predicted', 'gold', 'correct', 'raw_response', 'parse_success', 'error']);
    // --out never overwrites.
    const again = cli(['rescore', GPT_OSS, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
  it('--write replaces the file atomically; a second rescore changes nothing', () => {
    const dir = tmp();
    const f = join(dir, 'run.json');
    copyFileSync(GPT_OSS, f);
    chmodSync(f, 0o644); // the shared data is read-only, and so is a plain copy of it
    expect(cli(['rescore', f, '--write']).code).toBe(0);
    const once = readFileSync(f, 'utf8');
    const r = cli(['rescore', f]);
    expect(r.stdout).toContain('(no changes)');
    expect(JSON.parse(once).summary.score).toBe(436);
  });
  it('a file that is not a result file, unknown question ids, bad JSON: one line, exit 2', () => {
    const dir = tmp();
    const notResult = join(dir, 'x.json');
    writeFileSync(notResult, '{"hello": 1}');
    const a = cli(['rescore', notResult]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/is not a result file/);

    const unknown = join(dir, 'unknown.json');
    const data = JSON.parse(readFileSync(GPT_OSS, 'utf8'));
    data.results[0].question_id = '120Z-99';
    writeFileSync(unknown, JSON.stringify(data));
    const b = cli(['rescore', unknown]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/question ids not in exam 120 .*120Z-99/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{');
    expect(cli(['rescore', bad]).stderr).toMatch(/is not valid JSON/);
    // A parser message that quotes the file's lines still prints as one line.
    writeFileSync(bad, 'garbage\nmore lines\n{');
    const c = cli(['rescore', bad]);
    expect(c.code).toBe(2);
    expect(c.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  it('a result scored against another dataset version gets a warning naming both versions', () => {
    const dir = tmp();
    const f = join(dir, 'old.json');
    const data = JSON.parse(readFileSync(GPT_OSS, 'utf8'));
    data.metadata.dataset_version = 'f'.repeat(64);
    writeFileSync(f, JSON.stringify(data));
    const mtime = statSync(f).mtimeMs;
    const r = cli(['rescore', f]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .* was scored against dataset ffffffffffff; rescoring against [0-9a-f]{12}/);
    expect(statSync(f).mtimeMs).toBe(mtime);
  });
  it('--write never replaces a read-only file; keeps the mode of a writable one and writes through a symbolic link', () => {
    const dir = tmp();
    const ro = join(dir, 'ro.json');
    copyFileSync(GPT_OSS, ro);
    chmodSync(ro, 0o444);
    const before = readFileSync(ro, 'utf8');
    const a = cli(['rescore', ro, '--write']);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/ro\.json is read-only; make it writable \(chmod u\+w\) or write a copy with --out/);
    expect(readFileSync(ro, 'utf8')).toBe(before);
    expect(statSync(ro).mode & 0o777).toBe(0o444);

    const real = join(dir, 'real.json');
    copyFileSync(GPT_OSS, real);
    chmodSync(real, 0o640);
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    expect(cli(['rescore', link, '--write']).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(JSON.parse(readFileSync(real, 'utf8')).summary.score).toBe(436);
  });
  it('a folder, an --out in a missing folder: one line naming the fix, exit 2, nothing written', () => {
    const dir = tmp();
    const folder = join(dir, 'runs');
    mkdirSync(folder);
    const a = cli(['rescore', folder, '--write']);
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe(`jmle-bench: cannot read ${folder}: is a folder (EISDIR); give the result files in it (e.g. ${folder}/*.json)`);
    const b = cli(['rescore', GPT_OSS, '--out', join(dir, 'missing', 'x.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/the folder of --out .* does not exist; create it or choose another path/);
    expect(b.stdout).toBe('');
  });
  it('a result file saved with a byte-order mark is read', () => {
    const f = join(tmp(), 'bom.json');
    writeFileSync(f, '\ufeff' + readFileSync(GPT_OSS, 'utf8'));
    const r = cli(['rescore', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('436/500');
  });
  it('a reference-format file (no dataset version) whose stored key differs is warned about; key order alone is no difference', () => {
    const { exam } = loadExam({ exam: '120', dataDir: DATA_ROOT });
    const file = readResultFileSync(GPT_OSS);
    expect(file.metadata.dataset_version).toBeUndefined();
    const multi = exam.questions.find((q) => q.type === 'multiple_choice' && q.answer.length >= 2);
    const single = exam.questions.find((q) => q.type === 'multiple_choice' && q.answer.length === 1);
    if (!multi || !single) throw new Error('no multi/single-answer question');
    const other = single.choices.find((c) => c !== single.answer[0]) as string;
    const edited = {
      ...file,
      results: file.results.map((r) =>
        r.question_id === multi.id ? { ...r, gold: [...multi.answer].reverse() } : r.question_id === single.id ? { ...r, gold: [other] } : r,
      ),
    };
    const { warnings, changes } = rescoreFile(edited, exam, 'old.json');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^old\\.json records no dataset version and its stored answer key differs from dataset [0-9a-f]{12} for 1 question\\(s\\) \\(${single.id}\\)`),
    );
    expect(changes.map((c) => c.questionId)).not.toContain(multi.id);
    const c = changes.find((x) => x.questionId === single.id);
    expect(c?.reasons[0]).toBe(`answer key changed: ${other} → ${single.answer[0]}`);
    // The unedited file: no warning.
    expect(rescoreFile(file, exam, 'x').warnings).toEqual([]);
  });
  it('without any data it says to run `dataset pull`', () => {
    const r = cli(['rescore', GPT_OSS], { JMLE_DATA_DIR: '', JMLE_CACHE_DIR: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('jmle-bench: no jmle2026 data found: run `jmle-bench dataset pull` (or pass --data-dir / set JMLE_DATA_DIR to a local copy)');
  });
  it('bad usage: no files, unknown option', () => {
    expect(cli(['rescore']).code).toBe(2);
    const r = cli(['rescore', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'/);
  });
});

describe('rescore --extraction reference reproduces the published numbers', () => {
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  it.each(files)('%s: the stored summary, field for field, and the rule is recorded', (name) => {
    const path = join(RESULTS_DIR, name);
    const stored = JSON.parse(readFileSync(path, 'utf8')).summary;
    const r = cli(['rescore', path, '--extraction', 'reference', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = JSON.parse(r.stdout);
    for (const k of [
      'score',
      'correct',
      'incorrect',
      'accuracy',
      'required_score',
      'general_score',
      'text_only_score',
      'parse_failures',
      'by_block',
      'by_type',
      'by_image',
    ]) {
      expect(report.summary[k], `${name} ${k}`).toEqual(stored[k]);
    }
    expect(report.summary.extraction).toBe('reference');
    expect(report.changes).toEqual([]);
    const ours = JSON.parse(cli(['rescore', path, '--json']).stdout)[0];
    expect(ours.summary.extraction).toBe('jmle-bench');
  });
  it('a bad rule is one line', () => {
    const r = cli(['rescore', GPT_OSS, '--extraction', 'fuzzy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('jmle-bench: --extraction must be one of jmle-bench, reference; got "fuzzy"\n');
  });
});

describe('rescore of several files', () => {
  it('does the good ones and reports the broken one (exit 2)', () => {
    const dir = tmp();
    const good = join(dir, 'good.json');
    copyFileSync(GPT_OSS, good);
    chmodSync(good, 0o644); // the shared data is read-only
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"metadata": {');
    const out = join(dir, 'x');
    mkdirSync(out);
    const r = cli(['rescore', good, broken, '--write']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('good.json: 436/500 (87.2%)');
    expect(r.stderr).toMatch(/^jmle-bench: .*broken\.json is not valid JSON/m);
    expect(r.stderr).toMatch(/1 of 2 file\(s\) could not be rescored/);
    expect(JSON.parse(readFileSync(good, 'utf8')).metadata.rescored_by).toBeDefined();
  });
  it('--write leaves a file alone when rescoring changes nothing, and says so', () => {
    const dir = tmp();
    const f = join(dir, 'f.json');
    copyFileSync(GPT_OSS, f);
    chmodSync(f, 0o644);
    expect(cli(['rescore', f, '--write']).stdout).toContain('written: 1 file(s) in place');
    const once = readFileSync(f, 'utf8');
    const again = cli(['rescore', f, '--write']);
    expect(again.stdout).toContain('written: 0 file(s) in place; 1 unchanged, left as they were');
    expect(readFileSync(f, 'utf8')).toBe(once);
  });
});
