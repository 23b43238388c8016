import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importIgakuqa } from '../../src/runs/import-igakuqa.js';
import { loadExam } from '../../src/exam/registry.js';
import { writeResultFileSync } from '../../src/results/write.js';
import { loadResultFile } from '../../src/runs/collection.js';
import { compareRuns, comparisonJson, comparisonText } from '../../src/reports/compare.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

describe('compare shows each run against the examinees where the exam publishes their accuracy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jmle-cmp-exam-'));
  const { exam } = loadExam({ exam: '116', dataDir: DATA_ROOT });
  for (const system of ['gpt4', 'chatgpt']) {
    const { file } = importIgakuqa({ dir: join(DATA_ROOT, 'igakuqa'), system, exam });
    writeResultFileSync(join(dir, `igakuqa_${system}_116.json`), file);
  }
  const a = loadResultFile(join(dir, 'igakuqa_gpt4_116.json'), { dataDir: DATA_ROOT });
  const b = loadResultFile(join(dir, 'igakuqa_chatgpt_116.json'), { dataDir: DATA_ROOT });

  it("accuracy vs the examinees' average, computed from the per-question records", () => {
    const c = compareRuns(a, b);
    expect(c.examinees).not.toBeNull();
    const scored = a.file.results.filter((r) => {
      const q = a.exam.byId.get(r.question_id);
      return q && q.points > 0 && q.humanAccuracy !== undefined;
    });
    const human = scored.reduce((s, r) => s + (a.exam.byId.get(r.question_id)?.humanAccuracy ?? 0), 0) / scored.length;
    const model = scored.filter((r) => r.correct).length / scored.length;
    expect(c.examinees?.a.questions).toBe(scored.length);
    expect(c.examinees?.a.examinee_accuracy).toBeCloseTo(human, 4);
    expect(c.examinees?.a.model_accuracy).toBeCloseTo(model, 4);
    // Every missed-but-examinees-right question really is one.
    for (const q of c.examinees?.a.missed_but_examinees_right ?? []) {
      expect(a.file.results.find((r) => r.question_id === q.question_id)?.correct).toBe(false);
      expect(q.human_accuracy).toBeGreaterThanOrEqual(0.5);
    }
    const text = comparisonText(c);
    expect(text).toMatch(/A: GPT-4 \(IgakuQA\) vs the examinees, over \d+ questions: [\d.]+% vs [\d.]+%/);
    expect(text).toMatch(/missed, though ≥50% of examinees were right/);
    const json = comparisonJson(c);
    expect(json.discordant.every((d) => typeof d.examinee_accuracy === 'number')).toBe(true);
  });

  it('no examinee section for the 120th (no examinee data published)', () => {
    const x = loadResultFile(join(RESULTS_DIR, 'openai_gpt-5.2.json'), { dataDir: DATA_ROOT });
    const y = loadResultFile(join(RESULTS_DIR, 'anthropic_claude-opus-4.6.json'), { dataDir: DATA_ROOT });
    const c = compareRuns(x, y);
    expect(c.examinees).toBeNull();
    expect(comparisonText(c)).not.toMatch(/examinees/);
  });
});
