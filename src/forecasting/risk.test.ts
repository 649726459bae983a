import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RulDistribution } from '../prognostics/rul/rul-distribution.js';
import { riskScore } from './risk.js';

const LEAD = 14 * 24;
const HORIZON = 7 * 24;
const base = { failureHorizonHours: HORIZON, leadTimeHours: LEAD };

describe('risk: the probability of failing before the planning lead time', () => {
  it('is the RUL distribution at the lead time, whatever the ISO zone and anomaly say', () => {
    // Median 40 d, 80 % interval 30–60 d: the whole interval lies past the 14 d lead time.
    const d = new RulDistribution({ median: 960, lower: 720, upper: 1440, level: 0.8, resolution: 8 });
    const r = riskScore({
      ...base,
      isoZone: 'D',
      anomalyScore: 1,
      failureProbability: null,
      rulBeforeLeadTime: d.failureWithin(LEAD),
    });
    expect(r.driver).toBe('remaining useful life');
    expect(r.risk).toBeLessThan(0.1);
  });

  it('takes a classifier only as a probability of failure before the lead time', () => {
    const within7d = riskScore({
      ...base,
      isoZone: null,
      anomalyScore: null,
      failureProbability: 0.3,
      rulBeforeLeadTime: 0.2,
    });
    // P(fail within 7 d) ≤ P(fail within 14 d): the classifier's figure bounds the risk below.
    expect(within7d).toEqual({ risk: 0.3, driver: 'failure probability' });
    const within30d = riskScore({
      ...base,
      failureHorizonHours: 30 * 24,
      isoZone: null,
      anomalyScore: null,
      failureProbability: 0.6,
      rulBeforeLeadTime: 0.2,
    });
    // Within 30 d says nothing about before 14 d beyond what the RUL says.
    expect(within30d).toEqual({ risk: 0.2, driver: 'remaining useful life' });
  });

  it('falls back to the heuristics, named as such, only without a failure model', () => {
    const r = riskScore({
      ...base,
      isoZone: 'D',
      anomalyScore: 0.1,
      failureProbability: null,
      rulBeforeLeadTime: null,
    });
    expect(r).toEqual({ risk: 0.9, driver: 'ISO zone D (no failure model)' });
    expect(
      riskScore({
        ...base,
        isoZone: null,
        anomalyScore: null,
        failureProbability: null,
        rulBeforeLeadTime: null,
      }),
    ).toEqual({ risk: 0, driver: 'no evidence' });
  });

  it('tells one story with the distribution: risk ≥ P(within 7 d), healthy machines low', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (a, b, c) => {
          const [lower, median, upper] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
          const d = new RulDistribution({ median, lower, upper, level: 0.8, resolution: 8 });
          const within7d = d.failureWithin(HORIZON);
          const r = riskScore({
            ...base,
            isoZone: 'A',
            anomalyScore: 0,
            failureProbability: within7d,
            rulBeforeLeadTime: d.failureWithin(LEAD),
          });
          expect(r.risk).toBeGreaterThanOrEqual(within7d);
          if (lower > LEAD) expect(r.risk).toBeLessThan(0.1);
          if (median > HORIZON) expect(within7d).toBeLessThanOrEqual(0.5);
          if (median < HORIZON) expect(within7d).toBeGreaterThan(0.5);
        },
      ),
    );
  });
});
