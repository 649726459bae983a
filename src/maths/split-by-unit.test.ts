import { describe, expect, it } from 'vitest';
import { kFoldByUnit, splitByUnit } from './split-by-unit.js';

describe('splitByUnit', () => {
  // Rows of 40 units, as a row-level unit column (each unit repeated).
  const rowUnits = Array.from({ length: 40 }, (_, u) =>
    Array.from({ length: 5 + (u % 7) }, () => u + 1),
  ).flat();

  it('never puts one unit on both sides and covers every unit', () => {
    const { train, validation } = splitByUnit(rowUnits, 0.2, 7);
    expect(validation).toHaveLength(8);
    expect(train).toHaveLength(32);
    expect(train.filter((u) => validation.includes(u))).toEqual([]);
    expect([...train, ...validation].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(splitByUnit(rowUnits, 0.2, 7)).toEqual(splitByUnit(rowUnits, 0.2, 7));
    expect(splitByUnit(rowUnits, 0.2, 7).validation).not.toEqual(splitByUnit(rowUnits, 0.2, 8).validation);
  });

  it('keeps at least one training unit', () => {
    expect(splitByUnit([1, 1, 2], 0.9, 1).train).toHaveLength(1);
    expect(splitByUnit([1, 1], 0.5, 1)).toEqual({ train: [1], validation: [] });
  });
});

describe('kFoldByUnit', () => {
  it('makes disjoint folds covering every unit once', () => {
    const folds = kFoldByUnit([3, 1, 2, 5, 4, 6, 7, 8, 9, 10, 11], 3, 1);
    expect(folds).toHaveLength(3);
    const all = folds.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(folds.map((f) => f.length).sort()).toEqual([3, 4, 4]);
  });
});
