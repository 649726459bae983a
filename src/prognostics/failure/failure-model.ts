/**
 * Failure-within-horizon classifier: a small dense network on standardised tabular features,
 * trained with positives up-weighted by √(negatives / positives) (failures are ~3 % of AI4I
 * rows; the full ratio over-shoots and hurt precision on AI4I), early stopping on the average
 * precision of a stratified validation split, then Platt scaling on that split so the output is
 * a probability again, and an F1-optimal alarm threshold. Early stopping, calibration and the
 * threshold share the validation split: report test figures from data the trainer never saw.
 */
import * as tf from '../../tf/tfjs.js';
import { initBackend, type BackendLogger } from '../../tf/backend.js';
import { featureSetRefOf, type FeatureSetRef } from '../../features/feature-set-ref.js';
import { fitStandardiser, standardise, type VectorsInput } from '../../health/standardiser.js';
import { predictMatrix, rowsOf, trainLoop, type EpochReport, type Matrix } from '../../tf/train-loop.js';
import {
  bestF1Threshold,
  brierScore,
  logLoss,
  rocAuc,
  averagePrecision,
} from '../../maths/binary-metrics.js';
import type { FailureManifest } from './failure-manifest.js';
import { applyPlatt, fitPlatt } from './platt.js';
import { stratifiedSplit } from '../../maths/stratified-split.js';

export interface TrainFailureOptions {
  featureNames: readonly string[];
  featureSet: FeatureSetRef;
  vectors: VectorsInput;
  /** 0/1 per vector. */
  labels: ArrayLike<number>;
  label?: string;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  validationFraction?: number;
  hidden?: number[];
  /** Validation criterion for early stopping. */
  earlyStopping?: 'average-precision' | 'log-loss';
  /** Exponent on the balanced positive weight: 1 = fully balanced, 0 = unweighted. */
  classWeightPower?: number;
  source?: string;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
  logger?: BackendLogger;
}

export interface FailurePrediction {
  probability: number;
  alarm: boolean;
}

const FAILURE_DEFAULTS = {
  seed: 42,
  epochs: 300,
  batchSize: 128,
  learningRate: 0.001,
  patience: 30,
  validationFraction: 0.2,
  hidden: [32, 32],
  label: 'failure',
  earlyStopping: 'average-precision' as 'average-precision' | 'log-loss',
  classWeightPower: 0.5,
};

function buildClassifier(width: number, hidden: readonly number[], seed: number): tf.LayersModel {
  let s = seed * 7919 + 1;
  const input = tf.input({ shape: [width] });
  let x: tf.SymbolicTensor = input;
  for (const units of hidden) {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: s++ }) })
      .apply(x) as tf.SymbolicTensor;
  }
  // A logit output: Platt scaling and the stable loss both work on it.
  const out = tf.layers
    .dense({
      units: 1,
      activation: 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Weighted mean of the numerically stable sigmoid cross-entropy on logits. */
function weightedLogitLoss(yTrue: tf.Tensor2D, logits: tf.Tensor2D, w: tf.Tensor1D): tf.Scalar {
  const perRow = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, yTrue)), tf.softplus(tf.neg(tf.abs(logits))));
  return tf.div(tf.sum(tf.mul(tf.reshape(perRow, [-1]), w)), tf.sum(w));
}

function weightedLogLossOf(
  logits: Float32Array,
  labels: ArrayLike<number>,
  w: { negative: number; positive: number },
): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] ?? 0;
    const y = labels[i] ?? 0;
    const wi = y === 1 ? w.positive : w.negative;
    s += wi * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
    ws += wi;
  }
  return s / Math.max(1e-12, ws);
}

