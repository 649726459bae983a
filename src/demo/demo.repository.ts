/**
 * Every query of the demo: its assets (by external_ref prefix), their sensors and progress
 * marks. It writes no table itself: failures go through the maintenance events service.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { REF_SEPARATOR } from '../twin/index.js';

export interface DemoAsset {
  id: number;
  externalRef: string;
  name: string;
  fingerprint: string | undefined;
  /** The simulator's failure mode ('none' for a machine that never degrades). */
  mode: string | undefined;
}

const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}${REF_SEPARATOR}%`;

export async function demoAssets(db: Kysely<DB>, prefix: string): Promise<DemoAsset[]> {
  const rows = await db
    .selectFrom('assets')
    .select(['id', 'external_ref', 'name', 'metadata'])
    .where('external_ref', 'like', likePrefix(prefix))
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const twin = (
      r.metadata as { twin?: { fingerprint?: string; config?: { degradation?: { mode?: string } } } }
    ).twin;
    return {
      id: r.id,
      externalRef: r.external_ref!,
      name: r.name,
      fingerprint: twin?.fingerprint,
      mode: twin?.config?.degradation?.mode,
    };
  });
}

/** Sensor ids of each asset by sensor name. */
export async function sensorIds(
  db: Kysely<DB>,
  assetIds: number[],
): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (assetIds.length === 0) return out;
  const rows = await db
    .selectFrom('sensors')
    .select(['id', 'asset_id', 'name'])
    .where('asset_id', 'in', assetIds)
    .execute();
  for (const r of rows) {
    let m = out.get(r.asset_id);
    if (!m) out.set(r.asset_id, (m = new Map()));
    m.set(r.name, r.id);
  }
  return out;
}

/** Newest window_start of the asset's rows of the set, or undefined. */
export async function lastWindowStart(
  db: Kysely<DB>,
  assetId: number,
  setHash: string,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('feature_rows')
    .innerJoin('feature_sets', 'feature_sets.id', 'feature_rows.feature_set_id')
    .select((eb) => eb.fn.max('feature_rows.window_start').as('last'))
    .where('feature_rows.asset_id', '=', assetId)
    .where('feature_sets.hash', '=', setHash)
    .executeTakeFirst();
  return row?.last ? new Date(row.last) : undefined;
}

/** Newest capture of any of the assets, or undefined. */
export async function lastCaptureTs(db: Kysely<DB>, assetIds: number[]): Promise<Date | undefined> {
  if (assetIds.length === 0) return undefined;
  const row = await db
    .selectFrom('captures')
    .innerJoin('sensors', 'sensors.id', 'captures.sensor_id')
    .select((eb) => eb.fn.max('captures.ts').as('last'))
    .where('sensors.asset_id', 'in', assetIds)
    .executeTakeFirst();
  return row?.last ? new Date(row.last) : undefined;
}

export async function countRows(db: Kysely<DB>, assetIds: number[]) {
  if (assetIds.length === 0) return { forecasts: 0, suggestions: 0 };
  const f = await db
    .selectFrom('forecasts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('asset_id', 'in', assetIds)
    .executeTakeFirstOrThrow();
  const s = await db
    .selectFrom('work_order_suggestions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('asset_id', 'in', assetIds)
    .executeTakeFirstOrThrow();
  return { forecasts: Number(f.n), suggestions: Number(s.n) };
}
