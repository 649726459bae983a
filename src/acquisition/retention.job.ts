/**
 * `apply-retention`: drops the monthly partitions of captures, readings, feature rows and
 * forecasts older than each table's retention (RETENTION_*_DAYS; 0 keeps a table forever). A
 * partition goes only once all of it is older than the cut, so between N and N + one month of
 * data is kept; the default partition and the current month never go. Scheduled daily with the
 * configured days; harmless to run again. Here with the partition machinery it drives
 * (partitions.repository.ts), though it spans the stages whose tables it trims: it only calls
 * the migrations' SQL function, and imports nothing of theirs.
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { dropPartitionsBefore, type PartitionedTable } from './partitions.repository.js';

const Days = Type.Integer({ minimum: 0, maximum: 36_500, description: 'days kept; 0 = forever' });
// featuresDays and forecastsDays are optional: a scheduler an earlier version left in Redis
// (BullMQ keeps it across restarts) still runs, keeping those tables whole, until start-up
// schedules the current payload.
const Payload = Type.Object(
  {
    capturesDays: Days,
    readingsDays: Days,
    featuresDays: Type.Optional(Days),
    forecastsDays: Type.Optional(Days),
  },
  { additionalProperties: false },
);

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionResult {
  /** Every partition dropped, in table order. */
  dropped: string[];
  /** The partitions dropped, per table (an empty list for a table kept whole or with none due). */
  tables: Record<PartitionedTable, string[]>;
}

export function retentionJob(deps: {
  db: Kysely<DB>;
  now?: () => number;
}): JobDefinition<typeof Payload, RetentionResult> {
  const now = deps.now ?? Date.now;
  return {
    name: JOBS.applyRetention,
    queue: QUEUES.maintenance,
    payload: Payload,
    attempts: 3,
    backoffMs: 5_000,
    dedupKey: () => 'all',
    async handle(p, ctx) {
      const tables: RetentionResult['tables'] = {
        captures: [],
        readings: [],
        feature_rows: [],
        forecasts: [],
      };
      const settings: [PartitionedTable, number][] = [
        ['captures', p.capturesDays],
        ['readings', p.readingsDays],
        ['feature_rows', p.featuresDays ?? 0],
        ['forecasts', p.forecastsDays ?? 0],
      ];
      for (const [table, days] of settings) {
        if (days === 0) continue;
        const cut = new Date(now() - days * DAY_MS);
        tables[table] = await dropPartitionsBefore(deps.db, table, cut);
        await ctx.log(
          tables[table].length > 0
            ? `${table}: dropped ${tables[table].join(', ')} (older than ${cut.toISOString()})`
            : `${table}: nothing older than ${cut.toISOString()}`,
        );
      }
      return { dropped: settings.flatMap(([t]) => tables[t]), tables };
    },
  };
}
