/**
 * `refresh-asset`: one asset through the live loop (live-loop.ts): its pending data's feature
 * rows, a forecast for each new row, the work-order rules. Retried whole: extraction rewrites
 * its range and forecasts are keyed, so an attempt that died midway leaves nothing twice.
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { refreshAsset, type RefreshResult } from './live-loop.js';
import type { ScoringService } from './scoring.service.js';

const Payload = Type.Object({ assetId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export function refreshAssetJob(deps: {
  db: Kysely<DB>;
  scoring: () => ScoringService;
}): JobDefinition<typeof Payload, RefreshResult> {
  return {
    name: JOBS.refreshAsset,
    queue: QUEUES.scoring,
    payload: Payload,
    attempts: 3,
    backoffMs: 2_000,
    handle: (p, ctx) => refreshAsset({ db: deps.db, scoring: deps.scoring() }, p.assetId, ctx.signal),
  };
}
