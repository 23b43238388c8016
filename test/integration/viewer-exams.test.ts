import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { buildSeries } from '../../src/reports/series.js';
import { loadResultDir, loadResultFile } from '../../src/runs/collection.js';
import { compareWithExaminees } from '../../src/scoring/examinees.js';
import { questionsPayload } from '../../src/viewer/data.js';
import { exportSite } from '../../src/viewer/export.js';
import { startViewer, viewerData, type Viewer } from '../../src/viewer/server.js';
import type { IndexPayload, LeaderboardPayload, QuestionsPayload, RunPayload, SeriesPayload } from '../../src/viewer/types.js';
import { CLI, DATA_ROOT } from '../helpers/data.js';
import { BROKEN_FILES, makePastExamsFixture, PAST_120_FILE, type Fixture } from '../helpers/viewer-fixture.js';

/**
 * The viewer with past exams: a folder holding imported IgakuQA runs of the
 * 112th and 116th and a real 120th run. Server JSON is checked against the
 * library's own functions, called here on an independent load of the folder.
 */

let fx: Fixture;
let viewer: Viewer;

async function json<T>(path: string): Promise<T> {
  const r = await fetch(new URL(path, viewer.url));
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
}

beforeAll(async () => {
  fx = makePastExamsFixture();
  viewer = await startViewer({ resultsDir: fx.dir, port: 0, dataDir: DATA_ROOT });
});
afterAll(async () => {
  await viewer?.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

describe('several exams in one folder', () => {
  it('loads every exam (oldest first), opens on the newest, and maps each run to its exam', async () => {
    const index = await json<IndexPayload>('api/index');
    expect(index.exams.map((e) => [e.id, e.runs])).toEqual([
      ['112', 2],
      ['116', 2],
      ['120', 1],
    ]);
    expect(index.defaultExam).toBe('120');
    expect(index.series).toBe(true);
    expect(index.runExam).toEqual({
      igakuqa_chatgpt_112: '112',
      igakuqa_gpt4_112: '112',
      'igakuqa_student-majority_116': '116',
      igakuqa_gpt4_116: '116',
      'openai_gpt-5.2': '120',
    });
    expect(index.skipped.map((s) => s.file)).toEqual([BROKEN_FILES[0]]);
    for (const id of ['112', '116', '120']) {
      const lb = await json<LeaderboardPayload>(`api/exams/${id}/leaderboard`);
      expect(lb.exam.id).toBe(id);
      for (const r of lb.runs) expect(r.exam).toBe(id);
      // Each run is scored against its own exam: the summary equals the library's on the file alone.
      for (const r of lb.runs) expect(r.summary).toEqual(loadResultFile(join(fx.dir, r.file), { dataDir: DATA_ROOT }).summary);
    }
    const lb116 = await json<LeaderboardPayload>('api/exams/116/leaderboard');
    expect(lb116.exam.scoreMax).toBe(494);
    // The charts cover the scored questions, as the CLI's table headings ("All (396 Questions)").
    const { exam: e116 } = loadExam({ exam: '116', dataDir: DATA_ROOT });
    const scored = e116.questions.filter((q) => q.points > 0);
    expect(scored.length).toBeLessThan(e116.questions.length); // the 116th excludes some questions from scoring
    expect(lb116.exam.scoredCounts).toEqual({ all: scored.length, text: scored.filter((q) => !q.requiresImage).length });
    expect(lb116.exam.requiredMax).toBe(197);
    expect(lb116.exam.kinkiDisclosed).toBe(true);
    expect(lb116.exam.examineeQuestions).toBeGreaterThan(390);
    expect((await json<LeaderboardPayload>('api/exams/120/leaderboard')).exam.examineeQuestions).toBe(0);
  });

  it('refuses, in one line, to compare runs of two exams', async () => {
    const r = await fetch(new URL('api/compare/igakuqa_gpt4_116/openai_gpt-5.2', viewer.url));
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: 'igakuqa_gpt4_116.json is a run of the 116th and openai_gpt-5.2.json of the 120th; compare runs of one exam',
    });
  });

  it("--exam shows one exam and lists the other exams' runs as skipped with the reason", () => {
    const d = viewerData(fx.dir, { exam: '116', dataDir: DATA_ROOT });
    expect(d.collection.exams.map((g) => g.exam.id)).toEqual(['116']);
    expect(d.collection.defaultExam).toBe('116');
    expect(d.series).toBeNull();
    const skipped = new Map(d.collection.skipped.map((s) => [s.file, s.reason]));
    expect([...skipped.keys()].sort()).toEqual([BROKEN_FILES[0], 'igakuqa_chatgpt_112.json', 'igakuqa_gpt4_112.json', PAST_120_FILE].sort());
    expect(skipped.get(PAST_120_FILE)).toBe('a run of the 120th; this viewer shows the 116th (--exam 116); drop --exam to see every exam');
    // An exam without runs in the folder is still shown (empty), when asked for.
    const d115 = viewerData(fx.dir, { exam: '115', dataDir: DATA_ROOT });
    expect(d115.collection.exams.map((g) => [g.exam.id, g.runs.length])).toEqual([['115', 0]]);
  });

  it('--exams shows those exams and their series', () => {
    const d = viewerData(fx.dir, { exams: ['112', '116'], dataDir: DATA_ROOT });
    expect(d.collection.exams.map((g) => g.exam.id)).toEqual(['112', '116']);
    expect(d.series?.exams).toEqual(['112', '116']);
    expect(d.collection.skipped.find((s) => s.file === PAST_120_FILE)?.reason).toMatch(/not in --exams 112,116/);
    expect(() => viewerData(fx.dir, { exam: '116', exams: ['112'], dataDir: DATA_ROOT })).toThrow(/either --exam/);
    expect(() => viewerData(fx.dir, { exam: '999', dataDir: DATA_ROOT })).toThrow(/unknown exam "999"/);
  });
});

