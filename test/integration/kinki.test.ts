import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseKinki, selectedKinki } from '../../src/exam/kinki.js';
import { loadExam } from '../../src/exam/registry.js';
import { scoreResponse } from '../../src/scoring/record.js';
import { computeSummary } from '../../src/scoring/summary.js';
import type { Question } from '../../src/exam/types.js';
import { DATA_ROOT } from '../helpers/data.js';

/** Every distinct raw `kinki` value in the IgakuQA metadata, read independently of the loader. */
function rawForms(): Map<string, { raw: unknown; ids: string[] }> {
  const forms = new Map<string, { raw: unknown; ids: string[] }>();
  const base = join(DATA_ROOT, 'igakuqa', 'data');
  for (const year of readdirSync(base)) {
    for (const f of readdirSync(join(base, year)).filter((n) => n.endsWith('_metadata.jsonl'))) {
      for (const line of readFileSync(join(base, year, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())) {
        const row = JSON.parse(line) as { problem_id: string; kinki: unknown };
        const key = JSON.stringify(row.kinki);
        const entry = forms.get(key) ?? { raw: row.kinki, ids: [] };
        entry.ids.push(row.problem_id);
        forms.set(key, entry);
      }
    }
  }
  return forms;
}

describe('禁忌肢 normalisation', () => {
  it.each([
    [
      ['c', 'e'],
      ['c', 'e'],
    ],
    [['cde'], ['c', 'd', 'e']],
    [['de'], ['d', 'e']],
    [
      ['d', ' e'],
      ['d', 'e'],
    ],
    [['ｂ'], ['b']],
    [['ｃ'], ['c']],
    [
      ['a', 'c', 'd', 'e'],
      ['a', 'c', 'd', 'e'],
    ],
    ['cde', ['c', 'd', 'e']],
    ['Ｃ, Ｅ', ['c', 'e']],
    [[], []],
    [null, []],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseKinki(raw)).toEqual({ ok: true, letters: expected });
  });

  it('anything that is not choice letters is reported, not guessed', () => {
    expect(normaliseKinki(['c', 3])).toMatchObject({ ok: false });
    expect(normaliseKinki(['1'])).toMatchObject({ ok: false, reason: expect.stringMatching(/"1"/) });
    expect(normaliseKinki({ c: true })).toMatchObject({ ok: false });
  });

  it('every form present in the data normalises to letters a–e, and the loader carries exactly that', () => {
    const forms = rawForms();
    // The irregular forms the issue names are all present in the real data.
    for (const k of ['["cde"]', '["d"," e"]', '["ｂ"]', '["c","e"]', '[]']) expect(forms.has(k), k).toBe(true);
    const exams = new Map(['112', '113', '114', '115', '116'].map((id) => [id, loadExam({ exam: id, dataDir: DATA_ROOT }).exam]));
    for (const { raw, ids } of forms.values()) {
      const r = normaliseKinki(raw);
      expect(r.ok, JSON.stringify(raw)).toBe(true);
      if (!r.ok) continue;
      for (const l of r.letters) expect('abcde').toContain(l);
      // Independent expectation: the letters of the raw value, NFKC-folded, without blanks.
      const expected = [...new Set([...(Array.isArray(raw) ? raw.join('') : String(raw)).normalize('NFKC').replace(/\s/g, '')])].sort();
      expect(r.letters).toEqual(expected);
      for (const id of ids) expect(exams.get(id.slice(0, 3))?.byId.get(id)?.kinki).toEqual(expected);
    }
  });
});

describe('禁忌肢 in the summary', () => {
  const exam = loadExam({ exam: '116', dataDir: DATA_ROOT }).exam;
  const withKinki = exam.questions.filter((q) => q.kinki && q.kinki.length > 0 && q.points > 0 && q.type === 'multiple_choice' && q.selectCount === 1);

  function run(pickKinki: (q: Question) => boolean) {
    return exam.questions.map((q) => {
      const pred = pickKinki(q) ? [(q.kinki as string[])[0] as string] : [...(q.accepted[0] as string[])];
      const s = scoreResponse(q, `【回答】${pred.join(',')}`, null);
      return { question_id: q.id, predicted: s.predicted, gold: s.gold, correct: s.correct, raw_response: '', parse_success: true, error: null };
    });
  }

  it('counts the prohibited choices selected, lists them per question, and applies ≤3', () => {
    expect(withKinki.length).toBeGreaterThan(4);
    const three = new Set(withKinki.slice(0, 3).map((q) => q.id));
    const s3 = computeSummary(
      run((q) => three.has(q.id)),
      exam,
    );
    expect(s3.kinki).toMatchObject({ disclosed: true, selected: 3, max: 3, pass: true });
    expect(s3.kinki.questions).toEqual([...three]);
    expect(s3.kinki.selections).toEqual(withKinki.slice(0, 3).map((q) => ({ question_id: q.id, choices: [(q.kinki as string[])[0]] })));
    const four = new Set(withKinki.slice(0, 4).map((q) => q.id));
    const s4 = computeSummary(
      run((q) => four.has(q.id)),
      exam,
    );
    expect(s4.kinki).toMatchObject({ selected: 4, pass: false });
    expect(s4.passed).toBe(false);
    expect(
      computeSummary(
        run(() => false),
        exam,
      ).kinki,
    ).toMatchObject({ selected: 0, pass: true, questions: [] });
  });

  it('counts questions, not choices: both prohibited choices of 112D65 in one answer are one 禁忌肢問題', () => {
    const e112 = loadExam({ exam: '112', dataDir: DATA_ROOT }).exam;
    const q = e112.byId.get('112D65') as Question;
    expect(q.kinki).toEqual(['c', 'd']);
    expect(q.selectCount).toBe(2);
    const records = e112.questions.map((x) => {
      const s = scoreResponse(x, x.id === q.id ? '【回答】c,d' : `【回答】${(x.accepted[0] as string[]).join(',')}`, null);
      return { question_id: x.id, predicted: s.predicted, gold: s.gold, correct: s.correct, raw_response: '', parse_success: true, error: null };
    });
    const s = computeSummary(records, e112);
    expect(s.kinki.selections).toEqual([{ question_id: '112D65', choices: ['c', 'd'] }]);
    expect(s.kinki).toMatchObject({ selected: 1, pass: true, questions: ['112D65'] });
  });

  it('selectedKinki picks only the prohibited letters; undisclosed means none known', () => {
    expect(selectedKinki(['a', 'c'], ['c', 'e'])).toEqual(['c']);
    expect(selectedKinki(['a'], undefined)).toEqual([]);
  });
});
