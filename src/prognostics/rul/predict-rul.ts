/** Inference with a trained (or loaded) RUL ensemble: the manifest's transform, then the model. */
import * as tf from '../../tf/tfjs.js';
import { encodeSequences, type AssetSequence, type EncodedSequence } from './sequences.js';
import { intervalFromJson, quantilesFor } from './interval.js';
import type { RulManifest } from './rul-manifest.js';
import { fillWindows, lastWindows, type WindowRef } from './windows.js';

export interface RulPrediction {
  /** The key of the sequence predicted. */
  key: number;
  /** The step the prediction is made at (the sequence's last `t`). */
  t: number;
  /** Ensemble-mean RUL in the unit of `t` (cycles, steps), within [0, cap]. */
  rul: number;
  /** Interval at manifest.interval.level (e.g. 0.8). */
  lower: number;
  upper: number;
  /** Median of the predictive distribution (within [lower, upper]): the ensemble's unclipped
   * output plus its calibration bin's median residual, so a regressor that overshoots below 0
   * near the end of life still orders how near, and a biased one is re-centred. */
  median: number;
  /** Each member's RUL: their spread is a cheap second opinion on uncertainty. */
  members: number[];
}

/**
 * The network's raw outputs for `refs`, scaled back by `cap` (so in the unit of `t`, unclipped):
 * one column per output of a multi-output model (an ensemble's members), or the only one.
 * Training validates with it and inference averages its columns, so both read the model alike.
 */
export function predictWindows(
  model: tf.LayersModel,
  sequences: readonly EncodedSequence[],
  refs: readonly WindowRef[],
  window: number,
  cap: number,
  batch = 2048,
): Float32Array[] {
  const width = (sequences[0]?.features.length ?? 0) / Math.max(1, sequences[0]?.t.length ?? 1);
  const outputs = (model.outputs[0]?.shape[1] as number | undefined) ?? 1;
  const cols = Array.from({ length: outputs }, () => new Float32Array(refs.length));
  for (let start = 0; start < refs.length; start += batch) {
    const chunk = refs.slice(start, start + batch);
    const values = tf.tidy(() => {
      const x = tf.tensor3d(fillWindows(sequences, chunk, window, width), [chunk.length, window, width]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    for (let i = 0; i < chunk.length; i++) {
      for (let c = 0; c < outputs; c++)
        (cols[c] as Float32Array)[start + i] = (values[i * outputs + c] ?? 0) * cap;
    }
  }
  return cols;
}

/** RUL at the last step of each sequence, in the order given. */
export function predictRul(
  model: tf.LayersModel,
  manifest: RulManifest,
  sequences: readonly AssetSequence[],
): RulPrediction[] {
  const encoded = encodeSequences(
    sequences,
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
  const refs = lastWindows(encoded);
  const cols = predictWindows(model, encoded, refs, manifest.window, manifest.cap);
  const cal = intervalFromJson(manifest.interval);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return encoded.map((s, i) => {
    const raw = cols.map((c) => c[i] ?? 0);
    const members = raw.map((x) => Math.min(manifest.cap, Math.max(0, x)));
    const rul = mean(members);
    // A calibration with a median residual was fitted on the unclipped output (train-rul.ts):
    // clipping at 0 would give every window past the regressor's zero crossing one bin and one
    // answer, the "RUL 0 h for weeks" of a model that overshoots.
    const q = quantilesFor(cal, cal.centre ? Math.min(manifest.cap, mean(raw)) : rul);
    return { key: s.key, t: s.t[s.t.length - 1] ?? 0, rul, ...q, members };
  });
}
