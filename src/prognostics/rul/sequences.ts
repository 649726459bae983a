/**
 * The RUL model's input and its preprocessing. An `AssetSequence` is the history of one asset as
 * a sequence of steps (a cycle of an engine, a feature window of a bearing, a time step of scalar
 * readings); whatever the source, the model sees only that. Preprocessing turns sequences into
 * per-asset feature matrices: regime assignment, per-regime normalisation and (for training)
 * capped RUL targets. The same fitted `Preprocessing` is stored in the model manifest so
 * inference applies exactly the training transform.
 */
import { discoverRegimes, regimeAssigner, type RegimeModel, type RegimeOptions } from './regimes.js';
import {
  fitRegimeNormaliser,
  normaliseInto,
  type NormaliserOptions,
  type RegimeNormaliser,
} from './normalisation.js';

/** One step of an asset's history. */
export interface SequenceStep {
  /**
   * Position in the asset's life, in the unit RUL is counted in (cycles, or fixed time steps):
   * steps are ordered by it and the target of a run to failure is `last t − t`.
   */
  t: number;
  /**
   * Operating-condition inputs (e.g. altitude, Mach, throttle; load, speed) from which operating
   * regimes are discovered; empty when the asset runs in one condition. Same length on every step.
   */
  conditions: readonly number[];
  /** Measured values (sensor readings, features of a window), normalised per regime. */
  values: readonly number[];
}

/**
 * The history of one asset: a run to failure when training, the steps seen so far when scoring.
 * `key` identifies the asset among the sequences of one call (an asset id, an index into the
 * caller's asset list, a unit number); predictions, folds and held-out truths refer to it.
 */
export interface AssetSequence {
  key: number;
  steps: readonly SequenceStep[];
}

export interface Preprocessing {
  regimes: RegimeModel;
  normaliser: RegimeNormaliser;
  featureNames: string[];
}

/** One asset's sequence as model inputs: its steps in `t` order, preprocessed. */
export interface EncodedSequence {
  key: number;
  t: number[];
  /** Row-major [steps × features]. */
  features: Float32Array;
  /** Capped RUL per step; present for run-to-failure (training) sequences. */
  targets?: Float32Array;
}

/** Every step of every sequence, in order (the statistics are fitted over all of them). */
export function allSteps(sequences: readonly AssetSequence[]): SequenceStep[] {
  return sequences.flatMap((s) => s.steps);
}

export function fitPreprocessing(
  sequences: readonly AssetSequence[],
  options: { regimes?: RegimeOptions; normaliser?: NormaliserOptions } = {},
): Preprocessing {
  const steps = allSteps(sequences);
  const regimes = discoverRegimes(
    steps.map((r) => [...r.conditions]),
    options.regimes,
  );
  const assign = regimeAssigner(regimes);
  const labels = steps.map((r) => assign(r.conditions));
  const normaliser = fitRegimeNormaliser(
    steps.map((r) => r.values),
    labels,
    regimes.centroids.length,
    options.normaliser,
  );
  return { regimes, normaliser, featureNames: normaliser.sensorIndices.map((j) => `sensor_${j + 1}`) };
}

export interface EncodeOptions {
  /** Capped RUL targets are attached when set (runs to failure). */
  targetCap?: number;
  /**
   * Weight of the newest step in a causal exponential moving average of each value feature
   * (1 = no smoothing). It only looks back, so a sequence cut short (a test unit, live data) is
   * transformed exactly as the same steps were in training.
   */
  smoothing?: number;
  /**
   * When > 0, every value feature gets a second channel: its value minus the asset's own
   * baseline, the mean of its first `baselineCycles` steps (of the steps seen so far while the
   * asset is younger). It removes each asset's manufacturing offset, so degradation reads the same
   * on every asset; it is causal, so a truncated sequence gets exactly the values it had in training.
   */
  baselineCycles?: number;
  /** When > 0, an extra last feature: t / cycleScale (the asset's age; named "cycle"). */
  cycleScale?: number;
}

/** Names of the model inputs for the given options, in channel order. */
export function inputFeatureNames(sensorNames: readonly string[], options: EncodeOptions): string[] {
  return [
    ...sensorNames,
    ...((options.baselineCycles ?? 0) > 0 ? sensorNames.map((n) => `${n}_minus_baseline`) : []),
    ...((options.cycleScale ?? 0) > 0 ? ['cycle'] : []),
  ];
}

/** Sorts each sequence's steps by `t` and applies the transform; one result per sequence, in order. */
export function encodeSequences(
  sequences: readonly AssetSequence[],
  prep: Pick<Preprocessing, 'regimes' | 'normaliser'>,
  options: EncodeOptions = {},
): EncodedSequence[] {
  const { targetCap, smoothing = 1, baselineCycles = 0, cycleScale = 0 } = options;
  const assign = regimeAssigner(prep.regimes);
  const sensors = prep.normaliser.sensorIndices.length;
  const deltas = baselineCycles > 0 ? sensors : 0;
  const width = sensors + deltas + (cycleScale > 0 ? 1 : 0);
  const encoded: EncodedSequence[] = [];
  for (const sequence of sequences) {
    const list = [...sequence.steps].sort((a, b) => a.t - b.t);
    const features = new Float32Array(list.length * width);
    list.forEach((step, i) => {
      normaliseInto(prep.normaliser, assign(step.conditions), step.values, features, i * width);
      if (cycleScale > 0) features[i * width + sensors + deltas] = step.t / cycleScale;
    });
    if (smoothing < 1) {
      for (let i = 1; i < list.length; i++) {
        for (let f = 0; f < sensors; f++) {
          const k = i * width + f;
          features[k] = smoothing * (features[k] ?? 0) + (1 - smoothing) * (features[k - width] ?? 0);
        }
      }
    }
    if (deltas > 0) {
      const sum = new Float64Array(sensors);
      for (let i = 0; i < list.length; i++) {
        const row = i * width;
        if (i < baselineCycles)
          for (let f = 0; f < sensors; f++) sum[f] = (sum[f] ?? 0) + (features[row + f] ?? 0);
        const n = Math.min(i + 1, baselineCycles);
        for (let f = 0; f < sensors; f++)
          features[row + sensors + f] = (features[row + f] ?? 0) - (sum[f] ?? 0) / n;
      }
    }
    const t = list.map((step) => step.t);
    const e: EncodedSequence = { key: sequence.key, t, features };
    if (targetCap !== undefined) {
      const last = t[t.length - 1] ?? 0;
      e.targets = Float32Array.from(t, (c) => Math.min(targetCap, last - c));
    }
    encoded.push(e);
  }
  return encoded;
}
