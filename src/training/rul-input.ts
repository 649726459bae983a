/**
 * The input definition of a RUL model trained on scalar readings: the ordered sensor names
 * (operating settings first). Its hash is the model's feature-set identity, so a model trained
 * on one sensor layout is never fed another.
 */
import { createHash } from 'node:crypto';
import type { FeatureSetRef } from '../models/registry.service.js';

export function rulInputFeatureSet(sensorNames: readonly string[]): FeatureSetRef {
  const hash = createHash('sha256')
    .update(JSON.stringify({ kind: 'scalar-readings', sensors: sensorNames }))
    .digest('hex');
  return { name: 'scalar-readings', version: '1', hash };
}
