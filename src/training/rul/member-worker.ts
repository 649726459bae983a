/**
 * worker_threads entry: trains one ensemble member on its own wasm instance (the wasm backend is
 * single-threaded in Node, so members train in parallel on separate cores this way).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../tf/backend.js';
import { outOfFold, type MemberJob, type WorkerMessage } from './member-runner.js';
import { buildMemberNetwork } from '../../prognostics/rul/rul-network.js';
import { trainMember } from './train-member.js';

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
  post({ type: 'done', result, weights, ...outOfFold(model, job) });
}

main().catch((error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', name: e.name, message: e.message });
});
