import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { readResultFileSync } from '../../src/results/io.js';
import { ResultFileEncoder, serialiseResultFile } from '../../src/results/write.js';
import { rescoreFile } from '../../src/runs/rescore.js';
import { computeSummary } from '../../src/scoring/summary.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

const { exam } = loadExam({ exam: '120', dataDir: DATA_ROOT });
const files = readdirSync(RESULTS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The records whose outcome our extraction improves, by file (all documented in README "Answer extraction"). */
const IMPROVED: Record<string, Record<string, string>> = {
  'Qwen_Qwen3-32B_nothink.json': { '120D-75': '"2 8" read as 28 (correct)' },
  'openai_gpt-oss-120b_low.json': {
    '120A-62': '"c】" parsed as c (correct)',
    '120E-17': '"c】" parsed as c (still wrong)',
    '120A-74': '0.4 = 0.40 (correct)',
    '120A-75': '"3 1 5" read as 315 (correct)',
  },
  'openai_gpt-oss-20b_medium.json': { '120A-74': '"1.200 g/日" read as 1.200 (still wrong)' },
  'pfnet_Preferred-MedRECT-32B.json': { '120A-74': '0.400 = 0.40 (correct)' },
};

const REFERENCE_SUMMARY_KEYS = [
  'accuracy',
  'correct',
  'incorrect',
  'score',
  'score_max',
  'score_pct',
  'text_only_score',
  'text_only_score_max',
  'text_only_score_pct',
  'required_score',
  'required_score_max',
  'required_score_pct',
  'general_score',
  'general_score_max',
  'general_score_pct',
  'required_pass',
  'general_pass',
  'parse_failures',
  'errors',
  'by_block',
  'by_type',
  'by_image',
] as const;

function pick(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(REFERENCE_SUMMARY_KEYS.map((k) => [k, o[k]]));
}

describe('rescoring the 10 published result files', () => {
  it('finds the 10 files', () => {
    expect(files).toHaveLength(10);
  });

  for (const name of files) {
    describe(name, () => {
      const path = join(RESULTS_DIR, name);
      const original = readResultFileSync(path);
      const { file, summary, changes, warnings } = rescoreFile(original, exam, name);

      it('reproduces predicted and correct of every record the reference parsed that is not a calculation', () => {
        const byId = new Map(file.results.map((r) => [r.question_id, r]));
        for (const r of original.results) {
          const q = exam.byId.get(r.question_id);
          if (!q || !r.parse_success || q.type === 'calculation') continue;
          const now = byId.get(r.question_id);
          expect(now?.predicted, `${name} ${r.question_id}`).toEqual(r.predicted);
          expect(now?.correct, `${name} ${r.question_id}`).toBe(r.correct);
        }
      });

      it('a run writing the rescored file with its records encoded ahead writes the same bytes (ResultFileEncoder)', () => {
        const encoder = new ResultFileEncoder();
        for (const r of file.results) encoder.prepare(r);
        expect(encoder.encode(file).equals(Buffer.from(serialiseResultFile(file), 'utf8'))).toBe(true);
      });

      it('changes exactly the documented records', () => {
        expect(changes.map((c) => c.questionId).sort()).toEqual(Object.keys(IMPROVED[name] ?? {}).sort());
        for (const c of changes) expect(c.reasons.length).toBeGreaterThan(0);
        expect(warnings).toEqual([]);
      });

      it('our summary of the stored outcomes equals the stored summary (same rules, same rounding)', () => {
        // Score the stored `correct` flags with our summary code: must match the reference's numbers to the digit.
        expect(pick(computeSummary(original.results, exam) as unknown as Record<string, unknown>)).toEqual(pick(original.summary ?? {}));
      });

      it("our summary serialises with the reference's keys in the reference's order (by_block, by_type, by_image included)", () => {
        const ours = computeSummary(original.results, exam) as unknown as Record<string, unknown>;
        expect(Object.keys(ours).slice(0, REFERENCE_SUMMARY_KEYS.length)).toEqual([...REFERENCE_SUMMARY_KEYS]);
        expect(JSON.stringify(pick(ours))).toBe(JSON.stringify(original.summary));
      });

      it('the rescored summary equals the stored one apart from the documented improvements', () => {
        const improved = IMPROVED[name] ?? {};
        const gained = changes.filter((c) => c.after.correct && !c.before.correct);
        const lost = changes.filter((c) => !c.after.correct && c.before.correct);
        expect(lost).toEqual([]);
        const stored = original.summary as Record<string, number>;
        const pts = gained.reduce((s, c) => s + (exam.byId.get(c.questionId)?.points ?? 0), 0);
        expect(summary.score).toBe(stored['score']! + pts);
        expect(summary.correct).toBe(stored['correct']! + gained.length);
        const fixedParses = changes.filter((c) => c.after.parse_success && !c.before.parse_success).length;
        expect(summary.parse_failures).toBe(stored['parse_failures']! - fixedParses);
        if (Object.keys(improved).length === 0) expect(pick(summary as unknown as Record<string, unknown>)).toEqual(pick(original.summary ?? {}));
      });
    });
  }
});