describe('series', () => {
  it('is buildSeries over the folder (as leaderboard --exams), with run ids for links and no local paths', async () => {
    const series = await json<SeriesPayload>('api/series');
    // Independently: load the folder again and build the series with the library.
    const expected = buildSeries(loadResultDir(fx.dir, { dataDir: DATA_ROOT }).runs, ['112', '116', '120']);
    expect(series.exams).toEqual(['112', '116', '120']);
    expect(series.rows.map((r) => r.name)).toEqual(expected.rows.map((r) => r.name));
    expect(series.rows.map((r) => r.name)).toEqual(['GPT-4 (IgakuQA)', 'GPT-5.2', 'Student majority (IgakuQA)', 'ChatGPT (IgakuQA)']);
    for (const [i, row] of series.rows.entries()) {
      const want = expected.rows[i];
      expect(row.mean_score_pct).toBe(want?.meanPct);
      expect(row.exams_covered).toBe(want?.examsCovered);
      for (const e of series.exams) {
        const c = row.exams[e];
        const w = want?.cells[e];
        if (!w) {
          expect(c).toBeNull();
          continue;
        }
        expect(c).toEqual({
          score: w.score,
          score_max: w.scoreMax,
          score_pct: w.scorePct,
          required_pass: w.requiredPass,
          general_pass: w.generalPass,
          kinki_selected: w.kinkiSelected,
          passed: w.passed,
          run: (c?.file ?? '').replace(/\.json$/, ''),
          file: w.path.split('/').pop(),
        });
      }
    }
    // Figures as IgakuQA's import gives them (checked against the published totals elsewhere).
    const gpt4 = series.rows[0];
    expect(gpt4?.exams['116']?.score).toBe(398);
    expect(gpt4?.exams['112']?.kinki_selected).toBe(1);
    expect(series.rows.find((r) => r.name === 'GPT-5.2')?.exams['120']?.kinki_selected).toBeNull();
    expect(series.rows.find((r) => r.name === 'GPT-5.2')?.exams['120']?.passed).toBeNull(); // 禁忌肢 unknown: "?"
    expect(series.rows.find((r) => r.name === 'ChatGPT (IgakuQA)')?.exams['112']?.passed).toBe(false);
    expect(JSON.stringify(series)).not.toContain(fx.dir);
  });
});

