import { describe, expect, it } from 'vitest';
import { discordance, mcnemarExact, questionVectors } from '../../src/scoring/mcnemar.js';
import { mulberry32 } from '../../src/util/prng.js';

/** C(n, k) as an exact BigInt. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** Two-sided exact binomial p from the definition, with exact integer sums. */
function exactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0n;
  for (let k = 0; k <= Math.min(b, c); k++) tail += choose(n, k);
  return Math.min(1, (2 * Number(tail)) / 2 ** n);
}

describe('questionVectors', () => {
  it('takes points from the exam, outcomes from the records, and leaves out 0-point (excluded) questions', () => {
    const q = (id: string, points: number, requiresImage = false) => [id, { id, points, requiresImage }] as const;
    const exam = { byId: new Map([q('a', 1), q('b', 3), q('c', 0), q('d', 1, true)]) } as unknown as Parameters<typeof questionVectors>[1];
    const records = [
      { question_id: 'a', correct: true },
      { question_id: 'b', correct: false },
      { question_id: 'c', correct: true },
      { question_id: 'd', correct: true },
    ];
    const v = questionVectors(records, exam);
    expect(v.ids).toEqual(['a', 'b', 'd']);
    expect(Array.from(v.points)).toEqual([1, 3, 1]);
    expect(Array.from(v.correct)).toEqual([1, 0, 1]);
    const text = questionVectors(records, exam, (x) => !x.requiresImage);
    expect(text.ids).toEqual(['a', 'b']);
    expect(() => questionVectors([{ question_id: 'zz', correct: true }], exam)).toThrow(/zz/);
  });
});

describe('mcnemarExact', () => {
  it('matches hand-computed binomial values', () => {
    expect(mcnemarExact(1, 9)).toBe((2 * 11) / 1024); // 0.021484375
    expect(mcnemarExact(1, 9)).toBe(0.021484375);
    expect(mcnemarExact(9, 1)).toBe(0.021484375);
    expect(mcnemarExact(0, 5)).toBe(0.0625); // 2 · 1/32
    expect(mcnemarExact(5, 0)).toBe(0.0625);
    expect(mcnemarExact(9, 4)).toBeCloseTo((2 * (1 + 13 + 78 + 286 + 715)) / 8192, 15); // 0.266845703125
    expect(mcnemarExact(0, 1)).toBe(1); // 2 · 1/2
    expect(mcnemarExact(3, 3)).toBe(1); // capped at 1
  });

  it('is 1 when there are no discordant pairs', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it('agrees with the exact-integer definition over a grid', () => {
    for (let b = 0; b <= 40; b += 3) {
      for (let c = 0; c <= 40; c += 5) {
        expect(mcnemarExact(b, c)).toBeCloseTo(exactP(b, c), 12);
      }
    }
    expect(mcnemarExact(150, 210)).toBeCloseTo(exactP(150, 210), 12);
  });

  it('stays finite and sensible for very many discordant pairs', () => {
    const p = mcnemarExact(700, 760);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    expect(mcnemarExact(800, 800)).toBe(1);
    expect(mcnemarExact(0, 2000)).toBe(0);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});

describe('discordance', () => {
  it('counts the four cells', () => {
    const d = discordance(Uint8Array.from([1, 1, 0, 0, 1]), Uint8Array.from([1, 0, 1, 0, 0]));
    expect(d).toEqual({ both: 1, onlyA: 2, onlyB: 1, neither: 1 });
  });
});

describe('mulberry32', () => {
  it('is reproducible and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});
