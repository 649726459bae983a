/**
 * The one median and quantile of the code base, so two figures computed from the same values
 * always agree:
 * - `median`: the middle value; of an even count, the mean of the two middle values (as
 *   numpy.median and Python's statistics.median).
 * - `quantile` / `quantileSorted`: linear interpolation between order statistics, Hyndman & Fan
 *   type 7 (numpy.quantile's and R's default): with h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * Empty input gives NaN (callers that need another value say so where they call); p is clamped
 * to [0, 1].
 */

/** Ascending copy; a Float64Array sorts numerically without a comparator, NaN last. */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  // The constructor copies array-likes natively; Float64Array.from would iterate.
  return new Float64Array(values).sort();
}

export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = sortedCopy(values);
  const mid = n >> 1;
  return n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Type 7 quantile of values already sorted ascending (no copy, no check of the order). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Type 7 quantile of values in any order. */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(values), p);
}
