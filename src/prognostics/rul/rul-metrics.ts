/** Scores of the C-MAPSS literature; d = predicted − true. */

export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += ((predicted[i] ?? 0) - (actual[i] ?? 0)) ** 2;
  return Math.sqrt(s / Math.max(1, predicted.length));
}

/** PHM08 score: late predictions (d ≥ 0) cost more than early ones. */
export function phm08Score(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const d = (predicted[i] ?? 0) - (actual[i] ?? 0);
    s += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return s;
}
