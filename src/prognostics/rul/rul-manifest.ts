/**
 * Everything inference needs besides the weights, stored as manifest.json beside model.json:
 * the input transform (regimes, normalisation, kept sensors, window), the target scale, the
 * interval calibration, and provenance (seed, data, backend, metrics).
 */
import type { IntervalCalibration } from './interval.js';
import type { RegimeModel } from './regimes.js';
import type { NetworkConfig } from './rul-network.js';

export const RUL_MANIFEST_KIND = 'prognos.rul-model';

interface RulTrainingInfo {
  seed: number;
  members: number;
  folds: number[][];
  bestEpochs: number[];
  epochsRun: number[];
  validationRmse: number[];
  /** RMSE of the out-of-fold predictions over every window of the held-out units. */
  outOfFoldRmse: number;
  trainSeconds: number;
  backend: string;
  tfjsVersion: string;
  hyperparameters: Record<string, number>;
  data: {
    source?: string;
    rows: number;
    units: number;
    unitRange: [number, number];
    cycleRange: [number, number];
  };
}

export interface RulManifest {
  kind: typeof RUL_MANIFEST_KIND;
  schemaVersion: 1;
  name: string;
  version: string;
  createdAt: string;
  architecture: 'toeplitz-dcnn-ensemble';
  network: NetworkConfig;
  members: number;
  window: number;
  /** Model outputs are RUL / cap; the target was capped at `cap` cycles. */
  cap: number;
  /** Causal EMA weight applied to the normalised features (1 = none). */
  smoothing: number;
  /** When > 0 each sensor also enters minus its unit's mean over its first N cycles. */
  baselineCycles: number;
  /** When > 0 the last feature is cycle / cycleScale. */
  cycleScale: number;
  featureNames: string[];
  /** Indices (0-based) into the raw sensor vector, in feature order. */
  sensorIndices: number[];
  settingsCount: number;
  sensorCount: number;
  regimes: RegimeModel;
  normalisation: { mean: number[][]; std: number[][] };
  interval: Omit<IntervalCalibration, 'binEdges'> & { binEdges: (number | null)[] };
  training: RulTrainingInfo;
  metrics?: Record<string, unknown>;
}

export function assertRulManifest(value: unknown): asserts value is RulManifest {
  const m = value as Partial<RulManifest> | null;
  if (!m || m.kind !== RUL_MANIFEST_KIND || m.schemaVersion !== 1) {
    throw new Error(`not a ${RUL_MANIFEST_KIND} manifest (schemaVersion 1)`);
  }
  for (const key of ['window', 'cap', 'members', 'sensorCount'] as const) {
    if (typeof m[key] !== 'number') throw new Error(`manifest.${key} must be a number`);
  }
  if (!Array.isArray(m.sensorIndices) || !Array.isArray(m.featureNames) || !m.regimes || !m.normalisation) {
    throw new Error('manifest lacks sensorIndices, featureNames, regimes or normalisation');
  }
  if (m.normalisation.mean.length !== m.regimes.centroids.length) {
    throw new Error('manifest.normalisation has a different regime count than manifest.regimes');
  }
}
