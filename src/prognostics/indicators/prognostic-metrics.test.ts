import { describe, expect, it } from 'vitest';
import {
  monotonicity,
  prognosability,
  prognosticFitness,
  resampleOnLife,
  trendability,
} from './prognostic-metrics.js';

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('Coble & Hines prognostic metrics', () => {
  it('monotonicity: 1 for a strictly monotone run either way, ~0 for a sine, by hand for a short run', () => {
    expect(monotonicity([range(50, (i) => i * i)])).toBe(1);
    expect(monotonicity([range(50, (i) => -i)])).toBe(1);
    // Whole periods of a sine: as many rises as falls.
    expect(monotonicity([range(401, (i) => Math.sin((2 * Math.PI * i) / 100))])).toBeLessThan(0.01);
    // [1, 2, 2, 1, 3]: diffs +, 0, −, + → |2 − 1| / 4 = 0.25; with [1, 2, 3] (1): mean 0.625.
    expect(monotonicity([[1, 2, 2, 1, 3]])).toBeCloseTo(0.25, 12);
    expect(
      monotonicity([
        [1, 2, 2, 1, 3],
        [1, 2, 3],
      ]),
    ).toBeCloseTo(0.625, 12);
    expect(() => monotonicity([[1]])).toThrow(RangeError);
  });

  it('resamples a run on normalised life', () => {
    expect(resampleOnLife([0, 10], 5)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(resampleOnLife([0, 1, 4], 3)).toEqual([0, 1, 4]);
  });

  it('trendability: 1 for runs of one shape at other lengths and scales, min |corr| over pairs', () => {
    const shape = (n: number, scale: number): number[] =>
      range(n, (i) => scale * Math.exp((3 * i) / (n - 1)));
    expect(trendability([shape(100, 1), shape(40, 5), shape(250, 0.2)])).toBeCloseTo(1, 3);
    // A falling copy correlates −1: |corr| = 1, the direction is monotonicity's business.
    expect(trendability([range(10, (i) => i), range(10, (i) => -i)])).toBeCloseTo(1, 12);
    // Hand-computed: a = [0, 1, 2], b = [0, 2, 1] on the same grid: corr = 0.5 (Σdadb = 1, Σda² = Σdb² = 2).
    expect(
      trendability(
        [
          [0, 1, 2],
          [0, 2, 1],
        ],
        3,
      ),
    ).toBeCloseTo(0.5, 12);
    // A constant run does not trend.
    expect(
      trendability(
        [
          [1, 1, 1],
          [0, 1, 2],
        ],
        3,
      ),
    ).toBe(0);
    expect(trendability([[0, 1, 2]])).toBeNaN();
  });

  it('prognosability: 1 when every run fails at one value, by hand otherwise', () => {
    expect(
      prognosability([
        [0, 5, 10],
        [2, 10],
        [1, 3, 7, 10],
      ]),
    ).toBe(1);
    // Ends 10 and 14: std (ddof 1) = 2√2; mean |end − start| = (10 + 12) / 2 = 11.
    expect(
      prognosability([
        [0, 10],
        [2, 14],
      ]),
    ).toBeCloseTo(Math.exp((-2 * Math.SQRT2) / 11), 12);
    expect(
      prognosability([
        [3, 3],
        [4, 4],
      ]),
    ).toBe(0);
  });

  it('fitness is the equal-weight sum', () => {
    const f = prognosticFitness(
      [
        [0, 10],
        [2, 14],
      ],
      2,
    );
    expect(f).toMatchObject({ monotonicity: 1, trendability: 1 });
    expect(f.fitness).toBeCloseTo(2 + Math.exp((-2 * Math.SQRT2) / 11), 12);
  });
});
