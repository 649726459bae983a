/**
 * Scheduled scoring: every active asset's newest stored feature row that has not been scored
 * yet becomes a forecast, so forecasts stay current without anyone calling the API.
 */
import { Type } from '@sinclair/typebox';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import type { ScoringService } from './scoring.service.js';

const Payload = Type.Object(
  { assetIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })) },
  { additionalProperties: false },
);

export function scoreFleetJob(deps: { scoring: () => ScoringService }): JobDefinition<typeof Payload> {
  return {
    name: JOBS.scoreFleet,
    queue: QUEUES.scoring,
    payload: Payload,
    attempts: 2,
    backoffMs: 2_000,
    dedupKey: (p) => (p.assetIds ? p.assetIds.join(',') : 'all'),
    async handle(p, ctx) {
      const { rows, scored, failed } = await deps.scoring().scoreNewRows({
        assetIds: p.assetIds,
        source: 'scheduled',
        signal: ctx.signal,
        onFailure: (row, err) => ctx.log(`asset ${row.asset_id}: ${err.message}`),
        onProgress: ({ total, scored, failed }) =>
          ctx.progress({ percent: Math.round(((scored + failed) / total) * 100), scored, failed }),
      });
      return { assets: rows, scored, failed };
    },
  };
}
