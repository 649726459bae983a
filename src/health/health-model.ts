/**
 * Health index from a dense autoencoder trained on healthy feature vectors only. Vectors are
 * z-scored with the healthy mean and std; the network squeezes them through a bottleneck and
 * reconstructs them, so it learns how healthy features co-vary. The reconstruction error of a
 * new vector (mean squared residual in standardised units) grows as it leaves the healthy
 * manifold; calibration.ts maps it to a score in [0, 1], and each feature's share of the
 * squared residual says which features drive it.
 */
import * as tf from '../tf/tfjs.js';
import { initBackend, type BackendLogger } from '../tf/backend.js';
import { createRng, shuffleInPlace } from '../maths/random.js';
import { quantileSorted } from '../maths/order-statistics.js';
import { calibratedScore, fitCalibration } from './calibration.js';
import { featureSetRefOf, type FeatureSetRef } from '../features/feature-set-ref.js';
import type { HealthManifest } from './health-manifest.js';
import { fitStandardiser, standardise, type VectorsInput } from './standardiser.js';
import { predictMatrix, rowsOf, trainLoop, type EpochReport, type Matrix } from '../tf/train-loop.js';

export interface TrainHealthOptions {
  featureNames: readonly string[];
  featureSet: FeatureSetRef;
  healthy: VectorsInput;
  /** Group of each healthy row (asset, engine): the validation split keeps groups whole. */
  groups?: readonly (number | string)[];
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  validationFraction?: number;
  hidden?: number;
  bottleneck?: number;
  source?: string;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
  logger?: BackendLogger;
}

interface FeatureContribution {
  feature: string;
  /** Share of the vector's squared reconstruction residual (shares sum to 1). */
  share: number;
  /** Signed deviation of the input from the healthy mean, in healthy standard deviations. */
  z: number;
  /** Signed reconstruction residual (input − reconstruction), standardised units. */
  residual: number;
}

export interface HealthScore {
  /** 0 ≈ typical healthy … 1 ≈ far beyond the healthy 99.9th percentile (see calibration.ts). */
  score: number;
  error: number;
  contributions: FeatureContribution[];
}

const HEALTH_DEFAULTS = {
  seed: 42,
  epochs: 200,
  batchSize: 64,
  learningRate: 0.003,
  patience: 15,
  validationFraction: 0.2,
};

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function buildAutoencoder(width: number, hidden: number, bottleneck: number, seed: number): tf.LayersModel {
  let s = seed * 7919;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const input = tf.input({ shape: [width] });
  let x = tf.layers.dense({ units: hidden, activation: 'tanh', kernelInitializer: init() }).apply(input);
  x = tf.layers.dense({ units: bottleneck, activation: 'linear', kernelInitializer: init() }).apply(x);
  x = tf.layers.dense({ units: hidden, activation: 'tanh', kernelInitializer: init() }).apply(x);
  const out = tf.layers.dense({ units: width, activation: 'linear', kernelInitializer: init() }).apply(x);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

/** Row indices for validation: whole groups when groups are given, else single rows. */
function validationRows(
  n: number,
  fraction: number,
  seed: number,
  groups?: readonly (number | string)[],
): Set<number> {
  const rng = createRng(seed + 1);
  if (fraction <= 0 || n < 10) return new Set();
  if (groups && groups.length === n) {
    const unique = shuffleInPlace([...new Set(groups)].sort(), rng);
    if (unique.length >= 2) {
      const take = new Set(
        unique.slice(0, clamp(Math.round(unique.length * fraction), 1, unique.length - 1)),
      );
      return new Set(groups.flatMap((g, i) => (take.has(g) ? [i] : [])));
    }
  }
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  return new Set(order.slice(0, Math.round(n * fraction)));
}

/** Mean squared residual per row. */
function rowErrors(x: Matrix, recon: Float32Array): Float64Array {
  const errors = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.cols; j++) s += ((x.data[i * x.cols + j] ?? 0) - (recon[i * x.cols + j] ?? 0)) ** 2;
    errors[i] = s / x.cols;
  }
  return errors;
}

function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s / Math.max(1, values.length);
}

