import { Type } from '@sinclair/typebox';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { executeTrainingRun, type TrainingDeps } from './training.service.js';

const Payload = Type.Object({ runId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/** One training run. Retried once (a worker killed mid-training restarts it from scratch; no
 * version is registered until training finished). */
export function trainModelJob(deps: TrainingDeps): JobDefinition<typeof Payload> {
  return {
    name: JOBS.trainModel,
    queue: QUEUES.training,
    payload: Payload,
    attempts: 2,
    backoffMs: 5_000,
    dedupKey: (p) => String(p.runId),
    handle: (p, ctx) => executeTrainingRun(deps, p.runId, ctx),
  };
}
