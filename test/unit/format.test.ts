import { describe, expect, it } from 'vitest';
import { formatPercent, formatProbability, formatPValue } from '../../src/util/round.js';
import { probability } from '../../viewer/src/format.js';

describe('probabilities from resampling never read as certain', () => {
  it('two decimals in reports and the terminal', () => {
    expect([1, 0.996, 0.995, 0.994, 0.5, 0.006, 0.005, 0.004, 0, null].map(formatProbability)).toEqual([
      '>0.99',
      '>0.99',
      '>0.99',
      '0.99',
      '0.50',
      '0.01',
      '0.01',
      '<0.01',
      '<0.01',
      '–',
    ]);
  });

  it('whole percents in the viewer', () => {
    expect([1, 0.995, 0.97, 0.5, 0.006, 0.004, 0].map(probability)).toEqual(['>99%', '>99%', '97%', '50%', '1%', '<1%', '<1%']);
  });

  it('percentages round as Python does (ties to even)', () => {
    expect(formatPercent(0.98625)).toBe('98.6%');
  });

  it('p-values: 4 decimals, scientific below 0.001 (reports and the viewer alike)', () => {
    expect([0.30712, 0.001, 0.00042].map(formatPValue)).toEqual(['0.3071', '0.0010', '4.20e-4']);
  });
});