describe('examinees and 禁忌肢', () => {
  it('serves compareWithExaminees for a run, and the headline figures on the leaderboard', async () => {
    const { exam } = loadExam({ exam: '116', dataDir: DATA_ROOT });
    const run = await json<RunPayload>('api/runs/igakuqa_gpt4_116');
    const loaded = loadResultFile(join(fx.dir, 'igakuqa_gpt4_116.json'), { dataDir: DATA_ROOT });
    const expected = compareWithExaminees(loaded.file.results, exam);
    expect(run.exam).toBe('116');
    expect(run.examinees).toEqual(expected);
    // Independent of the comparison code: the examinees' mean over the scored questions with data.
    const withData = exam.questions.filter((q) => q.points > 0 && q.humanAccuracy !== undefined);
    expect(run.examinees.questions).toBe(withData.length);
    expect(run.examinees.examinee_accuracy).toBeCloseTo(withData.reduce((s, q) => s + (q.humanAccuracy ?? 0), 0) / withData.length, 4);
    const right = new Set(run.records.filter((r) => r.correct).map((r) => r.question_id));
    expect(run.examinees.model_accuracy).toBeCloseTo(withData.filter((q) => right.has(q.id)).length / withData.length, 4);
    expect(run.examinees.missed_but_examinees_right.every((x) => !right.has(x.question_id) && x.human_accuracy >= 0.5)).toBe(true);
    expect(run.examinees.missed_but_examinees_right.length).toBe(withData.filter((q) => !right.has(q.id) && (q.humanAccuracy ?? 0) >= 0.5).length);
    const lb = await json<LeaderboardPayload>('api/exams/116/leaderboard');
    expect(lb.runs.find((r) => r.id === 'igakuqa_gpt4_116')?.examinees).toEqual({
      questions: expected.questions,
      model_accuracy: expected.model_accuracy,
      examinee_accuracy: expected.examinee_accuracy,
      difference: expected.difference,
    });
    // The 120th publishes no examinee data.
    const r120 = await json<RunPayload>('api/runs/openai_gpt-5.2');
    expect(r120.examinees.available).toBe(false);
    expect((await json<LeaderboardPayload>('api/exams/120/leaderboard')).runs[0]?.examinees).toBeNull();
  });

  it('counts 禁忌肢 where disclosed (116th) and says unknown (null, never 0) where not (120th)', async () => {
    const lb116 = await json<LeaderboardPayload>('api/exams/116/leaderboard');
    const gpt4 = lb116.runs.find((r) => r.id === 'igakuqa_gpt4_116');
    const run = await json<RunPayload>('api/runs/igakuqa_gpt4_116');
    const hits = run.records.filter((r) => r.kinki && r.kinki.length > 0);
    // Independent count: the questions' disclosed prohibited choices against the predictions.
    const q116 = await json<QuestionsPayload>('api/exams/116/questions');
    const kinkiOf = new Map(q116.questions.map((q) => [q.id, q.kinki]));
    const counted = run.records.reduce((n, r) => n + r.predicted.filter((p) => kinkiOf.get(r.question_id)?.includes(p)).length, 0);
    expect(typeof gpt4?.summary.kinki.selected).toBe('number');
    expect(gpt4?.summary.kinki.selected).toBe(counted);
    expect(hits.reduce((n, r) => n + (r.kinki?.length ?? 0), 0)).toBe(counted);
    expect(gpt4?.summary.kinki.questions).toEqual(hits.map((r) => r.question_id));
    expect(run.records.every((r) => Array.isArray(r.kinki))).toBe(true);
    expect(q116.questions.every((q) => Array.isArray(q.kinki))).toBe(true);
    expect(q116.questions.filter((q) => (q.kinki?.length ?? 0) > 0).length).toBe(25);

    const lb120 = await json<LeaderboardPayload>('api/exams/120/leaderboard');
    expect(lb120.runs[0]?.summary.kinki.selected).toBeNull();
    const r120 = await json<RunPayload>('api/runs/openai_gpt-5.2');
    expect(r120.records.every((r) => r.kinki === null)).toBe(true);
    const q120 = await json<QuestionsPayload>('api/exams/120/questions');
    expect(q120.questions.every((q) => q.kinki === null && q.humanAccuracy === null && q.breakdown === null)).toBe(true);
  });

  it('serves past-exam questions without images (requiresImage, images []) and their examinee breakdown', async () => {
    const q116 = await json<QuestionsPayload>('api/exams/116/questions');
    const imageLess = q116.questions.filter((q) => q.requiresImage);
    expect(imageLess.length).toBe(99);
    expect(imageLess.every((q) => q.images.length === 0)).toBe(true);
    const { exam } = loadExam({ exam: '116', dataDir: DATA_ROOT });
    for (const q of q116.questions) {
      expect(q.humanAccuracy).toBe(exam.byId.get(q.id)?.humanAccuracy ?? null);
      expect(q.breakdown).toEqual(exam.byId.get(q.id)?.breakdown ?? null);
    }
    expect((await fetch(new URL('images/116/116A1.png', viewer.url))).status).toBe(404);
  });

  it('names images the data lists but the folder lacks as missing, and serves only the ones present', () => {
    for (const id of ['119', '120']) {
      const { exam } = loadExam({ exam: id, dataDir: DATA_ROOT });
      const payload = questionsPayload(exam);
      let listed = 0;
      for (const q of payload.questions) {
        const src = exam.byId.get(q.id);
        expect([...q.images, ...q.missingImages].sort()).toEqual([...(src?.images ?? [])].sort());
        for (const name of q.images) expect(existsSync(join(exam.imageDir ?? '/nonexistent', name)), name).toBe(true);
        for (const name of q.missingImages) expect(existsSync(join(exam.imageDir ?? '/nonexistent', name)), name).toBe(false);
        listed += src?.images.length ?? 0;
      }
      expect(listed).toBeGreaterThan(0);
      if (id === '120') expect(payload.questions.every((q) => q.missingImages.length === 0)).toBe(true);
    }
  });
});

