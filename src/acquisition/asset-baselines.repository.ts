/**
 * Every query on `asset_baselines`, and the reads of an asset's own history that learn one: when
 * its current life began (first reading, or the end of the latest repair or replacement) and the
 * median of its temperature readings over a window. The median, over readings with no quality
 * flag, so a stuck sensor or a spike in the first week does not move it.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Db = Kysely<DB>;

export interface StoredBaseline {
  life_start: Date;
  window_start: Date;
  window_end: Date;
  temperature_c: number;
  temperature_readings: number;
}

export const assetBaselinesRepository = {
  /** The baseline of the asset's latest life, if learnt. */
  latest(db: Db, assetId: number): Promise<StoredBaseline | undefined> {
    return db
      .selectFrom('asset_baselines')
      .select(['life_start', 'window_start', 'window_end', 'temperature_c', 'temperature_readings'])
      .where('asset_id', '=', assetId)
      .orderBy('life_start', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  async insert(db: Db, assetId: number, b: StoredBaseline): Promise<void> {
    await db
      .insertInto('asset_baselines')
      .values({ asset_id: assetId, ...b })
      .onConflict((oc) => oc.columns(['asset_id', 'life_start']).doNothing())
      .execute();
  },

  /** Start of the current life: the end of the latest repair or replacement (`repairEnd`), else
   * the first temperature reading; and the newest temperature reading (how far the data reaches). */
  async lifeOf(
    db: Db,
    assetId: number,
  ): Promise<{ start: Date | null; newest: Date | null; repairEnd: Date | null }> {
    const { rows } = await sql<{ start: Date | null; newest: Date | null; repairEnd: Date | null }>`
      select coalesce(l.repair_end,
          (select min(r.ts) from readings r join sensors s on s.id = r.sensor_id
            where s.asset_id = ${assetId} and s.kind = 'temperature')) as start,
        (select max(r.ts) from readings r join sensors s on s.id = r.sensor_id
          where s.asset_id = ${assetId} and s.kind = 'temperature') as newest,
        l.repair_end as "repairEnd"
      from (select max(coalesce(e.ended_at, e.occurred_at)) as repair_end from maintenance_events e
        where e.asset_id = ${assetId} and e.kind in ('repair', 'replacement')) l`.execute(db);
    return rows[0] ?? { start: null, newest: null, repairEnd: null };
  },

  /** Median and count of the asset's unflagged temperature readings in [from, to). */
  async temperatureMedian(
    db: Db,
    assetId: number,
    from: Date,
    to: Date,
  ): Promise<{ median: number | null; n: number }> {
    const { rows } = await sql<{ median: number | null; n: string | number }>`
      select percentile_cont(0.5) within group (order by r.value) as median, count(*) as n
      from readings r join sensors s on s.id = r.sensor_id
      where s.asset_id = ${assetId} and s.kind = 'temperature'
        and r.quality_flags = 0 and r.ts >= ${from} and r.ts < ${to}`.execute(db);
    const row = rows[0];
    return { median: row?.median ?? null, n: Number(row?.n ?? 0) };
  },
};
