/** The API side of features: request an extraction, read feature rows, list feature sets. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { JOBS } from '../jobs/names.js';
import type { JobQueue } from '../jobs/types.js';
import * as repo from './features.repository.js';
import { extractForAsset, resolveFeatureSet, resolveRange, type ExtractOptions } from './features.service.js';
import { DEFAULT_STORED_FEATURE_SET, getFeatureSet, listFeatureSets } from './stored-feature-sets.js';

export interface ExtractionRequest {
  from?: string | undefined;
  to?: string | undefined;
  featureSet?: string | undefined;
}

async function requestExtraction(
  deps: { db: Kysely<DB>; jobs: JobQueue },
  assetId: number,
  body: ExtractionRequest,
) {
  const set = resolveFeatureSet(body.featureSet, 'body/featureSet');
  const from = body.from === undefined ? undefined : new Date(body.from);
  const to = body.to === undefined ? undefined : new Date(body.to);
  resolveRange(from, to, 'body/');
  if (!(await repo.getAsset(deps.db, assetId))) throw notFound('asset', assetId);
  const payload = {
    assetId,
    ...(from ? { from: from.toISOString() } : {}),
    ...(to ? { to: to.toISOString() } : {}),
    featureSet: set.name,
  };
  const job = await deps.jobs.enqueue(JOBS.extractFeatures, payload);
  return {
    jobId: job.id,
    deduplicated: job.deduplicated,
    featureSet: { name: set.name, version: set.version, hash: set.hash },
    statusUrl: `/v1/jobs/${encodeURIComponent(job.id)}`,
  };
}

export interface FeatureRowsRequest {
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  featureSet?: string | undefined;
  sensorId?: number | undefined;
  order: 'asc' | 'desc';
}

interface Cursor {
  t: string;
  s: number;
}

async function listAssetFeatures(db: Kysely<DB>, assetId: number, q: FeatureRowsRequest) {
  if (!(await repo.getAsset(db, assetId))) throw notFound('asset', assetId);
  const name = q.featureSet ?? DEFAULT_STORED_FEATURE_SET;
  // The current definition of a registered name; otherwise an older stored one (latest version).
  const current = getFeatureSet(name);
  const stored = await repo.findStoredFeatureSet(db, current ? { hash: current.hash } : { name });
  if (!current && !stored) {
    throw badRequest('unknown_feature_set', `querystring/featureSet "${name}" is not a known feature set`);
  }
  const set = {
    id: stored?.id ?? null,
    name,
    version: stored?.version ?? current!.version,
    hash: stored?.hash ?? current!.hash,
    featureNames: current ? [...current.featureNames] : (stored!.definition.featureNames as string[]),
  };
  const range = resolveRange(
    q.from === undefined ? undefined : new Date(q.from),
    q.to === undefined ? undefined : new Date(q.to),
    'querystring/',
  );
  if (!stored) return { featureSet: set, items: [], nextCursor: null };
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  const rows = await repo.listFeatureRows(db, {
    assetId,
    featureSetId: stored.id,
    ...range,
    sensorId: q.sensorId,
    order: q.order,
    after: after && { windowStart: new Date(after.t), sensorId: after.s },
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    featureSet: set,
    items: page.map((r) => ({
      sensorId: r.sensor_id,
      windowStart: r.window_start.toISOString(),
      windowEnd: r.window_end.toISOString(),
      source: r.source,
      sourceId: r.source_id,
      // JSON has no NaN: a feature that could not be computed is null.
      values: r.values.map((v) => (Number.isFinite(v) ? v : null)),
    })),
    nextCursor:
      rows.length > q.limit && last
        ? encodeCursor({ t: last.window_start.toISOString(), s: last.sensor_id })
        : null,
  };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t)) && Number.isInteger(c.s)) return c;
  } catch {
    // fall through
  }
  throw badRequest('invalid_cursor', 'querystring/cursor is not a cursor this endpoint returned');
}

/** Registered definitions and every stored one (older versions included), merged by hash. */
async function listFeatureSetsView(db: Kysely<DB>) {
  const stored = await repo.listStoredFeatureSets(db);
  const byHash = new Map(stored.map((s) => [s.hash, s]));
  const registered = listFeatureSets().map((s) => {
    const row = byHash.get(s.hash);
    byHash.delete(s.hash);
    return {
      id: row?.id ?? null,
      name: s.name,
      version: s.version,
      hash: s.hash,
      registered: true,
      default: s.name === DEFAULT_STORED_FEATURE_SET,
      featureNames: [...s.featureNames],
      definition: s.definition as unknown as Record<string, unknown>,
      createdAt: row?.created_at.toISOString() ?? null,
    };
  });
  const legacy = [...byHash.values()].map((row) => ({
    id: row.id,
    name: row.name,
    version: row.version,
    hash: row.hash,
    registered: false,
    default: false,
    featureNames: (row.definition.featureNames as string[] | undefined) ?? [],
    definition: row.definition,
    createdAt: row.created_at.toISOString(),
  }));
  return { items: [...registered, ...legacy] };
}

/** The features stage as the routes and the demo see it; built once on AppContext. */
export class FeaturesService {
  constructor(private readonly deps: { db: Kysely<DB>; jobs: JobQueue }) {}

  /** Queues an extract-features job for the asset. */
  requestExtraction(assetId: number, body: ExtractionRequest) {
    return requestExtraction(this.deps, assetId, body);
  }

  listAssetFeatures(assetId: number, q: FeatureRowsRequest) {
    return listAssetFeatures(this.deps.db, assetId, q);
  }

  listFeatureSets() {
    return listFeatureSetsView(this.deps.db);
  }

  /** Extracts and stores the asset's feature rows now, in this process (the demo's live stream). */
  extract(opts: ExtractOptions) {
    return extractForAsset(this.deps.db, opts);
  }
}