describe('export and CLI with several exams', () => {
  it('exports every exam, the series JSON and the index, with no local paths', () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-viewer-past-export-'));
    try {
      const out = join(root, 'site');
      const r = exportSite(out, { resultsDir: fx.dir, dataDir: DATA_ROOT });
      expect(r.exams).toEqual(['112', '116', '120']);
      expect(r.series).toBe(true);
      expect(r.runs).toBe(5);
      for (const e of r.exams)
        for (const f of ['leaderboard.json', 'questions.json']) expect(existsSync(join(out, 'data', 'exams', e, f)), `${e}/${f}`).toBe(true);
      expect(readdirSync(join(out, 'images'))).toEqual(['120']); // the 112th and 116th have no images
      const series = JSON.parse(readFileSync(join(out, 'data', 'series.json'), 'utf8')) as SeriesPayload;
      expect(series.rows).toHaveLength(4);
      for (const f of ['index.json', 'series.json', 'runs/igakuqa_gpt4_116.json']) expect(readFileSync(join(out, 'data', f), 'utf8')).not.toContain(fx.dir);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('view refuses --exam with --exams, and an unknown exam, in one line with exit 2', () => {
    for (const args of [
      ['--exam', '116', '--exams', '112-116'],
      ['--exam', '999'],
      ['--exams', '112-999x'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, 'view', '--results', fx.dir, '--data-dir', DATA_ROOT, '--port', '0', ...args], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
