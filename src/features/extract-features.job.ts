/**
 * `extract-features`: feature rows for one asset over a time range (features.service.ts).
 * Idempotent under retry: each page of captures is one transaction replacing the rows of its
 * window interval, so an attempt that dies midway leaves whole pages written, and the retry
 * rewrites the whole range again — exactly one row per (sensor, set, window) in the end.
 * Cancellable between pages; a cancelled run keeps the pages it committed (a re-run replaces them).
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { extractForAsset, resolveFeatureSet, type ExtractResult } from './features.service.js';

// ISO 8601 with a zone; TypeBox's Value.Check knows no `date-time` format without a registry.
const ISO_TIMESTAMP = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';

export const ExtractFeaturesPayload = Type.Object(
  {
    assetId: Type.Integer({ minimum: 1 }),
    from: Type.Optional(Type.String({ pattern: ISO_TIMESTAMP })),
    to: Type.Optional(Type.String({ pattern: ISO_TIMESTAMP })),
    featureSet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export function extractFeaturesJob(deps: {
  db: Kysely<DB>;
}): JobDefinition<typeof ExtractFeaturesPayload, ExtractResult> {
  return {
    name: JOBS.extractFeatures,
    queue: QUEUES.features,
    payload: ExtractFeaturesPayload,
    attempts: 3,
    backoffMs: 2_000,
    dedupKey: (p) => {
      const set = resolveFeatureSet(p.featureSet);
      const t = (s: string | undefined) => (s ? new Date(s).toISOString() : '*');
      return `${p.assetId}:${t(p.from)}:${t(p.to)}:${set.hash.slice(0, 16)}`;
    },
    async handle(p, ctx) {
      return extractForAsset(deps.db, {
        assetId: p.assetId,
        from: p.from === undefined ? undefined : new Date(p.from),
        to: p.to === undefined ? undefined : new Date(p.to),
        featureSet: p.featureSet,
        signal: ctx.signal,
        onProgress: (progress) => ctx.progress({ ...progress }),
        log: (m) => ctx.log(m),
      });
    },
  };
}
