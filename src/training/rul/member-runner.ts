/**
 * Runs the training of one ensemble member, in this thread or in a worker thread. Workers get a
 * copy of the encoded sequences and return the trained weights plus the out-of-fold predictions.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '../../tf/tfjs.js';
import type { EncodedSequence } from '../../prognostics/rul/sequences.js';
import { predictWindows } from '../../prognostics/rul/predict-rul.js';
import type { NetworkConfig } from '../../prognostics/rul/rul-network.js';
import {
  trainMember,
  TrainingCancelledError,
  type EpochCallback,
  type EpochLogs,
  type MemberOptions,
  type MemberResult,
} from './train-member.js';
import { windowTargets, type WindowRef } from '../../prognostics/rul/windows.js';

type MemberJobOptions = Omit<MemberOptions, 'deadline' | 'startedAt' | 'isCancelled' | 'onEpoch'>;

export interface MemberJob {
  member: number;
  ensembleSeed: number;
  network: NetworkConfig;
  series: EncodedSequence[];
  trainRefs: WindowRef[];
  valRefs: WindowRef[];
  options: MemberJobOptions;
  budgetMs: number;
  elapsedMs: number;
  /** Int32 flag set to 1 to cancel; shared so a busy worker sees it between batches. */
  cancelFlag: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'epoch'; epoch: number; logs: EpochLogs }
  | {
      type: 'done';
      result: MemberResult;
      weights: Float32Array[];
      oofPred: Float32Array;
      oofTarget: Float32Array;
    }
  | { type: 'error'; name: string; message: string };

export interface MemberOutcome {
  result: MemberResult;
  oofPred: Float32Array;
  oofTarget: Float32Array;
}

export async function runMemberInProcess(
  model: tf.LayersModel,
  job: MemberJob,
  onEpoch?: EpochCallback,
): Promise<MemberOutcome> {
  const flag = new Int32Array(job.cancelFlag);
  const now = performance.now();
  const result = await trainMember(model, job.series, job.trainRefs, job.valRefs, {
    ...job.options,
    deadline: now + job.budgetMs,
    startedAt: now - job.elapsedMs,
    isCancelled: () => Atomics.load(flag, 0) === 1,
    ...(onEpoch ? { onEpoch } : {}),
  });
  return { result, ...outOfFold(model, job) };
}

/** The trained member's predictions on its validation windows, and their targets. */
export function outOfFold(
  model: tf.LayersModel,
  job: MemberJob,
): { oofPred: Float32Array; oofTarget: Float32Array } {
  const { window, cap } = job.options;
  const oofPred =
    job.valRefs.length > 0
      ? (predictWindows(model, job.series, job.valRefs, window, cap)[0] as Float32Array)
      : new Float32Array(0);
  return { oofPred, oofTarget: windowTargets(job.series, job.valRefs) };
}

/**
 * The worker's entry. From compiled JavaScript it is member-worker.js; from TypeScript sources
 * (tsx) the worker must register tsx itself, because Node 20 does not pass module hooks on to
 * worker threads.
 */
function startWorker(job: MemberJob): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./member-worker.js', import.meta.url), { workerData: job });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./member-worker.ts', import.meta.url).href);
  const code = `import(${api}).then(async (tsx) => { tsx.register(); await import(${entry}); });`;
  return new Worker(code, { eval: true, workerData: job });
}

/** Trains in a worker, then copies the weights into `model` (same architecture and weight order). */
export function runMemberInWorker(
  model: tf.LayersModel,
  job: MemberJob,
  onEpoch?: EpochCallback,
): Promise<MemberOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'epoch') {
        onEpoch?.(message.epoch, message.logs);
      } else if (message.type === 'done') {
        finish(() => {
          const shapes = model.getWeights().map((w) => w.shape);
          const tensors = message.weights.map((data, i) => tf.tensor(data, shapes[i]));
          model.setWeights(tensors);
          tensors.forEach((t) => t.dispose());
          resolve({ result: message.result, oofPred: message.oofPred, oofTarget: message.oofTarget });
        });
      } else {
        finish(() =>
          reject(message.name === 'AbortError' ? new TrainingCancelledError() : new Error(message.message)),
        );
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`member worker exited with code ${code}`))));
  });
}
