import { describe, expect, it } from 'vitest';
import { buildDesign, type ExamDesign, type PassRules } from '../../src/stats/design.js';
import { epochStats, majorityEpochs, majorityVote, spread } from '../../src/stats/epochs.js';
import { officialScore } from '../../src/stats/official.js';
import type { RunOutcomes } from '../../src/stats/outcomes.js';

/**
 * A four-question exam: required B1 (1 pt), B2 (3 pts); general A1, A2 (1 pt).
 * Pass: required ≥ 3, general ≥ 1, 禁忌肢 ≤ 0 where disclosed.
 */
function design(kinkiDisclosed: boolean, rules: Partial<PassRules> = {}): ExamDesign {
  return buildDesign({
    ids: ['A1', 'A2', 'B1', 'B2'],
    points: [1, 1, 1, 3],
    required: [0, 0, 1, 1],
    block: ['A', 'A', 'B', 'B'],
    group: [null, null, null, null],
    rules: { requiredMax: 4, generalMax: 2, requiredPass: 3, generalPass: 1, kinkiMax: 0, kinkiDisclosed, ...rules },
    kinkiChoices: kinkiDisclosed ? [1, 1, 1, 1] : null,
  });
}

/** Outcomes from rows of "1"/"0" per epoch (and optional 禁忌肢 rows and answers). */
function outcomes(rows: string[], kinki: string[] | null = null, answers?: (string | null)[][]): RunOutcomes {
  const bits = (r: string[]) => Uint8Array.from(r.join('').split(''), Number);
  return { epochs: rows.length, correct: bits(rows), kinki: kinki ? bits(kinki) : null, answers: answers ? answers.flat() : undefined };
}

describe('the official score of an epoch', () => {
  it('adds points per part and applies the marks', () => {
    const s = officialScore(design(false), Uint8Array.from([1, 0, 0, 1]), null);
    expect(s).toEqual({
      score: 4,
      required: 3,
      general: 1,
      correct: 2,
      kinki: null,
      requiredPass: true,
      generalPass: true,
      kinkiPass: null,
      passesKnown: true,
    });
  });

  it('fails on 禁忌肢 where disclosed, and says unknown where not', () => {
    const known = officialScore(design(true), Uint8Array.from([1, 0, 0, 1]), Uint8Array.from([0, 1, 0, 0]));
    expect([known.kinki, known.kinkiPass, known.passesKnown]).toEqual([1, false, false]);
    const unknown = officialScore(design(false), Uint8Array.from([1, 0, 0, 1]), null);
    expect([unknown.kinki, unknown.kinkiPass, unknown.passesKnown]).toEqual([null, null, true]);
  });

  it('leaves pass/fail undecided when the design does not cover a part, unless another part already failed', () => {
    const partial = design(false, { requiredMax: 200 });
    expect(officialScore(partial, Uint8Array.from([1, 1, 1, 1]), null).passesKnown).toBeNull();
    expect(officialScore(partial, Uint8Array.from([0, 0, 1, 1]), null).passesKnown).toBe(false); // general 0 < 1
  });
});

describe('epoch statistics', () => {
  const d = design(false);
  const o = outcomes(['1001', '0111', '1101']);
  const s = epochStats(d, o);

  it('scores every epoch and summarises the spread (sd over epochs, n − 1)', () => {
    expect(s.perEpoch.map((e) => e.score)).toEqual([4, 5, 5]);
    expect(s.score.mean).toBeCloseTo(14 / 3, 14);
    expect(s.score.sd).toBeCloseTo(Math.sqrt(1 / 3), 14);
    expect([s.score.min, s.score.max]).toEqual([4, 5]);
    expect(s.required.mean).toBeCloseTo(10 / 3, 14);
  });

  it('counts k of K right per question and the share of epochs that pass', () => {
    expect(Array.from(s.correctCounts)).toEqual([2, 2, 1, 3]);
    // Epoch 2: required 1 + 3 = 4 ≥ 3, general 1 ≥ 1: pass; epoch 1: required 3, general 1: pass; epoch 3: pass.
    expect(s.passShare).toBe(1);
    expect(epochStats(d, outcomes(['1010', '1001'])).passShare).toBe(0.5); // epoch 1: required 1 < 3
  });

  it('has no sd with one epoch (not 0: one sample says nothing about spread)', () => {
    expect(spread([7]).sd).toBeNull();
    expect(epochStats(d, outcomes(['1001'])).score.sd).toBeNull();
  });

  it('has no majority vote without answers', () => {
    expect(s.majority).toBeNull();
  });
});

describe('majority vote', () => {
  const d = design(false);

  it('takes the most frequent answer per question', () => {
    // A1: a, b, a → a (right in epochs 1 and 3).
    const o = outcomes(['1111', '0111', '1111'], null, [
      ['a', 'x', 'x', 'x'],
      ['b', 'x', 'x', 'x'],
      ['a', 'x', 'x', 'x'],
    ]);
    expect(majorityEpochs(d, o)?.[0]).toBe(0);
    expect(majorityVote(d, o)?.correct).toBe(4);
  });

  it('breaks a tie for the answer given first, whether right or wrong', () => {
    // A1: b (wrong), a (right), c, d → four-way tie → b, given first: wrong.
    // A2: a (right), b (wrong), b, a → tie 2–2 → a, given first: right.
    const o = outcomes(['0100', '1000', '0000', '0100'], null, [
      ['b', 'a', 'x', 'x'],
      ['a', 'b', 'x', 'x'],
      ['c', 'b', 'x', 'x'],
      ['d', 'a', 'x', 'x'],
    ]);
    const chosen = majorityEpochs(d, o);
    expect(chosen?.[0]).toBe(0); // A1 → epoch 1's "b"
    expect(chosen?.[1]).toBe(0); // A2 → epoch 1's "a"
    const vote = majorityVote(d, o);
    expect(vote?.correct).toBe(1); // A1 wrong, A2 right, B1/B2 wrong
  });

  it('lets a missing answer abstain, and keeps epoch 1 where no epoch has an answer', () => {
    // A1: –, –, b (wrong), – → b. B2: no answer anywhere → epoch 1's outcome (wrong).
    const o = outcomes(['0000', '1000', '0000'], null, [
      [null, 'a', 'a', null],
      [null, 'a', 'a', null],
      ['b', 'a', 'a', null],
    ]);
    expect(majorityEpochs(d, o)?.[0]).toBe(2);
    expect(majorityEpochs(d, o)?.[3]).toBe(0);
    expect(majorityVote(d, o)?.correct).toBe(0);
  });

  it('carries the chosen epoch’s 禁忌肢', () => {
    const dk = design(true);
    const o = outcomes(
      ['0111', '0111'],
      ['1000', '0000'],
      [
        ['e', 'a', 'a', 'a'],
        ['c', 'a', 'a', 'a'],
      ],
    );
    const vote = majorityVote(dk, o); // tie on A1 → epoch 1's "e", a prohibited choice
    expect(vote?.kinki).toBe(1);
    expect(vote?.passesKnown).toBe(false);
  });
});
