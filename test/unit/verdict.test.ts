import { describe, expect, it } from 'vitest';
import { passedOf, passesKnownCriteria, referenceBold, verdictOf, type VerdictInput } from '../../src/scoring/verdict.js';

const s = (required_pass: boolean | null, general_pass: boolean | null, kinki: boolean | null): VerdictInput => ({
  required_pass,
  general_pass,
  kinki: { pass: kinki },
});

describe('the official verdict', () => {
  it('passes only when every criterion is met and known', () => {
    expect(verdictOf(s(true, true, true))).toBe('pass');
    expect(passedOf('pass')).toBe(true);
  });

  it('fails on any failed criterion, even when another is unknown', () => {
    expect(verdictOf(s(false, true, true))).toBe('fail');
    expect(verdictOf(s(true, false, null))).toBe('fail');
    expect(verdictOf(s(true, true, false))).toBe('fail');
    expect(verdictOf(s(null, null, false))).toBe('fail');
    expect(passedOf('fail')).toBe(false);
  });

  it('is "pass unless 禁忌肢" where the prohibited choices are not disclosed', () => {
    expect(verdictOf(s(true, true, null))).toBe('pass-unless-kinki');
    expect(passedOf('pass-unless-kinki')).toBeNull();
    expect(passesKnownCriteria('pass-unless-kinki')).toBe(true);
  });

  it('is incomplete when a part is not covered (partial run)', () => {
    expect(verdictOf(s(null, true, true))).toBe('incomplete');
    expect(verdictOf(s(true, null, null))).toBe('incomplete');
    expect(passesKnownCriteria('incomplete')).toBe(false);
  });

  it("keeps the reference README's bold apart: required and general only", () => {
    expect(referenceBold(s(true, true, false))).toBe(true);
    expect(referenceBold(s(true, null, true))).toBe(false);
  });
});
