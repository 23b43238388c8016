import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { IGAKUQA_EXAMS } from '../../src/exam/sources/igakuqa.js';
import type { Question } from '../../src/exam/types.js';
import { extractAnswer } from '../../src/extract/extract.js';
import { importIgakuqa, igakuqaSystems } from '../../src/runs/import-igakuqa.js';
import { rescoreFile } from '../../src/runs/rescore.js';
import { parseResultFile } from '../../src/results/io.js';
import type { ResultRecord } from '../../src/results/schema.js';
import { isCorrect } from '../../src/scoring/correct.js';
import { CLI, DATA_ROOT } from '../helpers/data.js';

/**
 * Published totals (points, out of 499/496/496/500/494 for the 112th–116th) of
 * the IgakuQA baselines: Kasai et al., "Evaluating GPT-4 and ChatGPT on Japanese
 * Medical Licensing Examinations", arXiv:2303.18027 (2023), as tabulated per year
 * 2018–2022 in the model cards of pfnet/Llama3-Preferred-MedSwallow-70B and
 * pfnet/Preferred-MedLLM-Qwen-72B (Hugging Face), rows "GPT-4" (average 388.8)
 * and "ChatGPT"/"GPT-3.5" (average 273.2).
 *
 * They were scored with IgakuQA's scripts/evaluate_main.py: a prediction counts
 * only when `sorted(prediction.split(','))` equals the key exactly (so "a, c" with
 * a space, or "c (…)", is wrong), 116A71 is correct for everyone and 112B30
 * accepts a or d. `igakuqaStrict` below re-implements that rule.
 */
const PUBLISHED: Record<string, number[]> = {
  gpt4: [382, 385, 387, 398, 392],
  chatgpt: [266, 250, 266, 297, 287],
};

/**
 * Where jmle-bench's extraction (the same as for a new run) reads the prediction
 * differently, by design: "a, c" (space after the comma), "c (計算式…)", and
 * prose that ends in an explicit choice ("…b: <choice text>が最も考えられる…").
 * Every one is a question IgakuQA's exact match scores wrong and we score right.
 */
const LENIENT: Record<string, string[]> = {
  gpt4: ['112A35', '112C23', '113D72', '113F75', '114A74', '114C32', '114C34', '114D14', '114D46', '114D74', '116A13', '116A72', '116E38', '116F34'],
  chatgpt: [
    '112C57',
    '112D15',
    '112D62',
    '112F38',
    '113A64',
    '113A65',
    '114B3',
    '114C32',
    '114D73',
    '114D74',
    '114F57',
    '114F73',
    '115A66',
    '115A71',
    '116A68',
    '116F31',
  ],
  'student-majority': [],
};

/**
 * Of LENIENT, the reads that are ours and not the reference's: a letter before a
 * colon inside prose ("…b: <choice text>…"; note `bracket-stripped`). The others are
 * the reference's own tokenisation (white space splits, other text is ignored).
 */
const COLON_CLOSER: Record<string, string[]> = { gpt4: ['112A35', '114D46', '116E38'] };

/** Totals under `--extraction reference`: IgakuQA's plus the reference's tokenisation, minus 113F83 for GPT-4 (keyed g; the reference reads a–e only). */
const REFERENCE_RULE_TOTALS: Record<string, number[]> = {
  gpt4: [383, 386, 392, 398, 395],
  chatgpt: [270, 252, 272, 299, 289],
  'student-majority': [472, 470, 471, 477, 482],
};

/** Student majority: IgakuQA's evaluate_main.py gives these totals; no published per-year figure was found to check against. */
const STUDENT_MAJORITY_BY_IGAKUQA_SCRIPT = [472, 470, 471, 477, 482];

const IGAKUQA = join(DATA_ROOT, 'igakuqa');

function igakuqaStrict(r: ResultRecord, gold: readonly string[], points: number): number {
  const pred = r.raw_response
    .replace(/^【回答】/, '')
    .split(',')
    .sort();
  const ok =
    r.question_id === '116A71' ||
    (r.question_id === '112B30' && (pred.join() === 'a' || pred.join() === 'd')) ||
    pred.join('\u0000') === [...gold].sort().join('\u0000');
  return ok ? points : 0;
}

