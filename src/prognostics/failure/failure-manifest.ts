/**
 * manifest.json of a failure-within-horizon classifier: inputs (feature set, standardisation),
 * the probability calibration and the alarm threshold, and provenance.
 */
import type { FeatureSetRef } from '../../features/feature-set-ref.js';
import type { Standardiser } from '../../health/standardiser.js';
import type { PlattScaling } from './platt.js';

export interface FailureManifest {
  kind: 'failure';
  schemaVersion: 1;
  architecture: 'dense-binary-classifier';
  createdAt: string;
  featureSet: FeatureSetRef;
  featureNames: string[];
  /** What a positive is, e.g. "AI4I Machine failure" or "failure within 48 h". */
  label: string;
  hidden: number[];
  normalisation: Standardiser;
  /** probability = σ(a · logit + b), fitted on the validation split. */
  calibration: { method: 'platt' } & PlattScaling;
  /** Alarm when the calibrated probability ≥ threshold (F1-optimal on the validation split). */
  threshold: number;
  /** Loss weights of negatives and positives during training (balanced). */
  classWeights: { negative: number; positive: number };
  seed: number;
  backend: string;
  tfjsVersion: string;
  training: {
    rows: number;
    positives: number;
    trainRows: number;
    validationRows: number;
    validationPositives: number;
    epochsRun: number;
    bestEpoch: number;
    stoppedBy: string;
    hyperparameters: Record<string, number>;
    source?: string;
  };
  metrics: Record<string, unknown>;
}

export function assertFailureManifest(value: unknown): asserts value is FailureManifest {
  const m = value as Partial<FailureManifest> | null;
  if (!m || m.kind !== 'failure' || m.schemaVersion !== 1) {
    throw new Error('not a failure model manifest (kind "failure", schemaVersion 1)');
  }
  if (!m.featureSet || typeof m.featureSet.hash !== 'string')
    throw new Error('manifest.featureSet is missing');
  const width = m.featureNames?.length;
  if (!width || m.normalisation?.mean.length !== width) {
    throw new Error('manifest.featureNames and manifest.normalisation disagree');
  }
  if (!m.calibration || typeof m.calibration.a !== 'number' || typeof m.threshold !== 'number') {
    throw new Error('manifest.calibration or manifest.threshold is missing');
  }
}
