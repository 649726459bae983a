/**
 * `apply-retention`: drops the monthly partitions of captures and readings older than their
 * retention (RETENTION_CAPTURES_DAYS, RETENTION_READINGS_DAYS; 0 keeps a table forever). A
 * partition goes only once all of it is older than the cut, so between N and N + one month of
 * data is kept. Scheduled daily with the configured days (0 and 0 drop nothing); harmless to
 * run again. feature_rows and forecasts are not partitioned and are not touched (README
 * "Retention").
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { dropPartitionsBefore } from './partitions.repository.js';

const Days = Type.Integer({ minimum: 0, maximum: 36_500, description: 'days kept; 0 = forever' });
const Payload = Type.Object({ capturesDays: Days, readingsDays: Days }, { additionalProperties: false });

const DAY_MS = 24 * 3600 * 1000;

export function retentionJob(deps: {
  db: Kysely<DB>;
  now?: () => number;
}): JobDefinition<typeof Payload, { dropped: string[] }> {
  const now = deps.now ?? Date.now;
  return {
    name: JOBS.applyRetention,
    queue: QUEUES.maintenance,
    payload: Payload,
    attempts: 3,
    backoffMs: 5_000,
    dedupKey: () => 'all',
    async handle(p, ctx) {
      const dropped: string[] = [];
      for (const [table, days] of [
        ['captures', p.capturesDays],
        ['readings', p.readingsDays],
      ] as const) {
        if (days === 0) continue;
        const cut = new Date(now() - days * DAY_MS);
        const names = await dropPartitionsBefore(deps.db, table, cut);
        if (names.length > 0)
          await ctx.log(`${table}: dropped ${names.join(', ')} (older than ${cut.toISOString()})`);
        dropped.push(...names);
      }
      return { dropped };
    },
  };
}
