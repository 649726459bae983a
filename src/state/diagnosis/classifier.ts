/**
 * Small dense classifier for window features: standardised inputs, two ReLU layers with dropout,
 * softmax. Trained with class-balanced mini-batches (every class drawn equally often, so the one
 * short normal record weighs as much as a fault class), deterministic shuffles and initialisers
 * for a seed, and early stopping on a class-balanced validation loss with the best weights kept.
 */
import * as tf from '../../tf/tfjs.js';
import { createRng, shuffleInPlace, type Rng } from '../../maths/random.js';

export interface Standardiser {
  mean: number[];
  std: number[];
}

/** Mean and standard deviation per column of row-major [rows × width] training features. */
export function fitStandardiser(x: Float32Array, width: number): Standardiser {
  const rows = x.length / width;
  const mean = new Array<number>(width).fill(0);
  const sq = new Array<number>(width).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c]! += x[r * width + c]! / rows;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) sq[c]! += (x[r * width + c]! - mean[c]!) ** 2 / rows;
  // A constant column becomes 0 rather than NaN.
  return { mean, std: sq.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Standardised copy; values are clipped to ±8 σ so one wild window cannot saturate the net. */
export function standardise(x: Float32Array, s: Standardiser): Float32Array {
  const width = s.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % width;
    const v = (x[i]! - s.mean[c]!) / s.std[c]!;
    out[i] = Number.isFinite(v) ? Math.max(-8, Math.min(8, v)) : 0;
  }
  return out;
}

export interface ClassifierOptions {
  seed: number;
  /** Hidden layer widths; [] gives multinomial logistic regression (weights readable per feature). */
  hidden: number[];
  dropout: number;
  /** L2 penalty on the output layer's weights. */
  l2: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  /** When set, train exactly this many epochs (no validation, no early stopping). */
  fixedEpochs?: number;
  onEpoch?: (epoch: number, loss: number, valLoss: number) => void;
}

export const CLASSIFIER_DEFAULTS: Omit<ClassifierOptions, 'seed'> = {
  hidden: [32, 16],
  dropout: 0.3,
  l2: 0,
  learningRate: 2e-3,
  batchSize: 64,
  maxEpochs: 150,
  patience: 15,
};

export interface LabelledRows {
  x: Float32Array;
  y: Int32Array;
}

function buildClassifier(width: number, classes: number, o: ClassifierOptions): tf.Sequential {
  const model = tf.sequential();
  o.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        ...(i === 0 ? { inputShape: [width] } : {}),
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: o.seed * 101 + 2 * i }),
      }),
    );
    if (o.dropout > 0) model.add(tf.layers.dropout({ rate: o.dropout, seed: o.seed * 101 + 2 * i + 1 }));
  });
  model.add(
    tf.layers.dense({
      ...(o.hidden.length === 0 ? { inputShape: [width] } : {}),
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed * 101 + 99 }),
      ...(o.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: o.l2 }) } : {}),
    }),
  );
  return model;
}

/** One epoch's row order: each class resampled (cycling through a shuffle) to the largest class count. */
function balancedOrder(y: Int32Array, classes: number, rng: Rng): number[] {
  const byClass = Array.from({ length: classes }, () => [] as number[]);
  y.forEach((c, i) => byClass[c]!.push(i));
  const present = byClass.filter((rows) => rows.length > 0);
  const target = Math.max(...present.map((rows) => rows.length));
  const order: number[] = [];
  for (const rows of present) {
    shuffleInPlace(rows, rng);
    for (let i = 0; i < target; i++) order.push(rows[i % rows.length]!);
  }
  return shuffleInPlace(order, rng);
}

/** Row-major class probabilities [rows × classes]. */
export function predictProba(model: tf.LayersModel, x: Float32Array, width: number): Float32Array {
  const rows = x.length / width;
  if (rows === 0) return new Float32Array(0);
  return tf.tidy(
    () => (model.predict(tf.tensor2d(x, [rows, width])) as tf.Tensor).dataSync() as Float32Array,
  );
}

/** Cross-entropy averaged per class, then over the classes present. */
function balancedLoss(proba: Float32Array, y: Int32Array, classes: number): number {
  const sum = new Array<number>(classes).fill(0);
  const count = new Array<number>(classes).fill(0);
  y.forEach((c, i) => {
    sum[c]! += -Math.log(Math.max(proba[i * classes + c]!, 1e-7));
    count[c]!++;
  });
  const present = count.map((n, c) => (n > 0 ? sum[c]! / n : NaN)).filter((v) => !Number.isNaN(v));
  return present.reduce((a, b) => a + b, 0) / Math.max(1, present.length);
}

export interface TrainedClassifier {
  model: tf.Sequential;
  bestEpoch: number;
  epochsRun: number;
  bestValLoss: number;
}

export async function trainClassifier(
  train: LabelledRows,
  val: LabelledRows | null,
  width: number,
  classes: number,
  o: ClassifierOptions,
): Promise<TrainedClassifier> {
  const model = buildClassifier(width, classes, o);
  const optimizer = tf.train.adam(o.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const rng = createRng(o.seed);
  const epochs = o.fixedEpochs ?? o.maxEpochs;
  let best = { loss: Infinity, epoch: -1, weights: [] as tf.Tensor[] };
  let epoch = 0;
  try {
    for (; epoch < epochs; epoch++) {
      const order = balancedOrder(train.y, classes, rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += o.batchSize) {
        const rows = order.slice(start, start + o.batchSize);
        const xb = new Float32Array(rows.length * width);
        rows.forEach((r, i) => xb.set(train.x.subarray(r * width, (r + 1) * width), i * width));
        const x = tf.tensor2d(xb, [rows.length, width]);
        const y = tf.tidy(() =>
          tf.cast(
            tf.oneHot(
              tf.tensor1d(
                rows.map((r) => train.y[r]!),
                'int32',
              ),
              classes,
            ),
            'float32',
          ),
        );
        const loss = await model.trainOnBatch(x, y);
        x.dispose();
        y.dispose();
        lossSum += Array.isArray(loss) ? loss[0]! : loss;
        batches++;
      }
      const valLoss =
        val && o.fixedEpochs === undefined
          ? balancedLoss(predictProba(model, val.x, width), val.y, classes)
          : NaN;
      o.onEpoch?.(epoch, lossSum / Math.max(1, batches), valLoss);
      if (Number.isNaN(valLoss)) continue;
      if (valLoss < best.loss) {
        best.weights.forEach((w) => w.dispose());
        best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= o.patience) {
        epoch++;
        break;
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } finally {
    best.weights.forEach((w) => w.dispose());
  }
  return {
    model,
    bestEpoch: best.epoch < 0 ? epoch - 1 : best.epoch,
    epochsRun: epoch,
    bestValLoss: best.loss,
  };
}
