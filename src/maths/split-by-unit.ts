import { createRng, shuffleInPlace } from './random.js';

export interface UnitSplit {
  train: number[];
  validation: number[];
}

/**
 * Splits unit ids (never rows) so no unit has cycles on both sides: windows of one engine are
 * strongly correlated, and a row-wise split would leak them into validation.
 */
export function splitByUnit(units: readonly number[], validationFraction: number, seed: number): UnitSplit {
  const unique = [...new Set(units)].sort((a, b) => a - b);
  if (validationFraction <= 0 || unique.length < 2) return { train: unique, validation: [] };
  const order = shuffleInPlace([...unique], createRng(seed));
  const nVal = Math.min(unique.length - 1, Math.max(1, Math.round(unique.length * validationFraction)));
  const validation = order.slice(0, nVal).sort((a, b) => a - b);
  const train = order.slice(nVal).sort((a, b) => a - b);
  return { train, validation };
}

/** K disjoint folds of unit ids covering every unit once; fold i is validation for member i. */
export function kFoldByUnit(units: readonly number[], k: number, seed: number): number[][] {
  const unique = [...new Set(units)].sort((a, b) => a - b);
  const order = shuffleInPlace([...unique], createRng(seed));
  const folds: number[][] = Array.from({ length: k }, () => []);
  order.forEach((unit, i) => folds[i % k]?.push(unit));
  return folds.map((fold) => fold.sort((a, b) => a - b));
}
