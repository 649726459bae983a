/**
 * Keeps monthly partitions of the time-series tables ahead of the clock, so ingestion of live
 * data never has to create one on the hot path. Scheduled daily by the worker; harmless to
 * run again (the SQL function is idempotent).
 */
import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import { JOBS, QUEUES } from '../../jobs/names.js';
import type { JobDefinition } from '../../jobs/types.js';
import type { DB } from '../schema.js';

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
      const tables = ['captures', 'readings'] as const;
      for (const [i, table] of tables.entries()) {
        const { rows } = await sql<{ n: number }>`select prognos_ensure_partitions(
            ${table},
            now() - make_interval(months => ${p.monthsBack}::int),
            now() + make_interval(months => ${p.monthsAhead}::int)) as n`.execute(deps.db);
        created += Number(rows[0]?.n ?? 0);
        await ctx.progress(Math.round(((i + 1) / tables.length) * 100));
      }
      await ctx.log(`created ${created} partition(s)`);
      return { created };
    },
  };
}
