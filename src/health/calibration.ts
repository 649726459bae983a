/**
 * Health score calibration: maps a reconstruction error onto [0, 1] through the distribution
 * of errors on held-out healthy vectors. Knots (linear in log error between them):
 *
 *   error ≤ healthy median → 0      (typical healthy)
 *   healthy 90th percentile → 0.25
 *   healthy 99th percentile → 0.5
 *   healthy 99.9th percentile → 0.75
 *   10 × healthy 99.9th percentile or more → 1   (far beyond anything healthy)
 *
 * So a score above 0.5 is rarer than 1 in 100 healthy vectors, above 0.75 rarer than 1 in
 * 1000. With fewer than ~1000 held-out vectors the 99.9th percentile is close to the largest
 * healthy error seen.
 */

import { quantileSorted } from '../maths/order-statistics.js';

export interface HealthCalibration {
  /** Quantile levels of the healthy error distribution and their values. */
  levels: number[];
  quantiles: number[];
  /** Score at each knot; the last knot is `farFactor` × the last quantile. */
  scores: number[];
  farFactor: number;
  /** Number of healthy errors the quantiles were taken from. */
  n: number;
}

const CALIBRATION_LEVELS = [0.5, 0.9, 0.99, 0.999];
const KNOT_SCORES = [0, 0.25, 0.5, 0.75, 1];
const FAR_FACTOR = 10;

export function fitCalibration(healthyErrors: ArrayLike<number>): HealthCalibration {
  const sorted = Float64Array.from(healthyErrors).sort();
  if (sorted.length === 0) throw new RangeError('calibration needs at least one healthy error');
  const quantiles: number[] = [];
  for (const level of CALIBRATION_LEVELS) {
    const q = Math.max(quantileSorted(sorted, level), 1e-12);
    // Strictly increasing knots keep the log interpolation defined when errors tie.
    const prev = quantiles[quantiles.length - 1];
    quantiles.push(prev !== undefined && q <= prev ? prev * (1 + 1e-6) : q);
  }
  return {
    levels: [...CALIBRATION_LEVELS],
    quantiles,
    scores: [...KNOT_SCORES],
    farFactor: FAR_FACTOR,
    n: sorted.length,
  };
}

export function calibratedScore(cal: HealthCalibration, error: number): number {
  if (Number.isNaN(error)) return NaN;
  const knots = [...cal.quantiles, (cal.quantiles[cal.quantiles.length - 1] ?? 1) * cal.farFactor];
  if (error <= (knots[0] ?? 0)) return cal.scores[0] ?? 0;
  for (let k = 1; k < knots.length; k++) {
    const hi = knots[k] ?? Infinity;
    if (error <= hi) {
      const lo = knots[k - 1] ?? 0;
      const t = Math.log(error / lo) / Math.log(hi / lo);
      const s0 = cal.scores[k - 1] ?? 0;
      const s1 = cal.scores[k] ?? 1;
      return s0 + t * (s1 - s0);
    }
  }
  return cal.scores[cal.scores.length - 1] ?? 1;
}

/**
 * Health index in (0, 1]: 1 up to the healthy median error, then exp(−d / scale) with d the
 * log of the error over that median and the scale set by the healthy spread so that the index
 * is 0.5 at the "far beyond healthy" knot (farFactor × the 99.9th percentile). Unlike
 * 1 − score, which is 0 for everything past that knot, it never saturates: a machine ten times
 * further gone reads lower, so the index keeps ordering how bad.
 */
export function healthIndex(cal: HealthCalibration, error: number): number {
  if (Number.isNaN(error)) return NaN;
  const median = cal.quantiles[0] ?? 1e-12;
  const far = (cal.quantiles[cal.quantiles.length - 1] ?? median) * cal.farFactor;
  if (error <= median) return 1;
  const scale = Math.log(far / median) / Math.LN2;
  return Math.exp(-Math.log(error / median) / scale);
}
