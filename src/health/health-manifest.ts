/**
 * manifest.json of a health (anomaly) model: everything scoring needs besides the weights —
 * feature names and set, the standardisation, the error calibration — and provenance.
 */
import type { HealthCalibration } from './calibration.js';
import type { FeatureSetRef } from '../features/feature-set-ref.js';
import type { Standardiser } from './standardiser.js';

export interface HealthManifest {
  kind: 'health';
  schemaVersion: 1;
  architecture: 'dense-autoencoder';
  createdAt: string;
  featureSet: FeatureSetRef;
  featureNames: string[];
  /** Layer widths encoder → bottleneck → decoder (the output width is featureNames.length). */
  layers: number[];
  normalisation: Standardiser;
  /** Error = mean squared residual over features in standardised units. */
  errorDefinition: 'mean-squared-standardised-residual';
  calibration: HealthCalibration;
  seed: number;
  backend: string;
  tfjsVersion: string;
  training: {
    healthyRows: number;
    trainRows: number;
    validationRows: number;
    epochsRun: number;
    bestEpoch: number;
    stoppedBy: string;
    hyperparameters: Record<string, number>;
    source?: string;
  };
  metrics: Record<string, number | string>;
}

export function assertHealthManifest(value: unknown): asserts value is HealthManifest {
  const m = value as Partial<HealthManifest> | null;
  if (!m || m.kind !== 'health' || m.schemaVersion !== 1) {
    throw new Error('not a health model manifest (kind "health", schemaVersion 1)');
  }
  if (!m.featureSet || typeof m.featureSet.hash !== 'string')
    throw new Error('manifest.featureSet is missing');
  const width = m.featureNames?.length;
  if (!width || m.normalisation?.mean.length !== width || m.normalisation.std.length !== width) {
    throw new Error('manifest.featureNames and manifest.normalisation disagree');
  }
  if (!m.calibration || m.calibration.quantiles.length === 0)
    throw new Error('manifest.calibration is missing');
}
