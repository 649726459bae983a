import { describe, expect, it } from 'vitest';
import { median, quantile, quantileSorted } from './order-statistics.js';

describe('median', () => {
  it('takes the middle value, and of an even count the mean of the two middle ones (numpy.median)', () => {
    // numpy.median: [5, 3, 1] → 3.0; [7, 1, 3, 10, 4, 4, 9, 2] → 4.0; [3, 1, 4, 2] → 2.5.
    expect(median([5, 3, 1])).toBe(3);
    expect(median([7, 1, 3, 10, 4, 4, 9, 2])).toBe(4);
    expect(median([3, 1, 4, 2])).toBe(2.5);
    expect(median(new Float64Array([2.5]))).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('leaves its input in place', () => {
    const v = [3, 1, 2];
    median(v);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('quantile (type 7)', () => {
  // numpy.quantile([7, 1, 3, 10, 4, 4, 9, 2], q), numpy 2.4 default method ('linear').
  const v = [7, 1, 3, 10, 4, 4, 9, 2];
  const reference: Array<[number, number]> = [
    [0, 1],
    [0.1, 1.7],
    [0.25, 2.75],
    [0.5, 4],
    [0.9, 9.3],
    [0.999, 9.993],
    [1, 10],
  ];

  it('interpolates linearly between order statistics like numpy.quantile', () => {
    for (const [q, want] of reference) expect(quantile(v, q), `q=${q}`).toBeCloseTo(want, 12);
  });

  it('agrees with the median at 0.5, clamps p, and gives NaN for no data', () => {
    const sorted = Float64Array.from(v).sort();
    expect(quantileSorted(sorted, 0.5)).toBe(median(v));
    expect(quantileSorted(sorted, -1)).toBe(1);
    expect(quantileSorted(sorted, 2)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
