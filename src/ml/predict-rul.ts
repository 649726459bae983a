/** Inference with a trained (or loaded) RUL ensemble: the manifest's transform, then the model. */
import type * as tf from '@tensorflow/tfjs';
import { toUnitSeries, type RunRow } from './features.js';
import { intervalFor, intervalFromJson } from './interval.js';
import type { RulManifest } from './rul-manifest.js';
import { predictRefs } from './train-member.js';
import { lastWindows } from './windows.js';

export interface RulPrediction {
  unit: number;
  /** The cycle the prediction is made at (the unit's last row). */
  cycle: number;
  /** Ensemble-mean RUL in cycles, within [0, cap]. */
  rul: number;
  /** Interval at manifest.interval.level (e.g. 0.8). */
  lower: number;
  upper: number;
  /** Each member's RUL: their spread is a cheap second opinion on uncertainty. */
  members: number[];
}

export function predictRul(
  model: tf.LayersModel,
  manifest: RulManifest,
  rows: readonly RunRow[],
): RulPrediction[] {
  const series = toUnitSeries(
    rows,
    {
      regimes: manifest.regimes,
      normaliser: { sensorIndices: manifest.sensorIndices, ...manifest.normalisation },
    },
    {
      smoothing: manifest.smoothing,
      baselineCycles: manifest.baselineCycles,
      cycleScale: manifest.cycleScale,
    },
  );
  const refs = lastWindows(series);
  const cols = predictRefs(model, series, refs, manifest.window, manifest.cap);
  const cal = intervalFromJson(manifest.interval);
  return series.map((s, i) => {
    const members = cols.map((c) => Math.min(manifest.cap, Math.max(0, c[i] ?? 0)));
    const rul = members.reduce((a, b) => a + b, 0) / Math.max(1, members.length);
    const [lower, upper] = intervalFor(cal, rul);
    return { unit: s.unit, cycle: s.cycles[s.cycles.length - 1] ?? 0, rul, lower, upper, members };
  });
}
