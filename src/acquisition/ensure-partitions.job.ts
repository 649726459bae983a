/**
 * Keeps monthly partitions of the time-series tables ahead of the clock, so ingestion of live
 * data never has to create one on the hot path. Scheduled daily by the worker; harmless to
 * run again (the SQL function is idempotent). Here with acquisition, whose tables they are (db/
 * is below the job plumbing and cannot define jobs).
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { ensurePartitions, PARTITIONED_TABLES } from './partitions.repository.js';

const Payload = Type.Object(
  {
    monthsBack: Type.Integer({ minimum: 0, maximum: 600, default: 1 }),
    monthsAhead: Type.Integer({ minimum: 0, maximum: 120, default: 3 }),
  },
  { additionalProperties: false },
);

export function ensurePartitionsJob(deps: {
  db: Kysely<DB>;
}): JobDefinition<typeof Payload, { created: number }> {
  return {
    name: JOBS.ensurePartitions,
    queue: QUEUES.maintenance,
    payload: Payload,
    attempts: 3,
    backoffMs: 1_000,
    dedupKey: (p) => `${p.monthsBack}:${p.monthsAhead}`,
    async handle(p, ctx) {
      let created = 0;
      for (const [i, table] of PARTITIONED_TABLES.entries()) {
        created += await ensurePartitions(deps.db, table, p.monthsBack, p.monthsAhead);
        await ctx.progress(Math.round(((i + 1) / PARTITIONED_TABLES.length) * 100));
      }
      await ctx.log(`created ${created} partition(s)`);
      return { created };
    },
  };
}
