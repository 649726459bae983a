import { describe, expect, it } from 'vitest';
import { rocAuc } from './binary-metrics.js';
import { averageRanks, spearman } from './ranks.js';

describe('averageRanks', () => {
  it('gives ties their average rank (scipy.stats.rankdata, method "average")', () => {
    // rankdata([10, 20, 20, 30, 20, 5]) = [2, 4, 4, 6, 4, 1]
    expect(Array.from(averageRanks([10, 20, 20, 30, 20, 5]))).toEqual([2, 4, 4, 6, 4, 1]);
    expect(Array.from(averageRanks([]))).toEqual([]);
  });
});

describe('rocAuc is the Mann–Whitney U over n₊·n₋', () => {
  it('matches U counted by hand over every (positive, negative) pair, ties one half', () => {
    // scipy.stats.mannwhitneyu([0.35, 0.8], [0.1, 0.4]).statistic = 3 → AUC 3 / (2·2).
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    const scores = [0.2, 0.5, 0.5, 0.9, 0.1, 0.5, 0.7];
    const labels = [0, 1, 0, 1, 0, 1, 0];
    let u = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++)
      for (let j = 0; j < scores.length; j++)
        if (labels[i] === 1 && labels[j] === 0) {
          pairs++;
          u += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
    expect(rocAuc(scores, labels)).toBeCloseTo(u / pairs, 14);
  });
});

describe('spearman', () => {
  it('is 1 for a monotone relation and −1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 14);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 14);
  });
});
