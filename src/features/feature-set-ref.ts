/**
 * The `{ name, version, hash }` a health or failure manifest declares, so the registry can
 * refuse scoring with another feature definition. Vibration models pass the FeatureSet of
 * src/features/feature-set.ts as is; tabular inputs (C-MAPSS sensors, AI4I process values)
 * get a set hashed the same way: sha256 of the canonical JSON of { name, version, params,
 * featureNames }.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './feature-set.js';

export interface FeatureSetRef {
  name: string;
  version: number | string;
  hash: string;
}

export function tabularFeatureSet(
  name: string,
  version: number,
  featureNames: readonly string[],
  params: Record<string, unknown> = {},
): FeatureSetRef & { featureNames: string[] } {
  const hash = createHash('sha256')
    .update(canonicalJson({ name, version, params, featureNames }))
    .digest('hex');
  return { name, version, hash, featureNames: [...featureNames] };
}

/** Just the reference fields: a FeatureSet carries params and a frozen name list besides. */
export function featureSetRefOf(set: FeatureSetRef): FeatureSetRef {
  return { name: set.name, version: set.version, hash: set.hash };
}
