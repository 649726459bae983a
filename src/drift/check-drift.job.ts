/**
 * `check-drift`: compares every comparable active model's training data with the fleet's recent
 * feature rows and raises or updates retraining suggestions (retraining.service.ts). Scheduled
 * (PROGNOS_DRIFT_INTERVAL_MINUTES) and queued after each feature extraction that wrote rows;
 * one check waits at a time, so a burst of extractions costs one or two checks.
 */
import { Type } from '@sinclair/typebox';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import type { CheckResult, RetrainingService } from './retraining.service.js';

const Payload = Type.Object({}, { additionalProperties: false });

export function checkDriftJob(deps: {
  retraining: () => RetrainingService;
}): JobDefinition<typeof Payload, CheckResult> {
  return {
    name: JOBS.checkDrift,
    queue: QUEUES.scoring,
    payload: Payload,
    attempts: 2,
    backoffMs: 5_000,
    dedupKey: () => 'all',
    async handle(_p, ctx) {
      const result = await deps.retraining().check(ctx.signal);
      for (const s of result.skipped) await ctx.log(`${s.model}: ${s.reason}`);
      await ctx.progress({ percent: 100, drifting: result.drifting.length });
      return result;
    },
  };
}

/** Wraps a job so that a run that wrote feature rows queues a drift check after it. */
export function thenCheckDrift<D extends JobDefinition>(
  def: D,
  enqueue: () => Promise<unknown>,
  wroteRows: (result: unknown) => boolean,
): D {
  return {
    ...def,
    async handle(payload, ctx) {
      const result = await def.handle(payload, ctx);
      // A drift check that cannot be queued must not fail the extraction that succeeded.
      if (wroteRows(result))
        await enqueue().catch((err: unknown) => ctx.log(`drift check not queued: ${(err as Error).message}`));
      return result;
    },
  };
}
