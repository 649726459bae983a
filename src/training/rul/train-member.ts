/**
 * Training loop of one ensemble member: deterministic shuffles, mini-batches built on demand,
 * early stopping on validation RMSE (in cycles) with the best weights restored, cancellation
 * between batches, and a time budget.
 */
import * as tf from '../../tf/tfjs.js';
import type { EncodedSequence } from '../../prognostics/rul/sequences.js';
import { predictWindows } from '../../prognostics/rul/predict-rul.js';
import { createRng, shuffleInPlace } from '../../maths/random.js';
import { fillWindows, windowTargets, type WindowRef } from '../../prognostics/rul/windows.js';

export interface EpochLogs {
  member: number;
  members: number;
  /** Training loss (MSE on RUL / cap) averaged over the epoch's batches. */
  loss: number;
  /** RMSE in cycles over every window of the member's validation units. */
  valRmse: number;
  bestValRmse: number;
  bestEpoch: number;
  learningRate: number;
  elapsedSeconds: number;
}

export type EpochCallback = (epoch: number, logs: EpochLogs) => void;

export interface MemberOptions {
  member: number;
  members: number;
  seed: number;
  window: number;
  cap: number;
  batchSize: number;
  learningRate: number;
  maxEpochs: number;
  minEpochs: number;
  patience: number;
  /** 'plateau': halve the rate after `lrPatience` epochs without improvement; 'cosine': anneal to ~0. */
  lrSchedule: 'plateau' | 'cosine';
  lrPatience: number;
  samplesPerEpoch: number;
  /**
   * Decay of an exponential moving average of the weights, updated every batch (0 = off). The
   * averaged weights are what gets validated and kept: they are smoother than the raw iterate,
   * which on 80 training engines starts to overfit within a few epochs.
   */
  weightAveraging: number;
  deadline: number;
  startedAt: number;
  isCancelled?: () => boolean;
  onEpoch?: EpochCallback;
}

export interface MemberResult {
  bestEpoch: number;
  epochsRun: number;
  bestValRmse: number;
  stoppedBy: 'patience' | 'max-epochs' | 'budget';
}

export class TrainingCancelledError extends Error {
  override name = 'AbortError';
  constructor() {
    super('RUL training was cancelled');
  }
}

function checkAbort(isCancelled?: () => boolean): void {
  if (isCancelled?.()) throw new TrainingCancelledError();
}

function rmseOf(pred: Float32Array, target: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += ((pred[i] ?? 0) - (target[i] ?? 0)) ** 2;
  return Math.sqrt(s / Math.max(1, pred.length));
}

export async function trainMember(
  model: tf.LayersModel,
  series: readonly EncodedSequence[],
  trainRefs: readonly WindowRef[],
  valRefs: readonly WindowRef[],
  o: MemberOptions,
): Promise<MemberResult> {
  const width = (series[0]?.features.length ?? 0) / Math.max(1, series[0]?.t.length ?? 1);
  const rng = createRng(o.seed);
  let lr = o.learningRate;
  const optimizer = tf.train.adam(lr);
  // Adam keeps its rate in a protected field; changing it in place keeps the moment estimates.
  const setRate = (rate: number): void => {
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
  };
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const valTargets = windowTargets(series, valRefs);
  let best = { rmse: Infinity, epoch: -1, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  let sinceLr = 0;
  let stoppedBy: MemberResult['stoppedBy'] = 'max-epochs';
  let epoch = 0;
  const shadow = o.weightAveraging > 0 ? model.getWeights().map((w) => tf.variable(w.clone(), false)) : [];
  let updates = 0;
  let lastEpochMs = 0;
  try {
    for (; epoch < o.maxEpochs; epoch++) {
      checkAbort(o.isCancelled);
      if (o.lrSchedule === 'cosine') {
        lr = o.learningRate * (0.02 + 0.49 * (1 + Math.cos((Math.PI * epoch) / o.maxEpochs)));
        setRate(lr);
      }
      // Do not start an epoch that would end past the deadline (judged by the last one's length).
      // The budget wins over minEpochs: on a busy machine the run must still end in time.
      if (epoch >= 1 && performance.now() + lastEpochMs > o.deadline) {
        stoppedBy = 'budget';
        break;
      }
      const epochStart = performance.now();
      const order = shuffleInPlace([...trainRefs], rng).slice(0, o.samplesPerEpoch);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += o.batchSize) {
        checkAbort(o.isCancelled);
        const refs = order.slice(start, start + o.batchSize);
        const x = tf.tensor3d(fillWindows(series, refs, o.window, width), [refs.length, o.window, width]);
        const y = tf.tensor2d(
          windowTargets(series, refs).map((v) => v / o.cap),
          [refs.length, 1],
        );
        const loss = await model.trainOnBatch(x, y);
        x.dispose();
        y.dispose();
        lossSum += Array.isArray(loss) ? (loss[0] ?? NaN) : loss;
        batches++;
        if (shadow.length > 0) {
          updates++;
          // Warm-up as in TF's ExponentialMovingAverage(num_updates): early averages forget the init.
          const decay = Math.min(o.weightAveraging, (1 + updates) / (10 + updates));
          tf.tidy(() =>
            model.getWeights().forEach((w, i) => {
              const s = shadow[i] as tf.Variable;
              s.assign(tf.add(tf.mul(s, decay), tf.mul(w, 1 - decay)));
            }),
          );
        }
      }
      const current = shadow.length > 0 ? model.getWeights().map((w) => w.clone()) : [];
      if (shadow.length > 0) model.setWeights(shadow);
      const valPred =
        valRefs.length > 0 ? predictWindows(model, series, valRefs, o.window, o.cap)[0] : undefined;
      const valRmse = valPred ? rmseOf(valPred, valTargets) : lossSum / Math.max(1, batches);
      const evaluated = model.getWeights().map((w) => w.clone());
      if (current.length > 0) {
        model.setWeights(current);
        current.forEach((w) => w.dispose());
      }
      if (valRmse < best.rmse) {
        best.weights.forEach((w) => w.dispose());
        best = { rmse: valRmse, epoch, weights: evaluated };
        sinceBest = 0;
        sinceLr = 0;
      } else {
        evaluated.forEach((w) => w.dispose());
        sinceBest++;
        sinceLr++;
      }
      if (o.lrSchedule === 'plateau' && sinceLr >= o.lrPatience) {
        lr /= 2;
        setRate(lr);
        sinceLr = 0;
      }
      lastEpochMs = performance.now() - epochStart;
      o.onEpoch?.(epoch, {
        member: o.member,
        members: o.members,
        loss: lossSum / Math.max(1, batches),
        valRmse,
        bestValRmse: best.rmse,
        bestEpoch: best.epoch,
        learningRate: lr,
        elapsedSeconds: (performance.now() - o.startedAt) / 1000,
      });
      if (epoch + 1 >= o.minEpochs && sinceBest >= o.patience) {
        stoppedBy = 'patience';
        epoch++;
        break;
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } finally {
    best.weights.forEach((w) => w.dispose());
    shadow.forEach((w) => w.dispose());
    optimizer.dispose();
  }
  return { bestEpoch: best.epoch, epochsRun: epoch, bestValRmse: best.rmse, stoppedBy };
}
