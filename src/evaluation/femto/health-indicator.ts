/**
 * Health indicator of a PRONOSTIA bearing run, one value per 0.1 s vibration snapshot:
 * - `rms`: RMS of horizontal and vertical together, sqrt((rms_h² + rms_v²) / 2), in g;
 * - `peak`: largest |acceleration| of either axis, in g (the challenge's end-of-life criterion is
 *   a vibration above 20 g, so this is the quantity to extrapolate);
 * - `level`: rms divided by the bearing's own early-life baseline (median of its first snapshots),
 *   so bearings at other speeds and loads, with other sensor mountings, share one scale;
 * - smoothing is a running median over past snapshots only (causal: the value at a cut never sees
 *   data after it), which also ignores isolated impacts (Bearing2_7 has single 16 g spikes in
 *   otherwise healthy snapshots).
 */
import { median } from '../../maths/order-statistics.js';
import { timeStats } from '../../signal/stats.js';

export interface SnapshotIndicators {
  /** Seconds since the run's first snapshot. */
  t: number;
  rms: number;
  peak: number;
}

export function snapshotIndicators(
  t: number,
  horizontal: Float32Array | Float64Array,
  vertical: Float32Array | Float64Array,
): SnapshotIndicators {
  const h = timeStats(horizontal);
  const v = timeStats(vertical);
  return { t, rms: Math.sqrt((h.rms ** 2 + v.rms ** 2) / 2), peak: Math.max(h.peak, v.peak) };
}

/** Causal running median over the last `span` values. */
export function runningMedian(values: readonly number[], span: number): number[] {
  return values.map((_, i) => median(values.slice(Math.max(0, i - span + 1), i + 1)));
}

export interface HealthOptions {
  /** Snapshots of the early-life baseline (capped at a third of the available ones). */
  baselineSnapshots: number;
  /** Running-median span, snapshots. */
  smoothing: number;
  /** Onset when the smoothed level exceeds max(minOnsetLevel, 1 + sigmas · robust σ of the baseline)… */
  minOnsetLevel: number;
  sigmas: number;
  /** …for this many consecutive snapshots. */
  persistence: number;
}

export const HEALTH_DEFAULTS: HealthOptions = {
  baselineSnapshots: 30,
  smoothing: 5,
  minOnsetLevel: 1.3,
  sigmas: 6,
  persistence: 3,
};

export interface HealthTrack {
  t: number[];
  /** Smoothed rms relative to the baseline. */
  level: number[];
  /** Smoothed peak, g. */
  peak: number[];
  baselineRms: number;
  onsetThreshold: number;
  /** Index of the first snapshot of the persistent excursion, null if none. */
  onset: number | null;
}

export function healthTrack(
  snapshots: readonly SnapshotIndicators[],
  o: HealthOptions = HEALTH_DEFAULTS,
): HealthTrack {
  const n = Math.max(3, Math.min(o.baselineSnapshots, Math.floor(snapshots.length / 3)));
  const base = snapshots.slice(0, n).map((s) => s.rms);
  const baselineRms = median(base);
  const rawLevel = snapshots.map((s) => s.rms / baselineRms);
  // Robust σ of the baseline level: 1.4826 × median absolute deviation.
  const mad = median(rawLevel.slice(0, n).map((v) => Math.abs(v - 1))) * 1.4826;
  const onsetThreshold = Math.max(o.minOnsetLevel, 1 + o.sigmas * mad);
  const level = runningMedian(rawLevel, o.smoothing);
  const peak = runningMedian(
    snapshots.map((s) => s.peak),
    o.smoothing,
  );
  let onset: number | null = null;
  let run = 0;
  for (let i = n; i < level.length; i++) {
    run = level[i]! > onsetThreshold ? run + 1 : 0;
    if (run >= o.persistence) {
      onset = i - run + 1;
      break;
    }
  }
  return { t: snapshots.map((s) => s.t), level, peak, baselineRms, onsetThreshold, onset };
}
