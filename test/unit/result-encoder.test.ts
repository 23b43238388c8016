import { describe, expect, it } from 'vitest';
import type { ResultFile, ResultRecord } from '../../src/results/schema.js';
import { ResultFileEncoder, serialiseResultFile } from '../../src/results/write.js';

// The encoder's bytes must be exactly JSON.stringify(file, null, 2) in UTF-8, whatever was prepared.

function record(id: string, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    question_id: id,
    predicted: ['a'],
    gold: ['a'],
    correct: true,
    raw_response: `解説: 所見から考える。\n\n【回答】a\u2028"quoted"\t\\`,
    parse_success: true,
    error: null,
    points: 1,
    earned: 1,
    parse_source: 'content',
    parse_notes: [],
    usage: { prompt_tokens: 10, completion_tokens: 5, reasoning_tokens: null, total_tokens: 15 },
    latency_ms: 1234,
    attempts: 1,
    finish_reason: 'stop',
    ...extra,
  };
}

function file(results: ResultRecord[], more: Partial<ResultFile> & Record<string, unknown> = {}): ResultFile {
  return {
    metadata: {
      model: 'm',
      base_url: null,
      extra_body: { nested: { deep: [1, 2, { x: null }] }, empty: {}, list: [] },
      harness: { name: 'jmle-bench', version: '1' },
      epochs: undefined,
    },
    summary: { accuracy: 0.5, by_block: { A: { correct: 1, total: 2 } } },
    results,
    ...more,
  };
}

const expected = (f: ResultFile) => Buffer.from(serialiseResultFile(f), 'utf8');

describe('ResultFileEncoder', () => {
  const first = [record('120A-1'), record('120A-2', { reasoning: 'thinking\nmore', usage: null, correct: false }), record('120B-3', { error: 'HTTP 500' })];
  const later = [record('120A-1', { epoch: 2 }), record('120A-2', { epoch: 2, parse_notes: ['x', 'y'] })];

  it('writes what JSON.stringify writes, with every record prepared, some, or none', () => {
    for (const prepareWhich of [() => true, () => false, (i: number) => i % 2 === 0]) {
      const enc = new ResultFileEncoder();
      [...first, ...later].forEach((r, i) => prepareWhich(i) && enc.prepare(r));
      const f = file(first, { extra_epochs: [{ epoch: 2, results: later }] });
      expect(enc.encode(f).equals(expected(f))).toBe(true);
    }
  });

  it('encodes again a record placed where it was not prepared for (another epoch depth)', () => {
    const enc = new ResultFileEncoder();
    const r = record('120A-1'); // prepared as a first-epoch record…
    enc.prepare(r);
    const f = file([], { extra_epochs: [{ epoch: 2, results: [r] }] }); // …found among a later epoch's
    expect(enc.encode(f).equals(expected(f))).toBe(true);
  });

  it('keeps key order, leaves out undefined members, and writes empty arrays and objects as JSON does', () => {
    const enc = new ResultFileEncoder();
    first.forEach((r) => enc.prepare(r));
    const shapes: ResultFile[] = [
      file([]),
      file(first, { extra_epochs: [] }),
      file(first, {
        extra_epochs: [
          { epoch: 2, results: [] },
          { epoch: 3, results: later, note: undefined },
        ] as ResultFile['extra_epochs'],
      }),
      { results: first, metadata: { model: 'x' }, unknown_after: { a: [1] }, gone: undefined },
      { metadata: { model: 'x' }, results: 'not an array', extra_epochs: { not: 'an array' } } as unknown as ResultFile,
      { metadata: { model: 'x' }, results: [null, 3, 'x', [first[0]]], extra_epochs: [null, 'e', [1]] } as unknown as ResultFile,
      {} as ResultFile,
    ];
    for (const f of shapes) expect(enc.encode(f).toString('utf8')).toBe(serialiseResultFile(f));
  });

  it('follows a record object only by identity: an equal record not prepared is encoded on its own', () => {
    const enc = new ResultFileEncoder();
    enc.prepare(record('120A-1', { raw_response: 'one' }));
    const f = file([record('120A-1', { raw_response: 'two' })]);
    expect(enc.encode(f).toString('utf8')).toBe(serialiseResultFile(f));
  });
});