describe('import igakuqa: published baselines reproduce the published totals', () => {
  for (const system of ['gpt4', 'chatgpt', 'student-majority']) {
    it(`${system}: per-year totals`, () => {
      IGAKUQA_EXAMS.forEach((id, i) => {
        const exam = loadExam({ exam: id, dataDir: DATA_ROOT }).exam;
        const { file, summary, warnings } = importIgakuqa({ dir: IGAKUQA, system, exam, timestamp: '2023-04-05T00:00:00.000Z' });
        expect(warnings).toEqual([]);
        expect(file.results).toHaveLength(400);
        // IgakuQA's rule over the imported raw predictions: exactly the published figure.
        const strict = file.results.reduce((s, r) => {
          const q = exam.byId.get(r.question_id);
          return s + igakuqaStrict(r, q?.accepted[0] ?? [], q?.points ?? 0);
        }, 0);
        const published = system === 'student-majority' ? (STUDENT_MAJORITY_BY_IGAKUQA_SCRIPT[i] as number) : (PUBLISHED[system]?.[i] as number);
        expect(strict, `${system} ${id} (IgakuQA rule)`).toBe(published);
        // Ours: the published figure plus the documented lenient reads, nothing else.
        const extra = file.results.filter((r) => {
          const q = exam.byId.get(r.question_id);
          return r.correct && q && q.points > 0 && igakuqaStrict(r, q.accepted[0] as string[], q.points) === 0 && !q.allCorrect;
        });
        expect(extra.map((r) => r.question_id)).toEqual((LENIENT[system] ?? []).filter((x) => x.startsWith(id)));
        const extraPoints = extra.reduce((s, r) => s + (exam.byId.get(r.question_id)?.points ?? 0), 0);
        expect(summary.score, `${system} ${id}`).toBe(published + extraPoints);
        // Which rule reads each extra question, as the README lists them.
        for (const r of extra) {
          const q = exam.byId.get(r.question_id) as Question;
          const ref = extractAnswer(r.raw_response, r.reasoning, q, 'reference');
          const colon = (COLON_CLOSER[system] ?? []).includes(r.question_id);
          expect(ref.ok && isCorrect(ref.predicted, q, 'reference'), `${r.question_id} read by the reference rule`).toBe(!colon);
          if (colon) expect(r.parse_notes).toContain('bracket-stripped');
        }
        const referenceTotal = file.results.reduce((s, r) => {
          const q = exam.byId.get(r.question_id) as Question;
          const x = extractAnswer(r.raw_response, r.reasoning, q, 'reference');
          return s + (q.allCorrect || (!r.error && x.ok && isCorrect(x.predicted, q, 'reference')) ? q.points : 0);
        }, 0);
        expect(referenceTotal, `${system} ${id} (--extraction reference)`).toBe(REFERENCE_RULE_TOTALS[system]?.[i]);
        // No record is scored wrong that IgakuQA counts right.
        for (const r of file.results) {
          const q = exam.byId.get(r.question_id);
          if (q && q.points > 0 && igakuqaStrict(r, q.accepted[0] as string[], q.points) > 0) expect(r.correct, r.question_id).toBe(true);
        }
      });
    });
  }

  it('GPT-4 passes every year and ChatGPT fails every year, as the paper reports', () => {
    for (const id of IGAKUQA_EXAMS) {
      const exam = loadExam({ exam: id, dataDir: DATA_ROOT }).exam;
      expect(importIgakuqa({ dir: IGAKUQA, system: 'gpt4', exam }).summary.passed, id).toBe(true);
      expect(importIgakuqa({ dir: IGAKUQA, system: 'chatgpt', exam }).summary.passed, id).toBe(false);
    }
  });

  it('imported files are ordinary result files: valid schema, reference metadata, and rescoring changes nothing', () => {
    const exam = loadExam({ exam: '116', dataDir: DATA_ROOT }).exam;
    const { file } = importIgakuqa({ dir: IGAKUQA, system: 'gpt4', exam });
    const parsed = parseResultFile(JSON.parse(JSON.stringify(file)), 'mem');
    expect(parsed.metadata).toMatchObject({
      model: 'igakuqa/gpt4',
      display_name: 'GPT-4 (IgakuQA)',
      image_mode: 'blind',
      exam: '116',
      dataset_version: exam.version,
    });
    expect(parsed.metadata['imported_from']).toMatchObject({ system: 'gpt4' });
    const r1 = parsed.results.find((r) => r.question_id === '116A1');
    expect(r1).toMatchObject({ raw_response: '【回答】c', predicted: ['c'], gold: ['c'], correct: true, parse_success: true });
    const again = rescoreFile(parsed, exam, 'mem');
    expect(again.changes).toEqual([]);
    expect(again.summary.score).toBe((file.summary as { score: number }).score);
  });

  it('lists the systems present in the data', () => {
    expect(igakuqaSystems(IGAKUQA, '116')).toEqual(['chatgpt', 'gpt3', 'gpt4', 'student-majority', 'translate_chatgpt-en']);
  });
});

