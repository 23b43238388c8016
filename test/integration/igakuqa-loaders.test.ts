import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { EDITIONS } from '../../src/exam/editions.js';
import { combinedVersion, IGAKUQA_EXAMS, loadIgakuqa } from '../../src/exam/sources/igakuqa.js';
import { loadIgakuqa119 } from '../../src/exam/sources/igakuqa119.js';
import { choiceLettersInText } from '../../src/exam/choices.js';
import { computeSummary } from '../../src/scoring/summary.js';
import { scoreResponse } from '../../src/scoring/record.js';
import { isCorrect } from '../../src/scoring/correct.js';
import type { Exam, Question } from '../../src/exam/types.js';
import type { ResultRecord } from '../../src/results/schema.js';
import { DatasetError } from '../../src/util/errors.js';
import { DATA_ROOT } from '../helpers/data.js';

const IGAKUQA_DIR = join(DATA_ROOT, 'igakuqa');
const EXAMS = [...IGAKUQA_EXAMS, '119'] as const;

function load(id: string): Exam {
  return loadExam({ exam: id, dataDir: DATA_ROOT }).exam;
}

/** The raw IgakuQA rows of an exam, read independently of the loader. */
function rawRows(exam: string, kind: '' | '_metadata'): Record<string, unknown>[] {
  const year = Number(exam) + 1906;
  return ['A', 'B', 'C', 'D', 'E', 'F'].flatMap((b) =>
    readFileSync(join(IGAKUQA_DIR, 'data', String(year), `${exam}-${b}${kind}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

/** A scored record as a run would store it. */
function record(q: Question, predicted: readonly string[]): ResultRecord {
  const s = scoreResponse(q, `【回答】${predicted.join(',')}`, null);
  return {
    question_id: q.id,
    predicted: s.predicted,
    gold: s.gold,
    correct: s.correct,
    raw_response: `【回答】${predicted.join(',')}`,
    parse_success: s.parse_success,
    error: null,
  };
}

const OFFICIAL: Record<string, [number, number, number, number]> = {
  // required pass / max, general pass / max (MHLW)
  '112': [160, 200, 208, 299],
  '113': [160, 200, 209, 296],
  '114': [158, 197, 217, 299],
  '115': [160, 200, 209, 300],
  '116': [158, 197, 214, 297],
  '119': [160, 200, 221, 300],
};

describe('loaders: every past exam through the registry', () => {
  it.each(EXAMS)('the %sth loads 400 questions with unique ids, blocks A–F, from the data root layout', (id) => {
    const exam = load(id);
    expect(exam.id).toBe(id);
    expect(exam.questions).toHaveLength(400);
    expect(new Set(exam.questions.map((q) => q.id)).size).toBe(400);
    expect([...new Set(exam.questions.map((q) => q.block))].sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(exam.version).toMatch(/^[0-9a-f]{64}$/);
    for (const q of exam.questions) {
      expect(q.id).toBe(`${id}${q.block}${q.number}`);
      expect(q.required).toBe(q.block === 'B' || q.block === 'E');
      if (q.type === 'multiple_choice') {
        // The prompt text lists the choices as "a　…" lines like the 120th's (or bare letters for table questions).
        expect(q.choices.length).toBeGreaterThanOrEqual(5);
        expect(
          q.text
            .split('\n\n')
            .slice(-q.choices.length)
            .map((l) => l[0]),
        ).toEqual(q.choices);
        for (const acc of q.accepted) for (const a of acc) expect(q.choices).toContain(a);
        expect(q.selectCount).toBe(q.answer.length);
      } else {
        expect(q.choices).toEqual([]);
        expect(q.answer).toHaveLength(1);
        expect(q.answer[0]).toMatch(/^\d+(\.\d+)?$/);
      }
    }
  });

  it.each(EXAMS)('the %sth: maxima computed from the data equal the official ones, and an all-correct run passes', (id) => {
    const exam = load(id);
    const [reqPass, reqMax, genPass, genMax] = OFFICIAL[id] as [number, number, number, number];
    expect(EDITIONS[id]).toMatchObject({ requiredPass: reqPass, requiredMax: reqMax, generalPass: genPass, generalMax: genMax, kinkiMax: 3 });
    const s = computeSummary(
      exam.questions.map((q) => record(q, q.accepted[0] as string[])),
      exam,
    );
    expect(s.required_score_max).toBe(reqMax);
    expect(s.general_score_max).toBe(genMax);
    expect(s.required_score).toBe(reqMax);
    expect(s.general_score).toBe(genMax);
    expect(s.required_pass).toBe(true);
    expect(s.general_pass).toBe(true);
  });

  it('the 112th–116th: points come from the data (B has 49 questions in the 112th and 113th), 0 marks an excluded question', () => {
    for (const id of IGAKUQA_EXAMS) {
      const exam = load(id);
      const raw = rawRows(id, '');
      for (const row of raw) expect(exam.byId.get(row['problem_id'] as string)?.points).toBe(Number(row['points']));
      const zero = raw.filter((r) => r['points'] === '0').map((r) => r['problem_id']);
      expect(exam.questions.filter((q) => q.points === 0).map((q) => q.id)).toEqual(zero);
      for (const z of zero) expect(exam.issues.some((i) => i.questionId === z && /excluded from scoring/.test(i.message))).toBe(true);
    }
    expect(load('112').questions.filter((q) => q.block === 'B')).toHaveLength(49);
    expect(load('113').questions.filter((q) => q.block === 'E')).toHaveLength(51);
    expect(
      load('116')
        .questions.filter((q) => q.points === 0)
        .map((q) => q.id),
    ).toEqual(['116A34', '116B43', '116C36', '116D64']);
  });

  it('0-point questions count for nothing: not in score_max, correct/incorrect, accuracy or the tallies', () => {
    const exam = load('116');
    const wrong = (q: Question) =>
      record(q, q.type === 'calculation' ? ['99999'] : [q.choices.find((c) => !q.answer.includes(c) && !q.accepted.some((a) => a.includes(c))) as string]);
    const allRight = exam.questions.map((q) => record(q, q.accepted[0] as string[]));
    const s = computeSummary(allRight, exam);
    expect(s.excluded).toBe(4);
    expect(s.correct + s.incorrect).toBe(396);
    expect(s.accuracy).toBe(1);
    expect(s.score_max).toBe(494);
    expect(Object.values(s.by_block).reduce((n, t) => n + t.total, 0)).toBe(396);
    // Answering the excluded ones wrongly changes nothing.
    const mixed = exam.questions.map((q) => (q.points === 0 ? wrong(q) : record(q, q.accepted[0] as string[])));
    expect(computeSummary(mixed, exam)).toMatchObject({ score: 494, correct: 396, incorrect: 0, accuracy: 1 });
  });

  it('112B30 accepts a or d (written "a or d"), and only those', () => {
    const q = load('112').byId.get('112B30') as Question;
    const raw = rawRows('112', '').find((r) => r['problem_id'] === '112B30');
    expect(raw?.['answer']).toEqual(['a or d']);
    expect(q.accepted).toEqual([['a'], ['d']]);
    expect(isCorrect(['a'], q)).toBe(true);
    expect(isCorrect(['d'], q)).toBe(true);
    expect(isCorrect(['a', 'd'], q)).toBe(false);
    expect(isCorrect(['b'], q)).toBe(false);
    expect(load('112').issues.some((i) => i.questionId === '112B30')).toBe(true);
  });

  it('116A71 is counted correct for every examinee, whatever the answer (even none)', () => {
    const exam = load('116');
    const q = exam.byId.get('116A71') as Question;
    expect(q.allCorrect).toBe(true);
    expect(scoreResponse(q, '【回答】a', null).correct).toBe(true);
    expect(scoreResponse(q, 'no answer at all', null).correct).toBe(true);
    expect(exam.issues.some((i) => i.questionId === '116A71')).toBe(true);
  });

  it('no other key in the data is irregular: every answer is letters among the choices or one number (except 112B30)', () => {
    const odd: string[] = [];
    for (const id of IGAKUQA_EXAMS) {
      for (const row of rawRows(id, '')) {
        const ans = row['answer'] as string[];
        const n = (row['choices'] as string[]).length;
        const letters = 'abcdefghij'.slice(0, n);
        const ok = n === 0 ? ans.length === 1 && /^\d+(\.\d+)?$/.test(ans[0] as string) : ans.every((a) => a.length === 1 && letters.includes(a));
        if (!ok) odd.push(row['problem_id'] as string);
      }
    }
    expect(odd).toEqual(['112B30']);
  });

  it('requires_image is !text_only; IgakuQA publishes no images; examinee data is converted from percent', () => {
    const exam = load('116');
    const raw = rawRows('116', '');
    const meta = new Map(rawRows('116', '_metadata').map((m) => [m['problem_id'], m]));
    for (const row of raw) {
      const q = exam.byId.get(row['problem_id'] as string) as Question;
      expect(q.requiresImage).toBe(row['text_only'] === false);
      expect(q.images).toEqual([]);
      const m = meta.get(q.id) as Record<string, unknown>;
      if (m['human_accuracy'] === '') expect(q.humanAccuracy).toBeUndefined();
      else expect(q.humanAccuracy).toBeCloseTo(Number(m['human_accuracy']) / 100, 9);
    }
    const q1 = exam.byId.get('116A1') as Question;
    expect(q1.breakdown).toEqual({ a: 0.026, b: 0, c: 0.878, d: 0.047, e: 0.049 });
    expect(q1.text.startsWith('睡眠時無呼吸症候群による高血圧について、正しくないのはどれか。\n\na\u3000')).toBe(true);
    expect(choiceLettersInText(q1.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('questions with more than five choices keep every letter (113F83: a–h, a table in the stem)', () => {
    const q = load('113').byId.get('113F83') as Question;
    expect(q.choices).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(q.answer).toEqual(['g']);
    expect(q.text.endsWith('\n\ng\n\nh')).toBe(true);
    expect(scoreResponse(q, '【回答】g', null).correct).toBe(true);
  });

  it('the dataset version is a hash over the data files in a fixed order', () => {
    const a = combinedVersion([
      { rel: 'x', text: '1' },
      { rel: 'y', text: '2' },
    ]);
    expect(
      combinedVersion([
        { rel: 'x', text: '1' },
        { rel: 'y', text: '2' },
      ]),
    ).toBe(a);
    expect(
      combinedVersion([
        { rel: 'x', text: '1' },
        { rel: 'y', text: '3' },
      ]),
    ).not.toBe(a);
    expect(
      combinedVersion([
        { rel: 'y', text: '2' },
        { rel: 'x', text: '1' },
      ]),
    ).not.toBe(a);
    expect(new Set(EXAMS.map((id) => load(id).version)).size).toBe(EXAMS.length);
  });
});

describe('IgakuQA loader on synthetic data', () => {
  function synth(mutate?: (rows: Record<string, unknown>[]) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'igakuqa-'));
    mkdirSync(join(dir, 'data', '2022'), { recursive: true });
    for (const b of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const rows: Record<string, unknown>[] = [1, 2].map((n) => ({
        problem_id: `116${b}${n}`,
        problem_text: `問${n}`,
        choices: ['一', '二', '三', '四', '五'],
        text_only: true,
        answer: ['c'],
        points: '1',
      }));
      if (b === 'A')
        rows.push({ problem_id: '116A71', problem_text: '問', choices: ['一', '二', '三', '四', '五'], text_only: false, answer: ['e'], points: '1' });
      if (b === 'A') mutate?.(rows);
      writeFileSync(join(dir, 'data', '2022', `116-${b}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const meta = rows.map((r) => ({ problem_id: r['problem_id'], kinki: ['ａ', ' b'], human_accuracy: '61.5', breakdown: ['1', '2', '61.5', '3', '32.5'] }));
      writeFileSync(join(dir, 'data', '2022', `116-${b}_metadata.jsonl`), meta.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    return dir;
  }

  it('reads a small well-formed exam, normalising 禁忌肢 and examinee shares', () => {
    const exam = loadIgakuqa(synth(), '116');
    expect(exam.questions).toHaveLength(13);
    const q = exam.byId.get('116B2') as Question;
    expect(q).toMatchObject({ block: 'B', number: 2, required: true, kinki: ['a', 'b'], humanAccuracy: 0.615, answer: ['c'], points: 1 });
    expect(exam.byId.get('116A71')?.allCorrect).toBe(true);
  });

  it('a bad row stops loading with a message naming the file, question and field', () => {
    const dir = synth((rows) => {
      (rows[0] as Record<string, unknown>)['answer'] = ['z'];
      (rows[1] as Record<string, unknown>)['points'] = 'three';
    });
    expect(() => loadIgakuqa(dir, '116')).toThrowError(DatasetError);
    expect(() => loadIgakuqa(dir, '116')).toThrowError(/116A1: answer \["z"\] is not among the choices a,b,c,d,e \(and 1 more problem\)/);
  });

  it('a bad 禁忌肢 names the metadata file it is in; a broken line says how to get a fresh copy', () => {
    const dir = synth();
    const meta = join(dir, 'data', '2022', '116-A_metadata.jsonl');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"problem_id":"116A2","kinki":["ａ"," b"]', '"problem_id":"116A2","kinki":["1"]'));
    expect(() => loadIgakuqa(dir, '116')).toThrowError(
      /^IgakuQA 116: data\/2022\/116-A_metadata\.jsonl: 116A2: kinki \["1"\] has "1", which is not a choice letter$/,
    );
    writeFileSync(meta, '{broken\n');
    expect(() => loadIgakuqa(dir, '116')).toThrowError(
      /^IgakuQA 116: data\/2022\/116-A_metadata\.jsonl line 1: not a JSON object .*; run `jmle-bench dataset pull --exam 116` to fetch a fresh copy$/,
    );
  });

  it('an "or" key without a documented exception is refused, not guessed', () => {
    const dir = synth((rows) => {
      (rows[0] as Record<string, unknown>)['answer'] = ['a or b'];
    });
    expect(() => loadIgakuqa(dir, '116')).toThrowError(/lists alternatives but no exception documents it/);
  });

  it('a missing file says how to get the data', () => {
    expect(() => loadIgakuqa(mkdtempSync(join(tmpdir(), 'igakuqa-empty-')), '113')).toThrowError(/dataset pull --exam 113/);
  });
});

describe('IgakuQA119: defects of the source are repaired visibly or listed', () => {
  const exam = load('119');
  const issue = (id: string) => exam.issues.filter((i) => i.questionId === id);

  it('119C1 and 119D1 start with the block label upstream ("119C健康日本21…"): removed, listed', () => {
    for (const id of ['119C1', '119D1']) {
      expect(exam.byId.get(id)?.text.startsWith(id.slice(0, 4))).toBe(false);
      expect(exam.issues.some((i) => i.questionId === id && i.message.includes('block label'))).toBe(true);
    }
  });

  it('119E45 and 119E48 have no choices upstream: read from the stem, listed as broken', () => {
    for (const id of ['119E45', '119E48']) {
      const q = exam.byId.get(id) as Question;
      expect(q.choices).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(choiceLettersInText(q.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(q.answer).toEqual(['e']);
      expect(q.points).toBe(3);
      expect(issue(id).map((i) => i.kind)).toEqual(['broken-question']);
    }
    expect((exam.byId.get('119E48') as Question).text.endsWith('e\u3000グルココルチコイド')).toBe(true);
  });

  it('merged choices (119A22, 119C5, 119C19) are split, with the answer among the five', () => {
    for (const id of ['119A22', '119C5', '119C19']) {
      const q = exam.byId.get(id) as Question;
      expect(choiceLettersInText(q.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(q.choices).toContain(q.answer[0]);
      expect(issue(id)[0]?.kind).toBe('broken-question');
    }
    expect((exam.byId.get('119C5') as Question).text).toMatch(/d\u3000心理的虐待\n\ne\u3000ネグレクト$/);
  });

  it('image flags that disagree with the image files are reported; a file makes it an image question', () => {
    expect(issue('119C15')[0]?.kind).toBe('image-flag-mismatch');
    expect(issue('119C22')[0]?.kind).toBe('image-flag-mismatch');
    expect(issue('119C67')[0]?.kind).toBe('image-flag-mismatch');
    expect(exam.byId.get('119C67')).toMatchObject({ requiresImage: true, images: ['119C67.png'] });
    expect(exam.byId.get('119A15')?.images).toEqual(['119A15-1.png', '119A15-2.png']);
  });

  it('the empty stem of 119C18 is listed; points by position; 禁忌肢 undisclosed → unknown, never 0', () => {
    expect(issue('119C18')[0]?.message).toMatch(/question text is empty/);
    expect(exam.byId.get('119B26')?.points).toBe(3);
    expect(exam.byId.get('119B25')?.points).toBe(1);
    expect(exam.questions.every((q) => q.kinki === undefined && q.humanAccuracy === undefined)).toBe(true);
    const s = computeSummary(
      exam.questions.map((q) => record(q, q.answer)),
      exam,
    );
    expect(s.kinki).toMatchObject({ disclosed: false, selected: null, pass: null });
    expect(s.passed).toBeNull();
    expect(s.kinki.selected).not.toBe(0);
  });

  it('every multiple-choice key matches the number the stem asks for ("2つ選べ"); 119E28 accepts a or c', () => {
    for (const q of exam.questions.filter((x) => x.type === 'multiple_choice')) {
      const m = /(\d)つ選べ/.exec(q.text);
      expect(q.selectCount, q.id).toBe(m ? Number(m[1]) : 1);
      for (const acc of q.accepted) expect(acc.length, q.id).toBe(q.selectCount);
    }
    const e28 = exam.byId.get('119E28') as Question;
    expect(e28.accepted).toEqual([['a'], ['c']]);
    expect(isCorrect(['a'], e28) && isCorrect(['c'], e28)).toBe(true);
    expect(isCorrect(['a', 'c'], e28)).toBe(false);
    expect(issue('119E28')[0]?.message).toMatch(/either is accepted/);
  });

  it('a repair written for other text does not apply silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igakuqa119-'));
    mkdirSync(join(dir, 'questions'));
    const q = (n: string, choices: string[]) => ({ number: n, question: '問', choices, has_image: false });
    for (const b of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const rows = b === 'A' ? [q('119A22', ['a. 一', 'b. 二', 'd. 三X四', 'e. 五'])] : [q(`119${b}1`, ['a. 一', 'b. 二', 'c. 三', 'd. 四', 'e. 五'])];
      writeFileSync(join(dir, 'questions', `119${b}_json.json`), JSON.stringify(rows));
    }
    mkdirSync(join(dir, 'results'));
    writeFileSync(join(dir, 'results', 'correct_answers.csv'), '\uFEFF問題番号,解答\r\n119A22,d\r\n119B1,a\r\n119C1,b\r\n119D1,c\r\n119E1,d\r\n119F1,e\r\n');
    const e = loadIgakuqa119(dir);
    expect(e.questions).toHaveLength(6);
    expect(e.issues.find((i) => i.questionId === '119A22')?.message).toMatch(/no longer matches/);
    expect(e.byId.get('119E1')?.points).toBe(1);
  });
});
