/**
 * Prediction interval from held-out residuals (split-conformal style). Residuals y − ŷ of
 * validation units are grouped into bins of the prediction, because errors near the RUL cap are
 * much smaller than mid-life errors; each bin stores the residual quantiles for the stated level.
 */

import { quantileSorted } from '../../maths/order-statistics.js';

export interface IntervalCalibration {
  level: number;
  /** Ascending upper edges of the prediction bins; the last bin is open-ended. */
  binEdges: number[];
  /** Residual (target − prediction) quantiles at (1 − level)/2 and (1 + level)/2 per bin. */
  lower: number[];
  upper: number[];
  /** Median residual per bin: the prediction plus it is the predictive distribution's median,
   * so a biased regressor still gets a point inside its interval. Its presence also says the
   * bins are of the unclipped prediction (models calibrated before it: the clipped one). */
  centre?: number[];
  samples: number[];
}

/** Type 7 quantile of sorted residuals; an empty bin (no validation data at all) gives 0. */
const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? 0 : quantileSorted(sorted, q);

export function calibrateInterval(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  level = 0.8,
  bins = 5,
  minPerBin = 50,
): IntervalCalibration {
  const n = predictions.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (predictions[a] ?? 0) - (predictions[b] ?? 0),
  );
  const nBins = Math.max(1, Math.min(bins, Math.floor(n / minPerBin)));
  const cal: Required<IntervalCalibration> = {
    level,
    binEdges: [],
    lower: [],
    upper: [],
    centre: [],
    samples: [],
  };
  for (let b = 0; b < nBins; b++) {
    const idx = order.slice(Math.floor((b * n) / nBins), Math.floor(((b + 1) * n) / nBins));
    const residuals = idx.map((i) => (targets[i] ?? 0) - (predictions[i] ?? 0)).sort((x, y) => x - y);
    cal.binEdges.push(b === nBins - 1 ? Infinity : (predictions[idx[idx.length - 1] ?? 0] ?? 0));
    cal.lower.push(quantile(residuals, (1 - level) / 2));
    cal.upper.push(quantile(residuals, (1 + level) / 2));
    cal.centre.push(quantile(residuals, 0.5));
    cal.samples.push(idx.length);
  }
  return cal;
}

/** The predictive quantiles of one prediction: its bin's residual quantiles added to it, at
 * RUL ≥ 0 (the support of the target, enforced here rather than by clipping the prediction);
 * median is the prediction plus the bin's median residual (the prediction itself for models
 * calibrated without one), kept within [lower, upper]. */
export function quantilesFor(
  cal: IntervalCalibration,
  prediction: number,
): { lower: number; median: number; upper: number } {
  let b = cal.binEdges.findIndex((edge) => prediction <= edge);
  if (b < 0) b = cal.binEdges.length - 1;
  const lower = Math.max(0, prediction + (cal.lower[b] ?? 0));
  const upper = Math.max(lower, prediction + (cal.upper[b] ?? 0));
  const median = Math.min(upper, Math.max(lower, prediction + (cal.centre?.[b] ?? 0)));
  return { lower, median, upper };
}

/** JSON has no Infinity: the manifest stores the open last edge as null. */
export function intervalToJson(cal: IntervalCalibration): Omit<IntervalCalibration, 'binEdges'> & {
  binEdges: (number | null)[];
} {
  return { ...cal, binEdges: cal.binEdges.map((e) => (Number.isFinite(e) ? e : null)) };
}

export function intervalFromJson(
  json: { binEdges: (number | null)[] } & Omit<IntervalCalibration, 'binEdges'>,
): IntervalCalibration {
  return { ...json, binEdges: json.binEdges.map((e) => (e === null ? Infinity : e)) };
}
