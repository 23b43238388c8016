import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExam, missingImageIssues } from '../../src/exam/build.js';
import { sha256Hex } from '../../src/util/builtin.js';
import { fixtureExam } from '../fixtures/exam.js';

describe('buildExam', () => {
  const { id, rules, questions, dir, issues } = fixtureExam();

  it('a version given as a function is worked out when first read, once, and reads like any field', () => {
    let hashed = 0;
    const exam = buildExam({ id, rules, questions, dir, issues, version: () => (hashed++, sha256Hex('data')) });
    expect(hashed).toBe(0);
    expect(exam.byId.get(questions[0]?.id ?? '')).toBe(questions[0]);
    expect(exam.version).toBe('3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7');
    expect(exam.version).toBe(exam.version);
    expect(hashed).toBe(1);
    expect((JSON.parse(JSON.stringify({ ...exam, byId: undefined })) as { version: string }).version).toBe(exam.version);
  });

  it('a version given as text is kept as it is', () => {
    expect(buildExam({ id, rules, questions, dir, issues, version: 'v1' }).version).toBe('v1');
  });
});

describe('missingImageIssues', () => {
  const [q1, q2] = fixtureExam().questions;
  const withImages = [
    { ...q1!, images: ['a.png', 'b.png'] },
    { ...q2!, images: ['c.png'] },
  ];

  it('names each image a question lists that the folder lacks, in question order', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'jmle-unit-images-')), 'images');
    mkdirSync(dir);
    writeFileSync(join(dir, 'b.png'), '');
    expect(missingImageIssues(withImages, dir)).toEqual([
      { questionId: q1!.id, kind: 'missing-image', message: `${q1!.id}: image a.png is missing from ${dir}` },
      { questionId: q2!.id, kind: 'missing-image', message: `${q2!.id}: image c.png is missing from ${dir}` },
    ]);
  });

  it('a folder that is not there: every image is missing', () => {
    const dir = join(tmpdir(), 'jmle-unit-no-such-folder', 'images');
    expect(missingImageIssues(withImages, dir).map((i) => i.message)).toEqual([
      `${q1!.id}: image a.png is missing from ${dir}`,
      `${q1!.id}: image b.png is missing from ${dir}`,
      `${q2!.id}: image c.png is missing from ${dir}`,
    ]);
  });
});