export async function trainHealthModel(
  options: TrainHealthOptions,
): Promise<{ model: tf.LayersModel; manifest: HealthManifest }> {
  const o = { ...HEALTH_DEFAULTS, ...options };
  const width = o.featureNames.length;
  if (width === 0) throw new RangeError('featureNames must not be empty');
  if (o.healthy.length < 2) throw new RangeError('at least two healthy vectors are needed');
  const backend = await initBackend(o.logger);
  const norm = fitStandardiser(o.healthy, width);
  const all = standardise(norm, o.healthy);
  const valSet = validationRows(all.rows, o.validationFraction, o.seed, o.groups);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < all.rows; i++) (valSet.has(i) ? valIdx : trainIdx).push(i);
  const train: Matrix = { data: rowsOf(all, trainIdx), rows: trainIdx.length, cols: width };
  const val: Matrix = { data: rowsOf(all, valIdx), rows: valIdx.length, cols: width };

  const hidden = o.hidden ?? clamp(2 * width, 8, 64);
  const bottleneck = o.bottleneck ?? clamp(Math.round(width / 4), 1, 16);
  const model = buildAutoencoder(width, hidden, bottleneck, o.seed);
  const result = await trainLoop(model, {
    x: train,
    y: train,
    loss: (yTrue, yPred, w) => {
      const perRow = tf.mean(tf.square(tf.sub(yTrue, yPred)), 1);
      return tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w));
    },
    validate: () =>
      meanOf(rowErrors(val.rows > 0 ? val : train, predictMatrix(model, val.rows > 0 ? val : train))),
    seed: o.seed,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    patience: o.patience,
    signal: o.signal,
    onEpoch: o.onEpoch,
  });

  // Errors of vectors the weights never saw calibrate the score; training errors would be
  // optimistic. Too few held-out vectors fall back to every healthy vector.
  const calibrationSet = val.rows >= 50 ? val : all;
  const calErrors = rowErrors(calibrationSet, predictMatrix(model, calibrationSet));
  const calibration = fitCalibration(calErrors);
  const sortedCal = Float64Array.from(calErrors).sort();
  const manifest: HealthManifest = {
    kind: 'health',
    schemaVersion: 1,
    architecture: 'dense-autoencoder',
    createdAt: new Date().toISOString(),
    featureSet: featureSetRefOf(o.featureSet),
    featureNames: [...o.featureNames],
    layers: [hidden, bottleneck, hidden],
    normalisation: norm,
    errorDefinition: 'mean-squared-standardised-residual',
    calibration,
    seed: o.seed,
    backend: backend.name,
    tfjsVersion: backend.tfjsVersion,
    training: {
      healthyRows: all.rows,
      trainRows: train.rows,
      validationRows: val.rows,
      epochsRun: result.epochsRun,
      bestEpoch: result.bestEpoch,
      stoppedBy: result.stoppedBy,
      hyperparameters: {
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        patience: o.patience,
        validationFraction: o.validationFraction,
        hidden,
        bottleneck,
      },
      ...(o.source ? { source: o.source } : {}),
    },
    metrics: {
      trainError: result.finalLoss,
      validationError: result.bestValidation,
      calibrationRows: calibration.n,
      healthyErrorMedian: quantileSorted(sortedCal, 0.5),
      healthyErrorP99: quantileSorted(sortedCal, 0.99),
    },
  };
  return { model, manifest };
}

export function scoreHealth(
  model: tf.LayersModel,
  manifest: HealthManifest,
  vectors: VectorsInput,
  options: { topK?: number } = {},
): HealthScore[] {
  const topK = options.topK ?? 3;
  const x = standardise(manifest.normalisation, vectors);
  const recon = predictMatrix(model, x);
  const errors = rowErrors(x, recon);
  const names = manifest.featureNames;
  return Array.from(errors, (error, i) => {
    const contributions: FeatureContribution[] = [];
    for (let j = 0; j < x.cols; j++) {
      const z = x.data[i * x.cols + j] ?? 0;
      const residual = z - (recon[i * x.cols + j] ?? 0);
      contributions.push({
        feature: names[j] ?? `f${j}`,
        share: error > 0 ? residual ** 2 / (error * x.cols) : 0,
        z,
        residual,
      });
    }
    contributions.sort((a, b) => b.share - a.share);
    return {
      score: calibratedScore(manifest.calibration, error),
      error,
      contributions: contributions.slice(0, topK),
    };
  });
}
