/**
 * Scheduled scoring: every active asset's newest stored feature row that has not been scored
 * yet becomes a forecast, so forecasts stay current without anyone calling the API.
 */
import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import type { ScoringService } from './scoring.service.js';

const Payload = Type.Object(
  { assetIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })) },
  { additionalProperties: false },
);

interface Latest {
  asset_id: number;
  sensor_id: number;
  feature_set_id: number;
  window_start: Date;
  window_end: Date;
  values: number[];
  set_name: string;
  names: string[];
}

export async function latestUnscored(db: Kysely<DB>, assetIds?: number[]): Promise<Latest[]> {
  const { rows } = await sql<Latest>`
    select distinct on (fr.asset_id) fr.asset_id, fr.sensor_id, fr.feature_set_id, fr.window_start, fr.window_end,
      fr."values", fs.name as set_name, array(select jsonb_array_elements_text(fs.definition->'featureNames')) as names
    from feature_rows fr
    join feature_sets fs on fs.id = fr.feature_set_id
    join assets a on a.id = fr.asset_id and a.status = 'active'
    where (${assetIds ?? null}::bigint[] is null or fr.asset_id = any(${assetIds ?? null}::bigint[]))
      and not exists (select 1 from forecasts f where f.asset_id = fr.asset_id and f.as_of >= fr.window_end)
    order by fr.asset_id, fr.window_end desc`.execute(db);
  return rows;
}

export function scoreFleetJob(deps: {
  db: Kysely<DB>;
  scoring: () => ScoringService;
}): JobDefinition<typeof Payload> {
  return {
    name: JOBS.scoreFleet,
    queue: QUEUES.scoring,
    payload: Payload,
    attempts: 2,
    backoffMs: 2_000,
    dedupKey: (p) => (p.assetIds ? p.assetIds.join(',') : 'all'),
    async handle(p, ctx) {
      const todo = await latestUnscored(deps.db, p.assetIds);
      let scored = 0;
      let failed = 0;
      for (const row of todo) {
        if (ctx.signal.aborted) break;
        const features = Object.fromEntries(
          row.names.map((n, i) => [n, Number.isFinite(row.values[i]) ? row.values[i]! : null]),
        );
        try {
          await deps.scoring().score({
            assetId: row.asset_id,
            featureSet: row.set_name,
            features,
            asOf: row.window_end,
            source: 'scheduled',
            inputIds: {
              featureRow: {
                sensorId: row.sensor_id,
                featureSetId: row.feature_set_id,
                windowStart: row.window_start.toISOString(),
              },
            },
          });
          scored += 1;
        } catch (err) {
          failed += 1;
          await ctx.log(`asset ${row.asset_id}: ${(err as Error).message}`);
        }
        await ctx.progress({ percent: Math.round(((scored + failed) / todo.length) * 100), scored, failed });
      }
      return { assets: todo.length, scored, failed };
    },
  };
}
