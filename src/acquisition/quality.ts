/**
 * Data-quality checks on a sensor's time series. Pure: arrays in, flags and a summary out.
 *
 * When flags are computed (see quality.service.ts):
 * - on ingestion, per value: OUT_OF_RANGE, and SATURATED for a value sitting exactly on a limit
 *   of the sensor's physical range ({@link rangeFlags}); per capture: {@link captureFlags};
 * - on `POST /v1/sensors/:id/quality/recompute` (or `QualityService.recompute`), over a window
 *   with context rows either side: the window-based STUCK, SATURATED (repeated outlying value),
 *   SPIKE and GAP_BEFORE, plus the range checks again (the range may have been edited).
 * Feature extraction reads `quality_flags = 0` (or `(quality_flags & UNUSABLE_FLAGS) = 0`).
 */

import { median } from '../maths/order-statistics.js';

export const QUALITY_FLAGS = {
  /** Outside the sensor's physical range [range_min, range_max]. */
  OUT_OF_RANGE: 1,
  /** Part of a run of at least `stuckMinRun` identical values. */
  STUCK: 2,
  /** On a range limit, or a repeated outlying value (a pinned transducer, e.g. 1254.005 °C). */
  SATURATED: 4,
  /** Robust (Hampel / MAD) outlier against its neighbours. */
  SPIKE: 8,
  /** The interval before this sample is a gap; the value itself is fine. */
  GAP_BEFORE: 16,
} as const;
export type QualityFlagName = keyof typeof QUALITY_FLAGS;

/** Flags that make a value unfit for features and models. GAP_BEFORE only marks a discontinuity. */
export const UNUSABLE_FLAGS =
  QUALITY_FLAGS.OUT_OF_RANGE | QUALITY_FLAGS.STUCK | QUALITY_FLAGS.SATURATED | QUALITY_FLAGS.SPIKE;

export const FLAG_NAMES = Object.keys(QUALITY_FLAGS) as QualityFlagName[];

export function flagNames(flags: number): QualityFlagName[] {
  return FLAG_NAMES.filter((n) => (flags & QUALITY_FLAGS[n]) !== 0);
}

export interface SensorLimits {
  rangeMin: number | null;
  rangeMax: number | null;
  sampleRateHz: number | null;
}

export interface QualityOptions {
  /** An interval longer than this many expected intervals is a gap. */
  gapFactor: number;
  /** Identical consecutive values needed to call a run stuck. */
  stuckMinRun: number;
  /** Occurrences of one outlying value needed to call it saturation. */
  saturationMinRepeats: number;
  /** Half-width (samples each side) of the Hampel spike window. */
  spikeHalfWindow: number;
  /** Modified z-score (Iglewicz-Hoaglin) above which a value is an outlier. */
  spikeThreshold: number;
  /** Coefficient of variation of the non-gap intervals above which sampling is irregular. */
  irregularCv: number;
}

export const DEFAULT_QUALITY_OPTIONS: QualityOptions = {
  gapFactor: 1.5,
  stuckMinRun: 10,
  saturationMinRepeats: 5,
  spikeHalfWindow: 7,
  spikeThreshold: 3.5,
  irregularCv: 0.2,
};

/** Context rows a window analysis needs either side so edge results match a full-series run. */
export function contextRows(opts: QualityOptions): number {
  return Math.max(opts.spikeHalfWindow, opts.stuckMinRun) + 1;
}

const MAD_TO_SIGMA = 1.4826;

function atLimit(value: number, limit: number): boolean {
  return Math.abs(value - limit) <= 1e-9 * Math.max(1, Math.abs(limit));
}

/** Range checks for one value: computable on ingestion. */
export function rangeFlags(value: number, limits: Pick<SensorLimits, 'rangeMin' | 'rangeMax'>): number {
  const { rangeMin: lo, rangeMax: hi } = limits;
  if ((lo !== null && atLimit(value, lo)) || (hi !== null && atLimit(value, hi)))
    return QUALITY_FLAGS.SATURATED;
  if ((lo !== null && value < lo) || (hi !== null && value > hi)) return QUALITY_FLAGS.OUT_OF_RANGE;
  return 0;
}

/**
 * Flags for a whole vibration waveform: OUT_OF_RANGE if any sample leaves the physical range,
 * SATURATED for clipping (three or more consecutive samples pinned at the capture's extreme, or
 * any sample on a range limit), STUCK for a flat capture. Impulses are not spikes here: they are
 * what a bearing defect looks like.
 */
export function captureFlags(
  samples: ArrayLike<number>,
  limits: Pick<SensorLimits, 'rangeMin' | 'rangeMax'>,
): number {
  const n = samples.length;
  if (n === 0) return 0;
  let flags = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = samples[i] as number;
    flags |= rangeFlags(v, limits);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return flags | (n > 1 ? QUALITY_FLAGS.STUCK : 0);
  let run = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i] as number;
    run = (v === max || v === min) && i > 0 && v === samples[i - 1] ? run + 1 : 1;
    if (run >= 3) return flags | QUALITY_FLAGS.SATURATED;
  }
  return flags;
}

/** Robust spread (σ estimate): 1.4826·MAD, falling back to 1.2533·mean |x - median| when MAD is 0. */
export function robustScale(values: ArrayLike<number>, center = median(values)): number {
  const n = values.length;
  const dev = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    dev[i] = Math.abs((values[i] as number) - center);
    sum += dev[i] as number;
  }
  const mad = median(dev);
  if (mad > 0) return MAD_TO_SIGMA * mad;
  return n > 0 ? (1.2533 * sum) / n : 0;
}

export function coefficientOfVariation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return mean === 0 ? 0 : Math.sqrt(ss / (n - 1)) / mean;
}
