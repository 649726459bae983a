/**
 * Trains a RUL model from run histories stored in the database. Labels come from failure
 * maintenance events (the CMMS's or an import's), or, for run-to-failure datasets, from the
 * end of each history. A share of the assets is held out by asset and cut at a random step, as
 * NASA's test files are; the candidate and the active model are both scored on it.
 */
import type * as tf from '../tf/tfjs.js';
import { AppError } from '../errors.js';
import type { RulHeldOut } from '../models/cards/card-figures.js';
import { phm08Score, rmse } from '../prognostics/rul/rul-metrics.js';
import { loadRulModel, saveRulModel } from '../prognostics/rul/rul-store.js';
import { predictRul } from '../prognostics/rul/predict-rul.js';
import type { AssetSequence } from '../prognostics/rul/sequences.js';
import { assertRulManifest, type RulManifest } from '../prognostics/rul/rul-manifest.js';
import { trainRul, TRAIN_DEFAULTS } from './rul/train-rul.js';
import { holdOutRuns } from './held-out-runs.js';
import { rulInputFeatureSet, type RulTrainingKnobs } from './rul-input.js';
import { findAssets, loadAssetHistory, type AssetFilter } from './run-rows.repository.js';
import { ensembleEpochReporter, type Trainer, type TrainerInput, type TrainerResult } from './trainer.js';

interface RulTrainParams extends AssetFilter, RulTrainingKnobs {
  labels?: 'failure-events' | 'run-to-failure';
  patience?: number;
}

/** RUL metrics on held-out runs cut short (true RUL by sequence key), and the predictions they
 * come from (for the model card); shared by the RUL trainers. */
export function scoreRulHoldout(
  model: tf.LayersModel,
  manifest: RulManifest,
  test: readonly AssetSequence[],
  truth: Map<number, number>,
  unitName = 'cycles',
) {
  const preds = predictRul(model, manifest, test);
  const actual = preds.map((p) => Math.min(manifest.cap, truth.get(p.key) ?? NaN));
  const predicted = preds.map((p) => p.rul);
  const covered = preds.filter((p, i) => p.lower <= actual[i]! && actual[i]! <= p.upper).length;
  const heldOut: RulHeldOut = {
    kind: 'rul',
    source: `${preds.length} held-out assets, each cut at a random point of its life (true RUL known)`,
    unitName,
    cap: manifest.cap,
    level: manifest.interval.level,
    trueRul: actual,
    predicted,
    lower: preds.map((p) => p.lower),
    upper: preds.map((p) => p.upper),
  };
  const metrics = {
    rmse: rmse(predicted, actual),
    phm08: phm08Score(predicted, actual),
    interval_coverage: covered / Math.max(1, preds.length),
    holdout_units: preds.length,
  };
  return { metrics, heldOut };
}

export const rulTrainer: Trainer = {
  kind: 'rul',
  async train(input: TrainerInput): Promise<TrainerResult> {
    const p = input.params as RulTrainParams;
    const labels = p.labels ?? 'failure-events';
    await input.progress({ percent: 0, phase: 'loading data' });
    const assets = await findAssets(input.db, p);
    const units: { assetId: number; steps: AssetSequence['steps'] }[] = [];
    let sensorNames: string[] | undefined;
    let first: Date | undefined;
    let last: Date | undefined;
    for (const [i, a] of assets.entries()) {
      if (input.signal.aborted) throw new Error('cancelled');
      const h = await loadAssetHistory(input.db, a.id);
      let end = h.steps.length;
      if (labels === 'failure-events') {
        if (!h.failureAt) continue;
        end = h.timestamps.findIndex((t) => t.getTime() > h.failureAt!.getTime());
        if (end < 0) end = h.steps.length;
      }
      if (end < 2) continue;
      if (sensorNames && sensorNames.join() !== h.sensorNames.join()) {
        throw new AppError(
          'inconsistent_sensors',
          400,
          `asset ${a.id} has sensors ${h.sensorNames.join(',')}, unlike the others`,
        );
      }
      sensorNames = h.sensorNames;
      units.push({ assetId: a.id, steps: h.steps.slice(0, end) });
      first = !first || h.timestamps[0]! < first ? h.timestamps[0] : first;
      last = !last || h.timestamps[end - 1]! > last ? h.timestamps[end - 1] : last;
      await input.progress({ percent: Math.round((5 * (i + 1)) / assets.length), phase: 'loading data' });
    }
    if (units.length < 4 || !sensorNames) {
      throw new AppError(
        'not_enough_data',
        400,
        `RUL training needs at least 4 assets with ${labels === 'failure-events' ? 'a failure event' : 'a history'}; found ${units.length} of ${assets.length}`,
      );
    }
    // Keys are 1-based positions in `units`, which is how held-out keys map back to assets.
    const runs = units.map((u, i) => ({ key: i + 1, steps: u.steps }));
    const seed = p.seed ?? TRAIN_DEFAULTS.seed;
    const split = holdOutRuns(runs, p.holdoutFraction ?? 0.2, seed);
    const members = p.members ?? TRAIN_DEFAULTS.members;
    const maxEpochs = p.maxEpochs ?? TRAIN_DEFAULTS.maxEpochs;
    await input.log(`training on ${units.length - split.rul.length} assets, holding out ${split.rul.length}`);
    const { model, manifest } = await trainRul(split.train, {
      seed,
      members,
      maxEpochs,
      ...(p.window ? { window: p.window } : {}),
      ...(p.cap ? { cap: p.cap } : {}),
      ...(p.samplesPerEpoch ? { samplesPerEpoch: p.samplesPerEpoch } : {}),
      ...(p.patience ? { patience: p.patience } : {}),
      ...(p.maxTrainSeconds ? { maxTrainSeconds: p.maxTrainSeconds } : {}),
      minEpochs: Math.min(TRAIN_DEFAULTS.minEpochs, maxEpochs),
      signal: input.signal,
      onEpoch: ensembleEpochReporter(input, members, maxEpochs),
    });
    if (input.signal.aborted) throw new Error('cancelled');
    await input.progress({ percent: 92, phase: 'evaluating on held-out assets' });
    const truth = new Map(split.test.map((s, i) => [s.key, split.rul[i] ?? NaN] as const));
    const { metrics, heldOut } = scoreRulHoldout(model, manifest, split.test, truth);
    let baselineMetrics: Record<string, number> | undefined;
    const featureSet = rulInputFeatureSet(sensorNames);
    if (input.baseline && input.baseline.row.feature_set_hash === featureSet.hash) {
      try {
        const base = await loadRulModel(input.baseline.dir);
        assertRulManifest(base.manifest);
        baselineMetrics = scoreRulHoldout(base.model, base.manifest, split.test, truth).metrics;
        base.model.dispose();
      } catch (err) {
        await input.log(
          `the active model could not be scored on the held-out data: ${(err as Error).message}`,
        );
      }
    }
    const dataRange = {
      assets: units.map((u) => u.assetId),
      from: first?.toISOString(),
      to: last?.toISOString(),
      rows: runs.reduce((n, r) => n + r.steps.length, 0),
      labels,
      holdoutAssets: [...truth.keys()].map((key) => units[key - 1]!.assetId),
    };
    const full = Object.assign(manifest, {
      modelKind: 'rul',
      featureSet,
      inputNames: sensorNames,
      metrics,
      dataRange,
    });
    await saveRulModel(input.workDir, model, full);
    model.dispose();
    return { metrics, baselineMetrics, primary: { name: 'rmse', lowerIsBetter: true }, dataRange, heldOut };
  },
};
