import { describe, expect, it } from 'vitest';
import { failureProbabilityFromRul, riskScore } from './risk.js';

// Expected probabilities computed independently with Python's statistics.NormalDist
// (z = inv_cdf(0.9) = 1.2815515655, Φ from math.erfc), not with this module.
describe('risk from the RUL distribution', () => {
  it('reads the interval as a normal distribution at its level', () => {
    // RUL 40 d, 80 % interval 20–60 d: σ = 40 / (2 z) = 15.606 d; P(RUL < 14 d) = Φ(−1.666).
    expect(failureProbabilityFromRul(40, 20, 60, 0.8, 14)).toBeCloseTo(0.047855, 5);
    // RUL 0 h, interval 0–48 d (the clipped lower bound of a machine at end of life).
    expect(failureProbabilityFromRul(0, 0, 48 * 24, 0.8, 14 * 24)).toBeCloseTo(0.772641, 5);
  });

  it('ranks a machine whose interval lies past the lead time low, not by a ramp of the lower bound', () => {
    // Motor 11 in the demo: RUL 33 d (33–64 d), zone A, 1 % failure probability within 7 d.
    const p = failureProbabilityFromRul(33, 33, 64, 0.8, 14);
    expect(p).toBeCloseTo(0.058099, 5);
    const r = riskScore({ isoZone: 'A', anomalyScore: 0.05, failureProbability: 0.01, rulBeforeLeadTime: p });
    expect(r.risk).toBeCloseTo(0.058099, 5);
    expect(r.driver).toBe('remaining useful life');
  });

  it('keeps zone D urgent whatever the models say, and the largest part as the driver', () => {
    const r = riskScore({
      isoZone: 'D',
      anomalyScore: 0.1,
      failureProbability: 0.02,
      rulBeforeLeadTime: 0.01,
    });
    expect(r).toEqual({ risk: 0.9, driver: 'ISO zone D' });
    expect(
      riskScore({ isoZone: null, anomalyScore: null, failureProbability: null, rulBeforeLeadTime: null }),
    ).toEqual({
      risk: 0,
      driver: 'no evidence',
    });
  });

  it('never reads a lower risk before the lead time than the failure probability within a shorter horizon', () => {
    for (const [rul, lo, hi] of [
      [10, 2, 30],
      [100, 60, 150],
      [0, 0, 400],
    ] as const) {
      const within7 = failureProbabilityFromRul(rul, lo, hi, 0.8, 7);
      const before14 = failureProbabilityFromRul(rul, lo, hi, 0.8, 14);
      expect(before14).toBeGreaterThanOrEqual(within7);
    }
  });
});
