/**
 * `refresh-pending`: the live loop's safety net, every minute. An asset marked pending longer
 * than `olderThanMs` lost its wake-up (Redis down at ingest time, a process stopped before its
 * debounce ran, a bulk import from the CLI, which has no queue) or its refresh failed for good:
 * its refresh is enqueued again. Enqueues join a refresh already waiting, so a slow queue is
 * not flooded.
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { ingestMarksRepository } from '../acquisition/ingest-marks.repository.js';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition, JobQueue } from '../jobs/types.js';

const Payload = Type.Object(
  { olderThanMs: Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600_000 }) },
  { additionalProperties: false },
);

const MAX_PER_RUN = 10_000;

export function refreshPendingJob(deps: {
  db: Kysely<DB>;
  jobs: () => JobQueue;
}): JobDefinition<typeof Payload, { enqueued: number }> {
  return {
    name: JOBS.refreshPending,
    queue: QUEUES.maintenance,
    payload: Payload,
    attempts: 1,
    backoffMs: 0,
    dedupKey: () => 'all',
    async handle(p) {
      const ids = await ingestMarksRepository.pendingBefore(
        deps.db,
        new Date(Date.now() - p.olderThanMs),
        MAX_PER_RUN,
      );
      for (const assetId of ids)
        await deps.jobs().enqueue(JOBS.refreshAsset, { assetId }, { debounceKey: String(assetId) });
      return { enqueued: ids.length };
    },
  };
}
