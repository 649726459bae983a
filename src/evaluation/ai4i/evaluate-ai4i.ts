/**
 * Trains the failure classifier on AI4I 2020 rows and scores it on a test file, or on a
 * stratified 20 % hold-out of the training rows when there is none. Per-mode recall is the
 * share of test rows flagged by each mode (TWF, HDF, PWF, OSF, RNF) that the binary alarm
 * catches; RNF (random failures, by construction independent of the inputs) should stay low.
 */
import type * as tf from '../../tf/tfjs.js';
import type { Ai4iRow } from '../../acquisition/formats/ai4i.js';
import { AI4I_MODES, ai4iFeatureSet, ai4iLabel, ai4iVector, type Ai4iMode } from './ai4i-features.js';
import { averagePrecision, brierScore, logLoss, rocAuc, scoresAt } from '../../maths/binary-metrics.js';
import type { FailureManifest } from '../../prognostics/failure/failure-manifest.js';
import {
  predictFailure,
  trainFailureModel,
  type TrainFailureOptions,
} from '../../prognostics/failure/failure-model.js';
import { stratifiedSplit } from '../../maths/stratified-split.js';

interface ModeRecall {
  n: number;
  detected: number;
  recall: number | null;
}

export interface Ai4iEvaluation {
  seed: number;
  testSource: 'file' | 'holdout';
  trainRows: number;
  testRows: number;
  testPositives: number;
  rocAuc: number;
  prAuc: number;
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** F1 at a plain 0.5 on the calibrated probability, for comparison. */
  f1At05: number;
  brier: number;
  logLoss: number;
  /** Brier score of always predicting the training failure rate. */
  brierBaseline: number;
  perModeRecall: Record<Ai4iMode, ModeRecall>;
  epochsRun: number;
  trainSeconds: number;
  backend: string;
}

export type Ai4iOptions = Partial<
  Omit<TrainFailureOptions, 'vectors' | 'labels' | 'featureNames' | 'featureSet'>
> & {
  testFraction?: number;
};

export async function evaluateAi4i(
  trainRows: readonly Ai4iRow[],
  testRows?: readonly Ai4iRow[],
  options: Ai4iOptions = {},
): Promise<{
  model: tf.LayersModel;
  manifest: FailureManifest;
  evaluation: Ai4iEvaluation;
  /** Calibrated probabilities and labels of the test rows (for the model card). */
  test: { probabilities: number[]; labels: number[] };
}> {
  const { testFraction = 0.2, ...trainOptions } = options;
  const seed = trainOptions.seed ?? 42;
  let train = [...trainRows];
  let test = testRows ? [...testRows] : [];
  if (!testRows) {
    // A different stream than the validation split inside training draws from.
    const split = stratifiedSplit(train.map(ai4iLabel), testFraction, seed + 7);
    test = split.test.map((i) => train[i] as Ai4iRow);
    train = split.train.map((i) => train[i] as Ai4iRow);
  }
  const set = ai4iFeatureSet();
  const started = performance.now();
  const { model, manifest } = await trainFailureModel({
    ...trainOptions,
    seed,
    label: 'AI4I Machine failure',
    featureNames: set.featureNames,
    featureSet: set,
    vectors: train.map(ai4iVector),
    labels: train.map(ai4iLabel),
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const probabilities = predictFailure(model, manifest, test.map(ai4iVector)).map((p) => p.probability);
  const labels = test.map(ai4iLabel);
  const at = scoresAt(probabilities, labels, manifest.threshold);
  const rate = manifest.training.positives / Math.max(1, manifest.training.rows);
  const perModeRecall = {} as Record<Ai4iMode, ModeRecall>;
  for (const mode of AI4I_MODES) {
    const idx = test.flatMap((r, i) => (r[mode] ? [i] : []));
    const detected = idx.filter((i) => (probabilities[i] ?? 0) >= manifest.threshold).length;
    perModeRecall[mode] = { n: idx.length, detected, recall: idx.length > 0 ? detected / idx.length : null };
  }
  const evaluation: Ai4iEvaluation = {
    seed,
    testSource: testRows ? 'file' : 'holdout',
    trainRows: train.length,
    testRows: test.length,
    testPositives: labels.reduce<number>((a, b) => a + b, 0),
    rocAuc: rocAuc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    threshold: manifest.threshold,
    f1: at.f1,
    precision: at.precision,
    recall: at.recall,
    f1At05: scoresAt(probabilities, labels, 0.5).f1,
    brier: brierScore(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    brierBaseline: brierScore(
      labels.map(() => rate),
      labels,
    ),
    perModeRecall,
    epochsRun: manifest.training.epochsRun,
    trainSeconds,
    backend: manifest.backend,
  };
  manifest.metrics = { ...manifest.metrics, test: evaluation };
  return { model, manifest, evaluation, test: { probabilities, labels } };
}
