import { describe, expect, it } from 'vitest';
import { createRng } from '../maths/random.js';
import {
  buildFeatureReference,
  featureDrift,
  KS_SAMPLE_SIZE,
  ksPValue,
  ksStatistic,
  nextDown,
  psi,
  twoProportionPValue,
  worstLevel,
} from './drift-stats.js';

const T = { psiWarn: 0.1, psiDrift: 0.25, ksAlpha: 0.01 };

function normal(n: number, seed: number, mean = 0, sd = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(rng(), 1e-12);
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  });
}

const allFinite = (d: object) => Object.values(d).every((v) => typeof v !== 'number' || Number.isFinite(v));

describe('drift statistics', () => {
  const ref = buildFeatureReference('x', 0, normal(2000, 1));

  it('stores decile edges, shares summing to 1, and a bounded sorted sample', () => {
    expect(ref.edges).toHaveLength(9);
    expect(ref.shares).toHaveLength(10);
    expect(ref.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const s of ref.shares) expect(s).toBeCloseTo(0.1, 2);
    expect(ref.sample).toHaveLength(KS_SAMPLE_SIZE);
    expect([...ref.sample].sort((a, b) => a - b)).toEqual(ref.sample);
    expect(ref.edges[4]).toBeCloseTo(0, 1);
  });

  it('N(0,1) against N(0,1): PSI < 0.1, KS p large, ok', () => {
    const d = featureDrift(ref, normal(500, 2), T);
    expect(d.psi!).toBeLessThan(0.1);
    expect(d.ksPValue!).toBeGreaterThan(0.05);
    expect(d.status).toBe('ok');
  });

  it('N(0.75,1) and N(0,2) against N(0,1): PSI > 0.25, KS p tiny, drift', () => {
    // N(0.5,1) sits on the line: its symmetric KL divergence is 0.25 and binning takes a little
    // off, so it is at least a warning, and a drift when the sample says so.
    const half = featureDrift(ref, normal(500, 3, 0.5), T);
    expect(half.psi!).toBeGreaterThan(0.2);
    expect(half.ksPValue!).toBeLessThan(1e-6);
    expect(['warn', 'drift']).toContain(half.status);
    const shifted = featureDrift(ref, normal(500, 3, 0.75), T);
    expect(shifted.psi!).toBeGreaterThan(0.25);
    expect(shifted.ksPValue!).toBeLessThan(1e-6);
    expect(shifted.status).toBe('drift');
    const scaled = featureDrift(ref, normal(500, 4, 0, 2), T);
    expect(scaled.psi!).toBeGreaterThan(0.25);
    expect(scaled.ksPValue!).toBeLessThan(1e-4);
    expect(scaled.status).toBe('drift');
    // A smaller shift sits between the thresholds.
    const mild = featureDrift(ref, normal(2000, 5, 0.25), T);
    expect(mild.psi!).toBeGreaterThan(0.03);
    expect(mild.psi!).toBeLessThan(shifted.psi!);
  });

  it('KS statistic and p-value match known values', () => {
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(ksStatistic([1, 2, 2, 3], [2, 2, 4, 5])).toBeCloseTo(0.5, 12);
    // Kolmogorov's limit: P(K > 1.36) ≈ 0.049, P(K > 1.63) ≈ 0.0098.
    const big = 1e7;
    expect(ksPValue(1.36 / Math.sqrt(big / 2), big, big)).toBeCloseTo(0.049, 2);
    expect(ksPValue(1.63 / Math.sqrt(big / 2), big, big)).toBeCloseTo(0.0098, 3);
    // Both series forms agree where they meet.
    const at = (lambda: number) => ksPValue(lambda / Math.sqrt(big / 2), big, big);
    expect(Math.abs(at(1.1799) - at(1.1801))).toBeLessThan(1e-3);
    expect(ksPValue(0, 10, 10)).toBe(1);
    expect(ksPValue(0.5, 0, 10)).toBe(1);
  });

  it('a constant training feature: same constant is ok, any move either way drifts', () => {
    const c = buildFeatureReference('c', 0, new Array(300).fill(2.5));
    expect(c.edges).toEqual([nextDown(2.5), 2.5]);
    const same = featureDrift(c, new Array(100).fill(2.5), T);
    expect(same).toMatchObject({ psi: 0, ks: 0, ksPValue: 1, status: 'ok' });
    for (const v of [2.6, 2.4]) {
      const moved = featureDrift(c, new Array(100).fill(v), T);
      expect(moved.status, String(v)).toBe('drift');
      expect(moved.psi!).toBeGreaterThan(5);
      expect(moved.ks).toBe(1);
      expect(allFinite(moved)).toBe(true);
    }
    expect(nextDown(0)).toBeLessThan(0);
    expect(nextDown(-1)).toBeLessThan(-1);
  });

  it('missing values get a bin of their own; an all-NaN window drifts without NaN outputs', () => {
    const withGaps = [...normal(900, 6), ...new Array(100).fill(NaN)];
    const r = buildFeatureReference('g', 3, withGaps);
    expect(r.missingShare).toBeCloseTo(0.1, 12);
    expect(r.n).toBe(1000);
    const sameGaps = featureDrift(r, [...normal(450, 7), ...new Array(50).fill(NaN)], T);
    expect(sameGaps.psi!).toBeLessThan(0.1);
    const allNaN = featureDrift(r, new Array(200).fill(NaN), T);
    expect(allNaN.status).toBe('drift');
    expect(allNaN).toMatchObject({ ks: null, ksPValue: null, recentFinite: 0, recentMissingShare: 1 });
    expect(allNaN.note).toMatch(/KS not computable/);
    expect(allFinite(allNaN)).toBe(true);
    // Training never missing, field missing half the time.
    const half = featureDrift(ref, [...normal(100, 8), ...new Array(100).fill(Infinity)], T);
    expect(half.status).toBe('drift');
    expect(half.ksPValue!).toBeGreaterThan(0.01);
    expect(half.missingPValue!).toBeLessThan(1e-6);
    expect(sameGaps.missingPValue!).toBeGreaterThan(0.05);
    expect(twoProportionPValue(0.5, 100, 0.5, 100)).toBeCloseTo(1, 6);
    expect(twoProportionPValue(0, 100, 0, 100)).toBeNull();
    // z = 1.96 → p ≈ 0.05
    const n = 1e6;
    const p2 = 0.5 + 1.96 * Math.sqrt(0.25 * (2 / n));
    expect(twoProportionPValue(0.5, n, p2, n)!).toBeCloseTo(0.05, 2);
  });

  it('tiny and empty samples: finite outputs, and no drift claimed on a handful of values', () => {
    const tiny = featureDrift(ref, [0.3, -0.2, 0.9], T);
    expect(allFinite(tiny)).toBe(true);
    expect(tiny.ksPValue!).toBeGreaterThan(0.1);
    // Three values leave most bins empty, so PSI is large; KS cannot tell, so no level is claimed.
    expect(tiny.psi!).toBeGreaterThan(0.25);
    expect(tiny.status).toBe('ok');
    const empty = featureDrift(ref, [], T);
    expect(empty).toMatchObject({ psi: null, ks: null, status: 'ok', note: 'no recent values' });
    const noTraining = buildFeatureReference('n', 0, []);
    expect(noTraining).toMatchObject({ n: 0, edges: [], shares: [], sample: [] });
    expect(psi(noTraining, [1, 2])).toBeNull();
    const onlyNaNTraining = buildFeatureReference('m', 0, [NaN, NaN]);
    const d = featureDrift(onlyNaNTraining, [1, 2, 3], T);
    expect(d.note).toMatch(/no finite training value/);
    expect(allFinite(d)).toBe(true);
    const one = buildFeatureReference('one', 0, [4]);
    expect(featureDrift(one, [4, 4], T).psi).toBe(0);
  });

  it('the worst level wins', () => {
    expect(worstLevel([])).toBe('ok');
    expect(worstLevel(['ok', 'warn', 'ok'])).toBe('warn');
    expect(worstLevel(['warn', 'drift', 'ok'])).toBe('drift');
  });
});
