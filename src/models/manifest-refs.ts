/**
 * What a registered model's manifest says about itself: the feature definition it was trained
 * on and its kind. Pure reads of the manifest; the registry refuses what these reject.
 */
import { createHash } from 'node:crypto';
import type { ModelKind } from '../db/schema.js';
import { AppError } from '../errors.js';

export interface FeatureSetRef {
  name: string;
  version: string;
  hash: string;
}

const MODEL_KINDS: readonly ModelKind[] = ['rul', 'health', 'failure', 'diagnosis'];

/** Model names become directory names under models/ (and URL segments). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The feature definition a manifest declares; older manifests list raw input names only. */
export function featureSetOf(manifest: Record<string, unknown>): FeatureSetRef {
  const fs = manifest.featureSet as Partial<FeatureSetRef> | undefined;
  if (fs && typeof fs.hash === 'string' && typeof fs.name === 'string') {
    return { name: fs.name, version: String(fs.version ?? '1'), hash: fs.hash };
  }
  const names = manifest.featureNames;
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) {
    const hash = createHash('sha256').update(JSON.stringify(names)).digest('hex');
    return { name: 'raw-inputs', version: '1', hash };
  }
  throw new AppError(
    'invalid_manifest',
    400,
    'manifest.featureSet (name, version, hash) or manifest.featureNames is required',
  );
}

export function kindOf(manifest: Record<string, unknown>, fallback?: ModelKind): ModelKind {
  const k = (manifest.modelKind ?? manifest.kind) as string | undefined;
  if (k && MODEL_KINDS.includes(k as ModelKind)) return k as ModelKind;
  if (k === 'prognos.rul-model') return 'rul';
  if (fallback) return fallback;
  throw new AppError('invalid_manifest', 400, `manifest.kind must be one of ${MODEL_KINDS.join(', ')}`);
}
