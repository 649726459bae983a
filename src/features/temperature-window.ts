import { temperatureFeatures } from '../signal/temperature.js';

/**
 * Temperature features joined to vibration windows: for each window end, the readings in
 * (end − lookback, end] — what the machine's temperature did in the hour leading up to the
 * vibration snapshot, never after it (a model must not see the future). Pure: sorted readings in,
 * values out.
 */
export interface TemperatureSeries {
  /** Epoch milliseconds, ascending. */
  ts: Float64Array;
  values: Float64Array;
}

/** Writes mean, max, slope/h and rise over baseline (NaN without readings) at `out[at..at+4]`. */
export function temperatureWindowInto(
  series: TemperatureSeries,
  windowEndMs: number,
  lookbackMs: number,
  baseline: number | undefined,
  out: Float64Array,
  at: number,
): void {
  const lo = upperBound(series.ts, windowEndMs - lookbackMs);
  const hi = upperBound(series.ts, windowEndMs);
  const f = temperatureFeatures(series.ts.subarray(lo, hi), series.values.subarray(lo, hi), baseline);
  out[at] = f.mean;
  out[at + 1] = f.max;
  out[at + 2] = f.slopePerHour;
  out[at + 3] = f.riseOverBaseline;
}

/** First index whose value is > x (sorted ascending). */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
