import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibratedScore, fitCalibration, healthIndex } from './calibration.js';

// Healthy errors 1..1000: median 500.5, 99.9th percentile 999.001 (type 7), far knot 9990.01.
const cal = fitCalibration(Array.from({ length: 1000 }, (_, i) => i + 1));

describe('health index', () => {
  it('is 1 for typical healthy errors and 0.5 at the far-beyond-healthy knot', () => {
    expect(healthIndex(cal, 100)).toBe(1);
    expect(healthIndex(cal, 500.5)).toBe(1);
    expect(healthIndex(cal, 9990.01)).toBeCloseTo(0.5, 9);
    // Twice as far (in log error past the median) is 0.25.
    expect(healthIndex(cal, 500.5 * (9990.01 / 500.5) ** 2)).toBeCloseTo(0.25, 9);
  });

  it('keeps ordering where the anomaly score has saturated at 1', () => {
    const errors = [1e5, 1e6, 1e8];
    expect(errors.map((e) => calibratedScore(cal, e))).toEqual([1, 1, 1]);
    const index = errors.map((e) => healthIndex(cal, e));
    expect(index[0]).toBeGreaterThan(index[1]!);
    expect(index[1]).toBeGreaterThan(index[2]!);
    expect(index[2]).toBeGreaterThan(0);
  });

  it('never rises as the error grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(healthIndex(cal, hi)).toBeLessThanOrEqual(healthIndex(cal, lo));
          expect(healthIndex(cal, hi)).toBeGreaterThan(0);
        },
      ),
    );
  });
});
