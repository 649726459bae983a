import { describe, expect, it } from 'vitest';
import {
  fitWeibull,
  kaplanMeier,
  kmRemainingLife,
  kmSurvival,
  weibullLogLikelihood,
  weibullRemainingLife,
  weibullRemainingQuantile,
  type LifeRecord,
} from './population-life.js';

const failed = (time: number): LifeRecord => ({ time, failed: true });
const suspended = (time: number): LifeRecord => ({ time, failed: false });

describe('Kaplan–Meier', () => {
  // By hand: 1 F, 2 S, 3 F, 3 F, 4 S, 5 F. At 1: 6 at risk, S = 5/6; the suspension at 2 leaves
  // 4 at risk at 3: S = 5/6 · (1 − 2/4) = 5/12; at 5: 1 at risk, 1 failure: S = 0.
  const table = [failed(1), suspended(2), failed(3), failed(3), suspended(4), failed(5)];

  it('matches a hand-computed product-limit table with suspensions', () => {
    const km = kaplanMeier(table);
    expect(km.times).toEqual([1, 3, 5]);
    expect(km.survival[0]).toBeCloseTo(5 / 6, 12);
    expect(km.survival[1]).toBeCloseTo(5 / 12, 12);
    expect(km.survival[2]).toBe(0);
    expect(kmSurvival(km, 0.5)).toBe(1);
    expect(kmSurvival(km, 2.5)).toBeCloseTo(5 / 6, 12);
  });

  it('gives the conditional remaining life, Infinity where the estimate never gets that low', () => {
    const km = kaplanMeier(table);
    // Given survival to 2 (S = 5/6): the median needs S ≤ 5/12, first at 3; the 90 % needs S ≤ 1/12, at 5.
    expect(kmRemainingLife(km, 2)).toEqual({ median: 1, interval: [1, 3] });
    const open = kaplanMeier([failed(1), suspended(2)]);
    expect(kmRemainingLife(open, 0)).toEqual({ median: 1, interval: [1, Infinity] });
    expect(kmSurvival(open, 3)).toBeNaN();
  });

  it('refuses what cannot be estimated', () => {
    expect(() => kaplanMeier([])).toThrow(/no unit/);
    expect(() => kaplanMeier([suspended(3)])).toThrow(/no failure/);
    expect(() => kaplanMeier([failed(0)])).toThrow(/not > 0/);
  });
});

describe('Weibull maximum likelihood with censoring', () => {
  it('matches the published MLE of the Lieblein–Zelen ball-bearing lives', () => {
    // 23 deep-groove ball bearings, millions of revolutions (Lieblein & Zelen 1956); MLE
    // β̂ = 2.10, η̂ = 81.9 as reported by Lawless (Statistical Models and Methods for Lifetime Data);
    // scipy.stats.weibull_min.fit (loc fixed at 0) gives 2.10206, 81.878.
    const lives = [
      17.88, 28.92, 33.0, 41.52, 42.12, 45.6, 48.48, 51.84, 51.96, 54.12, 55.56, 67.8, 68.64, 68.64, 68.88,
      84.12, 93.12, 98.64, 105.12, 105.84, 127.92, 128.04, 173.4,
    ];
    const w = fitWeibull(lives.map(failed));
    expect(w.shape).toBeCloseTo(2.102, 3);
    expect(w.scale).toBeCloseTo(81.88, 2);
    // Complete sample: given the shape, the scale is the closed form (Σ t^β / n)^(1/β).
    const closed = (lives.reduce((a, t) => a + t ** w.shape, 0) / lives.length) ** (1 / w.shape);
    expect(w.scale).toBeCloseTo(closed, 9);
  });

  it('maximises the censored likelihood (same optimum as a general-purpose optimiser)', () => {
    const data = [
      failed(10),
      failed(20),
      suspended(25),
      failed(30),
      failed(45),
      suspended(50),
      failed(60),
      suspended(70),
    ];
    const w = fitWeibull(data);
    // Nelder–Mead on the censored log-likelihood (scipy.optimize) gives β = 1.6818, η = 55.579.
    expect(w.shape).toBeCloseTo(1.6818, 3);
    expect(w.scale).toBeCloseTo(55.579, 2);
    const ll = weibullLogLikelihood(w, data);
    for (const [db, de] of [
      [0.01, 0],
      [-0.01, 0],
      [0, 0.5],
      [0, -0.5],
    ] as const) {
      expect(weibullLogLikelihood({ shape: w.shape + db, scale: w.scale + de }, data)).toBeLessThan(ll);
    }
  });

  it('conditional remaining life: the median at 0, and memoryless when β = 1', () => {
    const w = { shape: 2, scale: 100 };
    expect(weibullRemainingQuantile(w, 0, 0.5)).toBeCloseTo(100 * Math.sqrt(Math.LN2), 10);
    const e = { shape: 1, scale: 50 };
    expect(weibullRemainingLife(e, 0).median).toBeCloseTo(50 * Math.LN2, 10);
    expect(weibullRemainingLife(e, 400).median).toBeCloseTo(50 * Math.LN2, 8);
    // Wear-out (β > 1): having survived longer leaves less.
    const r = weibullRemainingLife(w, 80);
    expect(r.median).toBeLessThan(weibullRemainingLife(w, 0).median);
    expect(r.interval[0]).toBeLessThan(r.median);
    expect(r.interval[1]).toBeGreaterThan(r.median);
    // S(80 + x)/S(80) = 0.5 at the median.
    const s = (t: number): number => Math.exp(-((t / 100) ** 2));
    expect(s(80 + r.median) / s(80)).toBeCloseTo(0.5, 10);
  });
});
