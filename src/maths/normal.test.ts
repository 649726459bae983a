import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from './normal.js';

/** |a − b| relative to |b| (absolute near 0). */
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('erfc (Cody 1969)', () => {
  // Reference values: scipy.special.erfc (SciPy 1.17), which agrees with Python's math.erfc
  // (the C library's) to the last digit printed here.
  const reference: Array<[number, number]> = [
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.3, 0.6713732405408726],
    [0.46875, 0.507386526782062], // the edge of Cody's first interval
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [2, 0.004677734981047266],
    [3.5, 7.430983723414129e-7],
    [4, 1.541725790028002e-8], // the edge of the second interval
    [4.5, 1.9661604415428878e-10],
    [6, 2.1519736712498913e-17],
    [10, 2.0884875837625446e-45],
    [-0.5, 1.5204998778130465],
    [-2, 1.9953222650189528],
  ];

  it('matches reference values to 1e-14 relative, in the tails too', () => {
    for (const [x, want] of reference) expect(relErr(erfc(x), want), `erfc(${x})`).toBeLessThan(1e-14);
  });

  it('underflows to 0 far out, reaches 2 on the left, and passes NaN through', () => {
    expect(erfc(27)).toBe(0);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('normalCdf', () => {
  // scipy.stats.norm.cdf; Φ(1.96) and Φ(−3) are also the printed table values.
  const reference: Array<[number, number]> = [
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [-3, 0.0013498980316300933],
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1.5, 0.06680720126885807],
    [2.5, 0.9937903346742238],
    [-6, 9.865876450376946e-10],
    [-8.5, 9.47953482220325e-18],
    [-20, 2.7536241186061556e-89],
  ];

  it('matches reference values to 1e-13 relative, where 1 − Φ(−x) would lose the lower tail', () => {
    for (const [x, want] of reference) expect(relErr(normalCdf(x), want), `Φ(${x})`).toBeLessThan(1e-13);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    for (const x of [0.01, 0.7, 1.3, 2.9, 5]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });
});

describe('normalQuantile', () => {
  it('inverts Φ (scipy.stats.norm.ppf values)', () => {
    const reference: Array<[number, number]> = [
      [0.5, 0],
      [0.8, 0.8416212335729143],
      [0.9, 1.2815515655446004],
      [0.975, 1.959963984540054],
      [0.99, 2.3263478740408408],
    ];
    for (const [p, want] of reference) expect(normalQuantile(p)).toBeCloseTo(want, 12);
  });
});
