/**
 * Reads run histories from the database as the sequence steps the RUL pipeline trains on: one
 * step per time step of an asset, its operating settings (sensors named setting_*) as the step's
 * conditions and every other scalar sensor, in name order, as its values. Flagged readings
 * (quality_flags <> 0) are left out; a time step missing any sensor is dropped, not imputed.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SequenceStep } from '../prognostics/rul/sequences.js';

export interface AssetFilter {
  assetIds?: number[];
  externalRefPrefix?: string;
  type?: string;
  site?: string;
}

export interface AssetHistory {
  assetId: number;
  externalRef: string | null;
  sensorNames: string[];
  settingsCount: number;
  timestamps: Date[];
  /** `t` counts the complete time steps from 1. */
  steps: SequenceStep[];
  /** First failure event after the history starts, if any. */
  failureAt: Date | null;
}

const naturalCompare = new Intl.Collator('en', { numeric: true }).compare;

export async function findAssets(db: Kysely<DB>, f: AssetFilter) {
  let q = db.selectFrom('assets').select(['id', 'external_ref', 'name']).where('status', '<>', 'retired');
  if (f.assetIds?.length) q = q.where('id', 'in', f.assetIds);
  if (f.externalRefPrefix)
    q = q.where('external_ref', 'like', `${f.externalRefPrefix.replace(/[\\%_]/g, '\\$&')}%`);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.site) q = q.where('site', '=', f.site);
  return q.orderBy('id').execute();
}

export async function loadAssetHistory(db: Kysely<DB>, assetId: number): Promise<AssetHistory> {
  const asset = await db
    .selectFrom('assets')
    .select(['external_ref'])
    .where('id', '=', assetId)
    .executeTakeFirstOrThrow();
  const sensors = (
    await db
      .selectFrom('sensors')
      .select(['id', 'name'])
      .where('asset_id', '=', assetId)
      .where('kind', '<>', 'vibration')
      .execute()
  ).sort((a, b) => {
    const sa = a.name.startsWith('setting_') ? 0 : 1;
    const sb = b.name.startsWith('setting_') ? 0 : 1;
    return sa - sb || naturalCompare(a.name, b.name);
  });
  const column = new Map(sensors.map((s, i) => [s.id, i]));
  const settingsCount = sensors.filter((s) => s.name.startsWith('setting_')).length;
  const readings = sensors.length
    ? await db
        .selectFrom('readings')
        .select(['sensor_id', 'ts', 'value'])
        .where(
          'sensor_id',
          'in',
          sensors.map((s) => s.id),
        )
        .where('quality_flags', '=', 0)
        .orderBy('ts')
        .execute()
    : [];
  const byTime = new Map<number, { ts: Date; values: (number | undefined)[] }>();
  for (const r of readings) {
    const key = r.ts.getTime();
    let step = byTime.get(key);
    if (!step) byTime.set(key, (step = { ts: r.ts, values: new Array<number | undefined>(sensors.length) }));
    step.values[column.get(r.sensor_id)!] = r.value;
  }
  const timestamps: Date[] = [];
  const steps: SequenceStep[] = [];
  for (const step of [...byTime.values()].sort((a, b) => a.ts.getTime() - b.ts.getTime())) {
    if (step.values.some((v) => v === undefined)) continue;
    const values = step.values as number[];
    timestamps.push(step.ts);
    steps.push({
      t: steps.length + 1,
      conditions: values.slice(0, settingsCount),
      values: values.slice(settingsCount),
    });
  }
  const failure = await db
    .selectFrom('maintenance_events')
    .select('occurred_at')
    .where('asset_id', '=', assetId)
    .where('kind', '=', 'failure')
    .where('occurred_at', '>=', timestamps[0] ?? new Date(0))
    .orderBy('occurred_at')
    .executeTakeFirst();
  return {
    assetId,
    externalRef: asset.external_ref,
    sensorNames: sensors.map((s) => s.name),
    settingsCount,
    timestamps,
    steps,
    failureAt: failure?.occurred_at ?? null,
  };
}
