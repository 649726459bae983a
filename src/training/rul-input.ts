/**
 * The input definition of a RUL model trained on scalar readings: the ordered sensor names
 * (operating settings first). Its hash is the model's feature-set identity, so a model trained
 * on one sensor layout is never fed another. Also the training knobs both RUL trainers share.
 */
import { createHash } from 'node:crypto';
import type { FeatureSetRef } from '../models/registry.service.js';

export function rulInputFeatureSet(sensorNames: readonly string[]): FeatureSetRef {
  const hash = createHash('sha256')
    .update(JSON.stringify({ kind: 'scalar-readings', sensors: sensorNames }))
    .digest('hex');
  return { name: 'scalar-readings', version: '1', hash };
}

/** The training knobs both RUL trainers take (readings histories and feature rows). */
export interface RulTrainingKnobs {
  holdoutFraction?: number;
  seed?: number;
  members?: number;
  maxEpochs?: number;
  window?: number;
  /** Cap of the target, in steps. */
  cap?: number;
  maxTrainSeconds?: number;
  samplesPerEpoch?: number;
}
