/**
 * worker_threads entry: trains one ensemble member on its own wasm instance (the wasm backend is
 * single-threaded in Node, so members train in parallel on separate cores this way).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './backend.js';
import type { MemberJob, WorkerMessage } from './member-runner.js';
import { buildMemberNetwork } from './rul-network.js';
import { predictRefs, trainMember } from './train-member.js';
import { windowTargets } from './windows.js';

const job = workerData as MemberJob;
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

async function main(): Promise<void> {
  await initBackend();
  const model = buildMemberNetwork(job.network, job.member, job.ensembleSeed);
  const flag = new Int32Array(job.cancelFlag);
  const now = performance.now();
  const result = await trainMember(model, job.series, job.trainRefs, job.valRefs, {
    ...job.options,
    deadline: now + job.budgetMs,
    startedAt: now - job.elapsedMs,
    isCancelled: () => Atomics.load(flag, 0) === 1,
    onEpoch: (epoch, logs) => post({ type: 'epoch', epoch, logs }),
  });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const oofPred =
    job.valRefs.length > 0
      ? (predictRefs(model, job.series, job.valRefs, job.options.window, job.options.cap)[0] as Float32Array)
      : new Float32Array(0);
  post({ type: 'done', result, weights, oofPred, oofTarget: windowTargets(job.series, job.valRefs) });
}

main().catch((error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', name: e.name, message: e.message });
});
