/** The reads behind the assets' lifecycle states (asset-state.ts): data freshness and recent forecasts. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { StateForecast } from './asset-state.js';

type Q = Kysely<DB> | Transaction<DB>;

/** Timestamps per stream the usual interval is the median gap of. */
const RECENT = 21;

export interface StreamRow {
  asset_id: number;
  /** 'sensor': one sensor's captures and readings; 'forecasts': the as_of of its forecasts. */
  kind: 'sensor' | 'forecasts';
  last_at: Date;
  gap_ms: number | null;
}

export const assetStateRepository = {
  /**
   * Every active asset's data streams: per sensor, the newest capture or reading and the median
   * gap between its newest 21 timestamps (both tables walk their (sensor_id, ts) primary key
   * backwards); per asset, the same of its newest forecasts' as_of, for assets scored from
   * posted features with no stored data.
   */
  async streams(q: Q): Promise<StreamRow[]> {
    const { rows } = await sql<StreamRow>`
      select s.asset_id, 'sensor' as kind, d.last_at, d.gap_ms
      from sensors s
      join assets a on a.id = s.asset_id and a.status = 'active'
      cross join lateral (
        select max(g.ts) as last_at, percentile_cont(0.5) within group (order by g.gap_ms) as gap_ms
        from (
          select u.ts, (extract(epoch from lag(u.ts) over (order by u.ts desc) - u.ts) * 1000)::float8 as gap_ms
          from (
            select x.ts from (
              (select c.ts from captures c where c.sensor_id = s.id order by c.ts desc limit ${RECENT})
              union
              (select r.ts from readings r where r.sensor_id = s.id order by r.ts desc limit ${RECENT})
            ) x order by x.ts desc limit ${RECENT}
          ) u
        ) g
      ) d
      where d.last_at is not null
      union all
      select a.id as asset_id, 'forecasts' as kind, d.last_at, d.gap_ms
      from assets a
      cross join lateral (
        select max(g.as_of) as last_at, percentile_cont(0.5) within group (order by g.gap_ms) as gap_ms
        from (
          select u.as_of,
                 (extract(epoch from lag(u.as_of) over (order by u.as_of desc) - u.as_of) * 1000)::float8 as gap_ms
          from (
            select distinct f0.as_of from (
              select f.as_of from forecasts f where f.asset_id = a.id
              order by f.scored_at desc, f.id desc limit ${RECENT}
            ) f0
          ) u
        ) g
      ) d
      where a.status = 'active' and d.last_at is not null`.execute(q);
    return rows.map((r) => ({
      ...r,
      last_at: new Date(r.last_at),
      gap_ms: r.gap_ms === null ? null : Number(r.gap_ms),
    }));
  },

  /** The newest `perAsset` forecasts of each asset, newest first. */
  async recentForecasts(
    q: Q,
    assetIds: readonly number[],
    perAsset: number,
  ): Promise<Map<number, StateForecast[]>> {
    const out = new Map<number, StateForecast[]>(assetIds.map((id) => [id, []]));
    if (assetIds.length === 0) return out;
    const { rows } = await sql<{
      asset_id: number;
      as_of: Date;
      iso_zone: string | null;
      anomaly_score: number | null;
      health_index: number | null;
      rul_lower_hours: number | null;
    }>`
      select f.asset_id, f.as_of, f.iso_zone, f.anomaly_score, f.health_index, f.rul_lower_hours
      from unnest(${[...assetIds]}::bigint[]) as a(id)
      cross join lateral (
        select * from forecasts where asset_id = a.id order by scored_at desc, id desc limit ${perAsset}
      ) f
      order by f.asset_id, f.scored_at desc, f.id desc`.execute(q);
    for (const r of rows)
      out.get(Number(r.asset_id))!.push({
        asOf: new Date(r.as_of),
        isoZone: r.iso_zone,
        anomalyScore: r.anomaly_score,
        healthIndex: r.health_index,
        rulLowerHours: r.rul_lower_hours,
      });
    return out;
  },
};
