import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RulDistribution } from './rul-distribution.js';

// Reference values from Python's statistics.NormalDist (z = inv_cdf(0.9)), computing the split
// log-normal of log(RUL + s) by hand, not with this module.
describe('RUL predictive distribution (split log-normal of RUL + resolution)', () => {
  it('matches an independent computation', () => {
    const d = new RulDistribution({ median: 40, lower: 20, upper: 60, level: 0.8, resolution: 1 });
    expect(d.cdf(14)).toBeCloseTo(0.0270486, 6);
    expect(d.cdf(50)).toBeCloseTo(0.7592858, 6);
    expect(d.quantile(0.25)).toBeCloseTo(27.830864, 5);
    // Median 3 d, interval 0–48 d, 8 h steps: the lower bound at 0 keeps a finite spread.
    const worn = new RulDistribution({ median: 72, lower: 0, upper: 48 * 24, level: 0.8, resolution: 8 });
    expect(worn.failureWithin(7 * 24)).toBeCloseTo(0.647232, 5);
    expect(worn.cdf(0)).toBeCloseTo(0.1, 9);
  });

  it('puts the median at the point and the interval bounds at its quantiles', () => {
    const d = new RulDistribution({ median: 300, lower: 120, upper: 900, level: 0.8, resolution: 8 });
    expect(d.quantile(0.5)).toBeCloseTo(300, 9);
    expect(d.quantile(0.1)).toBeCloseTo(120, 9);
    expect(d.quantile(0.9)).toBeCloseTo(900, 9);
    expect(d.cdf(300)).toBeCloseTo(0.5, 12);
  });

  const quantiles = fc
    .record({
      // Whole hours: bounds and horizons a forecast can tell apart.
      a: fc.integer({ min: 0, max: 5000 }),
      b: fc.integer({ min: 0, max: 5000 }),
      c: fc.integer({ min: 0, max: 5000 }),
      level: fc.double({ min: 0.5, max: 0.98, noNaN: true }),
      resolution: fc.double({ min: 0.1, max: 24, noNaN: true }),
    })
    .map(({ a, b, c, level, resolution }) => {
      // Any three bounds, in any order: the constructor puts them in order.
      return new RulDistribution({ median: a, lower: b, upper: c, level, resolution });
    });

  it('keeps lower ≤ median ≤ upper whatever bounds it is given', () => {
    fc.assert(
      fc.property(quantiles, (d) => {
        expect(d.lower).toBeLessThanOrEqual(d.median);
        expect(d.median).toBeLessThanOrEqual(d.upper);
        expect(d.lower).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('reads a failure probability that grows with the horizon and is the cdf there', () => {
    fc.assert(
      fc.property(
        quantiles,
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 0, max: 6000 }),
        (d, h1, h2) => {
          const [short, long] = h1 <= h2 ? [h1, h2] : [h2, h1];
          expect(d.failureWithin(short)).toBeLessThanOrEqual(d.failureWithin(long));
          expect(d.failureWithin(long)).toBe(d.cdf(long));
          expect(d.failureWithin(long)).toBeGreaterThanOrEqual(0);
          expect(d.failureWithin(long)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('says more than 50 % within a horizon exactly when the median is below it', () => {
    fc.assert(
      fc.property(quantiles, fc.integer({ min: 0, max: 6000 }), (d, horizon) => {
        const p = d.failureWithin(horizon);
        if (d.median > horizon) expect(p).toBeLessThanOrEqual(0.5);
        if (d.median < horizon) expect(p).toBeGreaterThan(0.5);
      }),
    );
  });

  it('reads at most (1 − level)/2 before a lead time the whole interval lies past', () => {
    fc.assert(
      fc.property(quantiles, fc.integer({ min: 0, max: 5000 }), (d, lead) => {
        fc.pre(lead < d.lower);
        expect(d.failureWithin(lead)).toBeLessThanOrEqual((1 - d.level) / 2 + 1e-12);
      }),
    );
  });

  it('inverts its cdf', () => {
    fc.assert(
      fc.property(quantiles, fc.double({ min: 0.01, max: 0.99, noNaN: true }), (d, p) => {
        const x = d.quantile(p);
        if (x > 0) expect(d.cdf(x)).toBeCloseTo(p, 6);
        else expect(d.cdf(0)).toBeGreaterThanOrEqual(p - 1e-12);
      }),
    );
  });
});
