/**
 * C-MAPSS benchmark protocol: train a fresh model with the production pipeline on a training
 * file, predict at the last cycle of every test unit, and score against the RUL file with the
 * true RUL capped like the training target (the literature's convention).
 */
import type * as tf from '@tensorflow/tfjs';
import { cmapssUnits, type CmapssRow } from '../acquisition/formats/cmapss.js';
import { phm08Score, rmse } from './metrics.js';
import { predictRul, type RulPrediction } from './predict-rul.js';
import type { RulManifest } from './rul-manifest.js';
import { createRng } from './random.js';
import { splitByUnit } from './split-by-unit.js';
import { trainRul, TRAIN_DEFAULTS, type TrainRulOptions } from './train-rul.js';

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
  train: readonly CmapssRow[],
  test: readonly CmapssRow[],
  trueRul: readonly number[],
  options: TrainRulOptions = {},
): Promise<CmapssEvalResult> {
  const testUnits = cmapssUnits(test);
  if (testUnits.length !== trueRul.length) {
    throw new Error(
      `the test file has ${testUnits.length} units but the RUL file has ${trueRul.length} lines`,
    );
  }
  const started = performance.now();
  const { model, manifest } = await trainRul(train, options);
  const byUnit = new Map(predictRul(model, manifest, test).map((p) => [p.unit, p]));
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

export interface PseudoTest {
  train: CmapssRow[];
  test: CmapssRow[];
  rul: number[];
}

/**
 * For a subset without a test file: hold out a fraction of the training units (by unit) and cut
 * each held-out run at a uniformly random cycle, so its true RUL is known — the shape of NASA's
 * test files. Every held-out unit keeps at least `minCycles` rows.
 */
export function carvePseudoTest(
  rows: readonly CmapssRow[],
  fraction: number,
  seed: number,
  minCycles = 20,
): PseudoTest {
  const split = splitByUnit(cmapssUnits(rows), fraction, seed);
  const held = new Set(split.validation);
  const rng = createRng(seed ^ 0x5eed);
  const lastCycle = new Map<number, number>();
  for (const r of rows) lastCycle.set(r.unit, Math.max(lastCycle.get(r.unit) ?? 0, r.cycle));
  const cut = new Map<number, number>();
  for (const unit of split.validation) {
    const last = lastCycle.get(unit) ?? 0;
    const lo = Math.min(minCycles, last);
    cut.set(unit, lo + Math.floor(rng() * (last - lo + 1)));
  }
  const train = rows.filter((r) => !held.has(r.unit));
  const test = rows.filter((r) => held.has(r.unit) && r.cycle <= (cut.get(r.unit) ?? 0));
  const rul = cmapssUnits(test).map((unit) => (lastCycle.get(unit) ?? 0) - (cut.get(unit) ?? 0));
  return { train, test, rul };
}

export { TRAIN_DEFAULTS };
