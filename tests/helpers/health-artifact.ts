/**
 * A health model the registry can take, for tests and benches that need one without a training
 * run: an autoencoder trained on the caller's healthy feature rows, saved as an artifact
 * directory, optionally registered and promoted. The rows stay with each caller: what counts as
 * healthy is part of what each test checks.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../src/context.js';
import { FeatureExtractor } from '../../src/features/extract-features.js';
import type { StoredFeatureSet } from '../../src/features/stored-feature-sets.js';
import { trainHealthModel } from '../../src/health/health-model.js';
import { saveHealthModel } from '../../src/health/health-store.js';
import { BEARING_MM } from './feature-fixtures.js';

export interface HealthArtifactOptions {
  seed: number;
  epochs: number;
  /** Name prefix of the fresh directory. */
  prefix?: string;
  /** Where that directory is made; the system temp folder by default. */
  parent?: string;
}

/** Feature rows of vibration windows on the SKF 6205 geometry of the fixtures, at `shaftHz`. */
export function vibrationRows(
  set: StoredFeatureSet,
  windows: Iterable<Float64Array>,
  shaftHz: number,
): number[][] {
  const ex = new FeatureExtractor(set.vibration);
  return Array.from(windows, (x) => Array.from(ex.extract(x, { shaftHz, bearing: BEARING_MM })));
}

/** Trains on `healthy` rows of `set` and saves the model in a fresh directory, returned. */
export async function healthArtifact(
  set: StoredFeatureSet,
  healthy: number[][],
  opts: HealthArtifactOptions,
): Promise<string> {
  const { model, manifest } = await trainHealthModel({
    featureNames: set.featureNames,
    featureSet: { name: set.name, version: set.version, hash: set.hash },
    healthy,
    seed: opts.seed,
    epochs: opts.epochs,
  });
  const dir = mkdtempSync(path.join(opts.parent ?? os.tmpdir(), opts.prefix ?? 'health-'));
  await saveHealthModel(dir, model, manifest);
  model.dispose();
  return dir;
}

/** {@link healthArtifact}, registered as the next version of `name` and made active. */
export async function activeHealthModel(
  ctx: Pick<AppContext, 'models'>,
  name: string,
  set: StoredFeatureSet,
  healthy: number[][],
  opts: HealthArtifactOptions,
) {
  const row = await ctx.models.register({ name, sourceDir: await healthArtifact(set, healthy, opts) });
  return ctx.models.promote(name, row.version);
}
