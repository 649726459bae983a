import { describe, expect, it } from 'vitest';
import { averagePrecision, bestF1Threshold, brierScore, rocAuc, scoresAt } from './binary-metrics.js';
import { applyPlatt, fitPlatt } from '../prognostics/failure/platt.js';
import { stratifiedSplit } from './stratified-split.js';
import { createRng } from './random.js';

describe('classification metrics', () => {
  it('computes ROC AUC with ties as one half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5, 0.5], [0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it('computes average precision like scikit-learn', () => {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
    expect(averagePrecision([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
  });

  it('scores thresholds, picks the F1-optimal one, and computes the Brier score', () => {
    const p = [0.1, 0.4, 0.35, 0.8];
    const y = [0, 0, 1, 1];
    expect(scoresAt(p, y, 0.5)).toMatchObject({ tp: 1, fp: 0, fn: 1, tn: 2, precision: 1, recall: 0.5 });
    expect(bestF1Threshold(p, y).f1).toBeCloseTo(0.8, 12);
    expect(brierScore([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 12);
  });
});

describe('Platt scaling', () => {
  it('recovers the slope and offset of a logistic model', () => {
    const rng = createRng(4);
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const logit = rng() * 8 - 4;
      z.push(logit);
      y.push(rng() < 1 / (1 + Math.exp(-(0.5 * logit - 1))) ? 1 : 0);
    }
    const p = fitPlatt(z, y);
    expect(p.a).toBeCloseTo(0.5, 1);
    expect(p.b).toBeCloseTo(-1, 1);
    expect(applyPlatt(p, 2)).toBeGreaterThan(applyPlatt(p, 1));
  });
});

describe('stratifiedSplit', () => {
  it('keeps the class shares on both sides and covers every row once', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 25 === 0 ? 1 : 0));
    const { train, test } = stratifiedSplit(labels, 0.2, 9);
    expect(test).toHaveLength(200);
    expect(test.filter((i) => labels[i] === 1)).toHaveLength(8);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(stratifiedSplit(labels, 0.2, 9)).toEqual({ train, test });
  });
});
