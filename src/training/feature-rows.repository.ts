/**
 * Reads stored feature rows as per-asset histories for the trainers that learn from them (health,
 * RUL over feature rows): one vector per window in window_start order, NaN where a feature was
 * not computable, plus the asset's first failure event after its history starts.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface FeatureHistory {
  assetId: number;
  externalRef: string | null;
  timestamps: Date[];
  vectors: number[][];
  /** First failure event at or after the first window, if any. */
  failureAt: Date | null;
}

/** The stored set's id, or undefined when no row of it was ever written. */
export async function featureSetIdByHash(db: Kysely<DB>, hash: string): Promise<number | undefined> {
  const row = await db.selectFrom('feature_sets').select('id').where('hash', '=', hash).executeTakeFirst();
  return row?.id;
}

async function loadFeatureHistory(
  db: Kysely<DB>,
  asset: { id: number; external_ref: string | null },
  featureSetId: number,
): Promise<FeatureHistory> {
  const rows = await db
    .selectFrom('feature_rows')
    .select(['window_start', 'values'])
    .where('asset_id', '=', asset.id)
    .where('feature_set_id', '=', featureSetId)
    .orderBy('window_start')
    .orderBy('sensor_id')
    .execute();
  const timestamps = rows.map((r) => r.window_start);
  // real[] comes back as numbers; NaN survives as NaN (pg) or the string 'NaN' (some drivers).
  const vectors = rows.map((r) => r.values.map((v) => Number(v)));
  const failure = await db
    .selectFrom('maintenance_events')
    .select('occurred_at')
    .where('asset_id', '=', asset.id)
    .where('kind', '=', 'failure')
    .where('occurred_at', '>=', timestamps[0] ?? new Date(0))
    .orderBy('occurred_at')
    .executeTakeFirst();
  return {
    assetId: asset.id,
    externalRef: asset.external_ref,
    timestamps,
    vectors,
    failureAt: failure?.occurred_at ?? null,
  };
}

/** Every matching asset's history of the set (assets without a row of it are left out). */
export async function loadFeatureHistories(
  db: Kysely<DB>,
  assets: readonly { id: number; external_ref: string | null }[],
  featureSetId: number,
  onAsset?: (done: number, total: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<FeatureHistory[]> {
  const out: FeatureHistory[] = [];
  for (const [i, a] of assets.entries()) {
    signal?.throwIfAborted();
    const h = await loadFeatureHistory(db, a, featureSetId);
    if (h.vectors.length > 0) out.push(h);
    await onAsset?.(i + 1, assets.length);
  }
  return out;
}
