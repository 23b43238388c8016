import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preparedQuestions } from '../../src/exam/prepared.js';
import { sha256Hex } from '../../src/util/builtin.js';
import { fixtureExam } from '../fixtures/exam.js';

const { questions } = fixtureExam();
const data = Buffer.from('[{"question_id":"TA-1"}] データ', 'utf8');

function counting() {
  let calls = 0;
  return {
    prepare: () => (calls++, questions),
    get calls() {
      return calls;
    },
  };
}
const storeIn = (build = 'b1') => ({ dir: join(mkdtempSync(join(tmpdir(), 'jmle-prepared-')), 'prepared'), build });

describe('prepared questions', () => {
  it('are prepared once for the same bytes and build, then read back equal, with the bytes’ SHA-256', () => {
    const store = storeIn();
    const p = counting();
    const first = preparedQuestions(store, 'src', data, p.prepare);
    expect(first.questions).toBe(questions);
    expect(first.version).toBe(sha256Hex(data));
    const again = preparedQuestions(store, 'src', Buffer.from(data), p.prepare);
    expect(p.calls).toBe(1);
    expect(again.questions).not.toBe(questions);
    expect(again).toEqual(first);
    expect(readdirSync(store.dir)).toEqual(['src-b1.prepared']);
  });

  it('bytes that differ at all, even of the same length, are prepared again; so are they for another build, whose file replaces the older', () => {
    const store = storeIn();
    const p = counting();
    preparedQuestions(store, 'src', data, p.prepare);
    preparedQuestions(store, 'other', data, p.prepare);
    const edited = Buffer.from(data);
    edited[5] = (edited[5] as number) ^ 1; // one bit, same length
    expect(preparedQuestions(store, 'src', edited, p.prepare).version).toBe(sha256Hex(edited));
    expect(p.calls).toBe(3);
    preparedQuestions({ ...store, build: 'b2' }, 'src', edited, p.prepare);
    expect(p.calls).toBe(4);
    expect(readdirSync(store.dir).sort()).toEqual(['other-b1.prepared', 'src-b2.prepared']);
  });

  it('a file cut short, not ours, or holding no questions is prepared again; a dataset with problems keeps nothing', () => {
    const store = storeIn();
    preparedQuestions(store, 'src', data, () => questions);
    const path = join(store.dir, 'src-b1.prepared');
    const good = readFileSync(path);
    const head = good.subarray(0, 12 + data.length);
    const bad = [
      good.subarray(0, good.length - 10),
      Buffer.concat([Buffer.from('XXXXXXXX'), good.subarray(8)]),
      Buffer.concat([head, Buffer.from(JSON.stringify({ version: 'v', questions: [] }), 'utf16le')]),
      Buffer.concat([head, Buffer.from('null', 'utf16le')]),
      Buffer.alloc(3),
    ];
    for (const b of bad) {
      writeFileSync(path, b);
      const p = counting();
      expect(preparedQuestions(store, 'src', data, p.prepare).questions).toBe(questions);
      expect(p.calls).toBe(1);
    }
    const broken = Buffer.from('[{"question_id":');
    expect(() =>
      preparedQuestions(store, 'src', broken, () => {
        throw new Error('question #1: not an object');
      }),
    ).toThrow('question #1');
    expect(readdirSync(store.dir)).toEqual(['src-b1.prepared']);
    expect(preparedQuestions(store, 'src', data, counting().prepare).questions).toEqual(questions); // still the good one
  });

  it('a store that cannot be written costs only the head start', () => {
    const root = mkdtempSync(join(tmpdir(), 'jmle-prepared-'));
    writeFileSync(join(root, 'a-file'), '');
    const store = { dir: join(root, 'a-file', 'prepared'), build: 'b1' }; // its folder cannot be made
    const p = counting();
    expect(preparedQuestions(store, 'src', data, p.prepare).questions).toBe(questions);
    expect(preparedQuestions(store, 'src', data, p.prepare).questions).toBe(questions);
    expect(p.calls).toBe(2);
    expect(existsSync(store.dir)).toBe(false);
  });
});