export async function trainFailureModel(
  options: TrainFailureOptions,
): Promise<{ model: tf.LayersModel; manifest: FailureManifest }> {
  const o = { ...FAILURE_DEFAULTS, ...options };
  const width = o.featureNames.length;
  if (o.vectors.length !== o.labels.length) throw new RangeError('vectors and labels differ in length');
  const labels = Float32Array.from(o.labels);
  const positives = labels.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === labels.length)
    throw new RangeError('both classes are needed to train');
  const backend = await initBackend(o.logger);

  const split = stratifiedSplit(labels, o.validationFraction, o.seed);
  const norm = fitStandardiser(
    split.train.map((i) => o.vectors[i] ?? []),
    width,
  );
  const all = standardise(norm, o.vectors);
  const take = (idx: number[]): Matrix => ({ data: rowsOf(all, idx), rows: idx.length, cols: width });
  const train = take(split.train);
  const val = take(split.test);
  const yTrain = Float32Array.from(split.train, (i) => labels[i] ?? 0);
  const yVal = Float32Array.from(split.test, (i) => labels[i] ?? 0);
  const trainPos = yTrain.reduce((a, b) => a + b, 0);
  const ratio = ((yTrain.length - trainPos) / Math.max(1, trainPos)) ** o.classWeightPower;
  const classWeights = { negative: 1, positive: ratio };
  const evalSet = val.rows > 0 && yVal.some((v) => v === 1) ? { x: val, y: yVal } : { x: train, y: yTrain };

  const model = buildClassifier(width, o.hidden, o.seed);
  const result = await trainLoop(model, {
    x: train,
    y: { data: yTrain, rows: yTrain.length, cols: 1 },
    weights: Float32Array.from(yTrain, (y) => (y === 1 ? classWeights.positive : classWeights.negative)),
    loss: weightedLogitLoss,
    validate: () => {
      const logits = predictMatrix(model, evalSet.x);
      return o.earlyStopping === 'average-precision'
        ? -averagePrecision(logits, evalSet.y)
        : weightedLogLossOf(logits, evalSet.y, classWeights);
    },
    seed: o.seed,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    patience: o.patience,
    signal: o.signal,
    onEpoch: o.onEpoch,
  });

  const valLogits = predictMatrix(model, evalSet.x);
  const platt = fitPlatt(valLogits, evalSet.y);
  const valProb = Array.from(valLogits, (z) => applyPlatt(platt, z));
  const best = bestF1Threshold(valProb, evalSet.y);
  const manifest: FailureManifest = {
    kind: 'failure',
    schemaVersion: 1,
    architecture: 'dense-binary-classifier',
    createdAt: new Date().toISOString(),
    featureSet: featureSetRefOf(o.featureSet),
    featureNames: [...o.featureNames],
    label: o.label,
    hidden: [...o.hidden],
    normalisation: norm,
    calibration: { method: 'platt', ...platt },
    threshold: best.threshold,
    classWeights,
    seed: o.seed,
    backend: backend.name,
    tfjsVersion: backend.tfjsVersion,
    training: {
      rows: labels.length,
      positives,
      trainRows: train.rows,
      validationRows: val.rows,
      validationPositives: yVal.reduce((a, b) => a + b, 0),
      epochsRun: result.epochsRun,
      bestEpoch: result.bestEpoch,
      stoppedBy: result.stoppedBy,
      hyperparameters: {
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        patience: o.patience,
        validationFraction: o.validationFraction,
      },
      ...(o.source ? { source: o.source } : {}),
    },
    metrics: {
      validation: {
        rocAuc: rocAuc(valProb, evalSet.y),
        prAuc: averagePrecision(valProb, evalSet.y),
        brier: brierScore(valProb, evalSet.y),
        logLoss: logLoss(valProb, evalSet.y),
        f1: best.f1,
        threshold: best.threshold,
      },
    },
  };
  return { model, manifest };
}

export function predictFailure(
  model: tf.LayersModel,
  manifest: FailureManifest,
  vectors: VectorsInput,
): FailurePrediction[] {
  const logits = predictMatrix(model, standardise(manifest.normalisation, vectors));
  return Array.from(logits, (z) => {
    const probability = applyPlatt(manifest.calibration, z);
    return { probability, alarm: probability >= manifest.threshold };
  });
}
