/**
 * What every trainer on stored feature rows starts with: the named feature set, and each
 * matching asset's history of it, reported as the first `progressShare` percent of the run.
 */
import { AppError } from '../errors.js';
import { getFeatureSet, type StoredFeatureSet } from '../features/stored-feature-sets.js';
import { featureSetIdByHash, loadFeatureHistories, type FeatureHistory } from './feature-rows.repository.js';
import { findAssets, type AssetFilter } from './run-rows.repository.js';
import type { TrainerInput } from './trainer.js';

function resolveStoredSet(name: unknown): StoredFeatureSet {
  const set = typeof name === 'string' ? getFeatureSet(name) : undefined;
  if (!set) {
    throw new AppError(
      'unknown_feature_set',
      400,
      `params.featureSet must name a registered feature set, got ${JSON.stringify(name)}`,
    );
  }
  return set;
}

export async function loadSetHistories(
  input: TrainerInput,
  params: AssetFilter & { featureSet?: unknown },
  progressShare: number,
): Promise<{ set: StoredFeatureSet; histories: FeatureHistory[]; assetCount: number }> {
  const set = resolveStoredSet(params.featureSet);
  await input.progress({ percent: 0, phase: 'loading feature rows' });
  const setId = await featureSetIdByHash(input.db, set.hash);
  const assets = await findAssets(input.db, params);
  if (setId === undefined) return { set, histories: [], assetCount: assets.length };
  const histories = await loadFeatureHistories(
    input.db,
    assets,
    setId,
    (done, total) =>
      input.progress({ percent: Math.round((progressShare * done) / total), phase: 'loading feature rows' }),
    input.signal,
  );
  return { set, histories, assetCount: assets.length };
}