describe('jmle-bench import igakuqa (CLI)', () => {
  const run = (args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT } });

  it('writes one file per exam, atomically, and never overwrites', () => {
    const out = mkdtempSync(join(tmpdir(), 'import-'));
    const r = run(['import', 'igakuqa', IGAKUQA, '--system', 'student-majority', '--exam', '115-116', '--out-dir', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/116th: 482\/494/);
    const f = JSON.parse(readFileSync(join(out, 'igakuqa_student-majority_116.json'), 'utf8')) as { summary: { score: number }; results: unknown[] };
    expect(f.summary.score).toBe(482);
    expect(f.results).toHaveLength(400);
    expect(existsSync(join(out, 'igakuqa_student-majority_114.json'))).toBe(false);
    const again = run(['import', 'igakuqa', IGAKUQA, '--system', 'student-majority', '--exam', '116', '--out-dir', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('bad input is one line naming the fix, exit 2', () => {
    const out = mkdtempSync(join(tmpdir(), 'import-bad-'));
    writeFileSync(join(out, 'blocker.txt'), 'a file where --out-dir names a folder');
    for (const [args, msg] of [
      [['import', 'igakuqa', IGAKUQA, '--system', 'gpt5', '--exam', '116', '--out-dir', out], /systems available for 116: chatgpt, gpt3, gpt4/],
      [['import', 'igakuqa', IGAKUQA, '--exam', '116'], /--system is required/],
      [
        ['import', 'igakuqa', IGAKUQA, '--system', 'gpt4', '--exam', '120', '--out-dir', out],
        /^jmle-bench: --exam: 120 is not one of 112, 113, 114, 115, 116$/m,
      ],
      [['import', 'other', IGAKUQA, '--system', 'gpt4'], /only "igakuqa"/],
      [['import', 'igakuqa', tmpdir(), '--system', 'gpt4'], /no baseline_results/],
      [
        ['import', 'igakuqa', IGAKUQA, '--system', 'gpt4', '--exam', '116', '--out-dir', join(out, 'blocker.txt')],
        /cannot create --out-dir .*; choose another --out-dir/,
      ],
    ] as const) {
      const r = run([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exams lists every edition with counts and rules (--json)', () => {
    const rows = JSON.parse(execFileSync('node', [CLI, 'exams', '--json', '--data-dir', DATA_ROOT], { encoding: 'utf8' })) as Record<string, unknown>[];
    expect(rows.map((r) => r['id'])).toEqual(['112', '113', '114', '115', '116', '119', '120']);
    for (const r of rows) {
      expect(r).toMatchObject({ available: true, questions: 400, kinki_max: 3 });
      expect(r['required_max_in_data']).toBe(r['required_max']);
      expect(r['general_max_in_data']).toBe(r['general_max']);
    }
    expect(rows.find((r) => r['id'] === '114')).toMatchObject({
      required_pass: 158,
      required_max: 197,
      general_pass: 217,
      general_max: 299,
      kinki_disclosed: true,
      examinee_data: true,
      excluded_questions: 2,
    });
    expect(rows.find((r) => r['id'] === '119')).toMatchObject({ general_pass: 221, kinki_disclosed: false, examinee_data: false });
    const text = execFileSync('node', [CLI, 'exams', '--data-dir', DATA_ROOT], { encoding: 'utf8' });
    expect(text).toMatch(/116\s+2022\s+igakuqa\s+400 \(4 excluded\)/);
  });

  it('exams reports an edition whose data is missing instead of failing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'exams-'));
    const r = spawnSync('node', [CLI, 'exams', '--json'], { encoding: 'utf8', env: { ...process.env, JMLE_DATA_DIR: '', JMLE_CACHE_DIR: empty } });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.every((x) => x['available'] === false && typeof x['problem'] === 'string')).toBe(true);
  });
});
