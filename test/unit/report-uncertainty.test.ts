import { describe, expect, it, vi } from 'vitest';
import { prepareReport, reportFigures } from '../../src/cli/run-report.js';
import { compareWithExaminees } from '../../src/scoring/examinees.js';
import { computeRunSummary } from '../../src/scoring/summary.js';
import { prepareRunUncertainty, runUncertaintyOf } from '../../src/reports/uncertainty.js';
import type { ResultRecord } from '../../src/results/schema.js';
import { fixtureExam } from '../fixtures/exam.js';

/** A run's records: right where `right` says, in exam order, epoch `epoch`. */
function records(right: (i: number) => boolean, epoch = 1): ResultRecord[] {
  return fixtureExam().questions.map((q, i) => {
    const ok = right(i);
    return {
      question_id: q.id,
      predicted: ok ? [...q.answer] : ['z'],
      gold: [...q.answer],
      correct: ok,
      raw_response: `【回答】${ok ? q.answer.join(',') : 'z'}`,
      parse_success: true,
      error: null,
      ...(epoch > 1 ? { epoch } : {}),
    };
  });
}

describe('prepareRunUncertainty', () => {
  it('leaves the statistics of the run that follows exactly as they would have been', () => {
    const lists = [records((i) => i % 3 !== 0), records((i) => i % 4 !== 1, 2), records((i) => i !== 2, 3)];
    const cold = fixtureExam();
    const expected = runUncertaintyOf(lists, cold, { resamples: 300 });
    const prepared = fixtureExam();
    prepareRunUncertainty(
      prepared,
      prepared.questions.map((q) => q.id),
      3,
      { resamples: 300 },
    );
    expect(expected).not.toBeNull();
    expect(runUncertaintyOf(lists, prepared, { resamples: 300 })).toEqual(expected);
  });
});

describe('prepareReport', () => {
  it('rehearses the summary block without touching the exam, the streams or the summary that follows', () => {
    const lists = [records((i) => i % 3 !== 0)];
    const expected = computeRunSummary(lists, fixtureExam());
    const exam = fixtureExam();
    const before = JSON.stringify(exam.questions);
    const writes: unknown[] = [];
    const spy = [
      vi.spyOn(process.stdout, 'write').mockImplementation((x) => (writes.push(x), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((x) => (writes.push(x), true)),
    ];
    try {
      prepareReport(
        exam,
        exam.questions.map((q) => q.id),
        1,
      );
      prepareReport(exam, ['NOT-A-QUESTION'], 1); // a bad id: only a head start, never an error
    } finally {
      for (const s of spy) s.mockRestore();
    }
    expect(writes).toEqual([]);
    expect(JSON.stringify(exam.questions)).toBe(before);
    expect(computeRunSummary(lists, exam)).toEqual(expected);
  });
});

describe('reportFigures', () => {
  it("gives the summary's statistics and examinees of a result file, as the report computes them", () => {
    const exam = fixtureExam();
    const results = records((i) => i % 3 !== 0);
    const file = { metadata: {}, summary: computeRunSummary([results], exam), results };
    const figures = reportFigures(file as never, exam);
    expect(figures.file).toBe(file);
    expect(figures.uncertainty).toEqual(runUncertaintyOf([results], fixtureExam()));
    expect(figures.uncertainty).not.toBeNull();
    expect(figures.examinees).toEqual(compareWithExaminees(results, exam));
    // No answers: no statistics.
    expect(reportFigures({ ...file, results: [] } as never, exam).uncertainty).toBeNull();
  });
});
