/**
 * C-MAPSS benchmark protocol: train a fresh model with the production pipeline on a training
 * file, predict at the last cycle of every test unit, and score against the RUL file with the
 * true RUL capped like the training target (the literature's convention). The files' rows enter
 * as sequences (cmapss-sequences.ts), so a pseudo-test carved by `holdOutRuns` scores alike.
 */
import type * as tf from '../../tf/tfjs.js';
import { phm08Score, rmse } from '../../prognostics/rul/rul-metrics.js';
import { predictRul, type RulPrediction } from '../../prognostics/rul/predict-rul.js';
import type { RulManifest } from '../../prognostics/rul/rul-manifest.js';
import type { AssetSequence } from '../../prognostics/rul/sequences.js';
import { trainRul, TRAIN_DEFAULTS, type TrainRulOptions } from '../../training/rul/train-rul.js';

export interface CmapssEvaluation {
  rmse: number;
  phm08: number;
  units: number;
  interval_coverage: number;
  interval_level: number;
  interval_mean_width: number;
  train_seconds: number;
  /** Training plus scoring. */
  total_seconds: number;
  backend: string;
  tfjs_version: string;
  regimes: number;
  features: string[];
  members: number;
  best_epochs: number[];
  validation_rmse: number[];
  out_of_fold_rmse: number;
  cap: number;
  window: number;
  seed: number;
  train_rows: number;
  train_units: number;
}

export interface CmapssEvalResult {
  evaluation: CmapssEvaluation;
  predictions: (RulPrediction & { trueRul: number })[];
  model: tf.LayersModel;
  manifest: RulManifest;
}

export async function evaluateCmapss(
  train: readonly AssetSequence[],
  test: readonly AssetSequence[],
  trueRul: readonly number[],
  options: TrainRulOptions = {},
): Promise<CmapssEvalResult> {
  const testUnits = test.map((s) => s.key);
  if (testUnits.length !== trueRul.length) {
    throw new Error(
      `the test file has ${testUnits.length} units but the RUL file has ${trueRul.length} lines`,
    );
  }
  const started = performance.now();
  const { model, manifest } = await trainRul(train, options);
  const byUnit = new Map(predictRul(model, manifest, test).map((p) => [p.key, p]));
  const cap = manifest.cap;
  const predictions = testUnits.map((unit, i) => {
    const p = byUnit.get(unit) as RulPrediction;
    return { ...p, trueRul: Math.min(cap, trueRul[i] ?? NaN) };
  });
  const predicted = predictions.map((p) => p.rul);
  const actual = predictions.map((p) => p.trueRul);
  const covered = predictions.filter((p) => p.lower <= p.trueRul && p.trueRul <= p.upper).length;
  const t = manifest.training;
  const evaluation: CmapssEvaluation = {
    rmse: rmse(predicted, actual),
    phm08: phm08Score(predicted, actual),
    units: predictions.length,
    interval_coverage: covered / Math.max(1, predictions.length),
    interval_level: manifest.interval.level,
    interval_mean_width:
      predictions.reduce((s, p) => s + (p.upper - p.lower), 0) / Math.max(1, predictions.length),
    train_seconds: t.trainSeconds,
    total_seconds: (performance.now() - started) / 1000,
    backend: t.backend,
    tfjs_version: t.tfjsVersion,
    regimes: manifest.regimes.centroids.length,
    features: manifest.featureNames,
    members: manifest.members,
    best_epochs: t.bestEpochs,
    validation_rmse: t.validationRmse,
    out_of_fold_rmse: t.outOfFoldRmse,
    cap,
    window: manifest.window,
    seed: t.seed,
    train_rows: t.data.rows,
    train_units: t.data.units,
  };
  return { evaluation, predictions, model, manifest };
}

export { TRAIN_DEFAULTS };
