/**
 * Mini-batch training for the small dense models of the health and failure kinds: row-major
 * Float32Array inputs, deterministic shuffles, an optional per-row weight (class weights),
 * early stopping on a caller-supplied validation score with the best weights restored, and
 * cancellation through an AbortSignal between batches. A custom loop rather than model.fit
 * because fit's shuffle is not seeded and it has no per-row weights.
 */
import * as tf from './tfjs.js';
import { createRng, shuffleInPlace } from '../maths/random.js';

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  /** Validation score (lower is better) and the best so far. */
  validation: number;
  bestValidation: number;
  bestEpoch: number;
}

export interface TrainLoopOptions {
  x: Matrix;
  y: Matrix;
  /** Per-row loss weights; uniform when absent. */
  weights?: Float32Array;
  /** Mean weighted loss of a batch: yTrue, yPred and weights [batch] (all ones when unweighted). */
  loss: (yTrue: tf.Tensor2D, yPred: tf.Tensor2D, weights: tf.Tensor1D) => tf.Scalar;
  /** Called after every epoch; lower is better. Drives early stopping. */
  validate: () => number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  minEpochs?: number;
  signal?: AbortSignal;
  onEpoch?: (report: EpochReport) => void;
}

export interface TrainLoopResult {
  epochsRun: number;
  bestEpoch: number;
  bestValidation: number;
  stoppedBy: 'patience' | 'max-epochs';
  finalLoss: number;
}

export function rowsOf(m: Matrix, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * m.cols);
  indices.forEach((r, i) => out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return out;
}

/** Forward pass in chunks; returns row-major outputs. */
export function predictMatrix(model: tf.LayersModel, x: Matrix, batch = 4096): Float32Array {
  const outCols = (model.outputs[0]?.shape[1] as number | undefined) ?? 1;
  const out = new Float32Array(x.rows * outCols);
  for (let start = 0; start < x.rows; start += batch) {
    const n = Math.min(batch, x.rows - start);
    const values = tf.tidy(() => {
      const input = tf.tensor2d(x.data.subarray(start * x.cols, (start + n) * x.cols), [n, x.cols]);
      return (model.predict(input) as tf.Tensor).dataSync();
    });
    out.set(values, start * outCols);
  }
  return out;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const error = new Error('training was cancelled');
    error.name = 'AbortError';
    throw error;
  }
}

export async function trainLoop(model: tf.LayersModel, o: TrainLoopOptions): Promise<TrainLoopResult> {
  const rng = createRng(o.seed);
  const optimizer = tf.train.adam(o.learningRate);
  const order = Array.from({ length: o.x.rows }, (_, i) => i);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let best = { value: Infinity, epoch: -1, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  let stoppedBy: TrainLoopResult['stoppedBy'] = 'max-epochs';
  let epoch = 0;
  let finalLoss = NaN;
  try {
    for (; epoch < o.epochs; epoch++) {
      shuffleInPlace(order, rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += o.batchSize) {
        throwIfAborted(o.signal);
        const idx = order.slice(start, start + o.batchSize);
        const w = o.weights ? idx.map((i) => o.weights?.[i] ?? 1) : idx.map(() => 1);
        const lossValue = tf.tidy(() => {
          const xb = tf.tensor2d(rowsOf(o.x, idx), [idx.length, o.x.cols]);
          const yb = tf.tensor2d(rowsOf(o.y, idx), [idx.length, o.y.cols]);
          const wb = tf.tensor1d(w);
          const cost = optimizer.minimize(
            () => o.loss(yb, model.apply(xb, { training: true }) as tf.Tensor2D, wb),
            true,
            variables,
          );
          return cost?.dataSync()[0] ?? NaN;
        });
        lossSum += lossValue;
        batches++;
        // Yield so a cancellation or a progress report can get through on long epochs.
        if (batches % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      finalLoss = lossSum / Math.max(1, batches);
      const value = o.validate();
      if (value < best.value) {
        best.weights.forEach((t) => t.dispose());
        best = { value, epoch, weights: model.getWeights().map((t) => t.clone()) };
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      o.onEpoch?.({
        epoch,
        loss: finalLoss,
        validation: value,
        bestValidation: best.value,
        bestEpoch: best.epoch,
      });
      if (epoch + 1 >= (o.minEpochs ?? 0) && sinceBest >= o.patience) {
        stoppedBy = 'patience';
        epoch++;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } finally {
    best.weights.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  return { epochsRun: epoch, bestEpoch: best.epoch, bestValidation: best.value, stoppedBy, finalLoss };
}
