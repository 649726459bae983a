/** The scoring pipeline's reads of stored features: rows not scored yet, and an asset's recent windows. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Db = Kysely<DB>;

export interface UnscoredRow {
  asset_id: number;
  sensor_id: number;
  feature_set_id: number;
  window_start: Date;
  window_end: Date;
  /** The capture the window was cut from (feature_rows.source_id); null for reading-based rows. */
  source_id: number | null;
  /** When that capture was stored (captures.created_at); null without one, or once it is gone. */
  capture_stored_at: Date | null;
  values: number[];
  set_name: string;
  /** The stored feature set's feature names, in the order of `values`. */
  names: string[];
}

export interface UnscoredFilter {
  /** Default: every active asset. */
  assetIds?: number[] | undefined;
  /** Only rows of the feature set with this hash; default: rows of any set. */
  featureSetHash?: string | undefined;
  /** The newest this many rows of each asset. */
  perAsset: number;
  /** The longest capture (MAX_CAPTURE_SPAN_MS): a row's capture started at most this long
   * before the row's window, which bounds the capture lookup to a partition or two. */
  captureSpanMs: number;
}

export const scoringRepository = {
  /** Feature rows of active assets newer than the asset's latest forecast (a forecast as of a
   * row's window end or later covers it), the newest `perAsset` of each asset; by asset, then
   * oldest first, so forecasts are written in the order their windows ended. */
  async unscored(db: Db, f: UnscoredFilter): Promise<UnscoredRow[]> {
    const assetIds = f.assetIds ?? null;
    const hash = f.featureSetHash ?? null;
    const { rows } = await sql<UnscoredRow>`
      select r.asset_id, r.sensor_id, r.feature_set_id, r.window_start, r.window_end, r.source_id, r."values",
        fs.name as set_name, array(select jsonb_array_elements_text(fs.definition->'featureNames')) as names,
        (select c.created_at from captures c
          where r.source = 'capture' and c.sensor_id = r.sensor_id and c.id = r.source_id
            and c.ts <= r.window_start and c.ts > r.window_start - ${f.captureSpanMs} * interval '1 millisecond'
        ) as capture_stored_at
      from (
        select fr.asset_id, fr.sensor_id, fr.feature_set_id, fr.window_start, fr.window_end, fr.source, fr.source_id, fr."values",
          row_number() over (partition by fr.asset_id order by fr.window_end desc, fr.window_start desc) as newest
        from feature_rows fr
        join feature_sets s on s.id = fr.feature_set_id
        join assets a on a.id = fr.asset_id and a.status = 'active'
        where (${assetIds}::bigint[] is null or fr.asset_id = any(${assetIds}::bigint[]))
          and (${hash}::text is null or s.hash = ${hash})
          and not exists (select 1 from forecasts f where f.asset_id = fr.asset_id and f.as_of >= fr.window_end)
      ) r
      join feature_sets fs on fs.id = r.feature_set_id
      where r.newest <= ${f.perAsset}
      order by r.asset_id, r.window_end, r.window_start`.execute(db);
    return rows;
  },

  /**
   * One page of an active asset's feature rows of a set with window_start in [from, to), after
   * `after` (the last row of the previous page), oldest first: what a live-loop refresh
   * extracted, scored or not (the input key tells).
   */
  async rowsBetween(
    db: Db,
    f: {
      assetId: number;
      featureSetId: number;
      from: Date;
      to: Date;
      after: { windowStart: Date; sensorId: number } | null;
      limit: number;
      captureSpanMs: number;
    },
  ): Promise<UnscoredRow[]> {
    const afterStart = f.after?.windowStart ?? null;
    const afterSensor = f.after?.sensorId ?? null;
    const { rows } = await sql<UnscoredRow>`
      select fr.asset_id, fr.sensor_id, fr.feature_set_id, fr.window_start, fr.window_end, fr.source_id, fr."values",
        fs.name as set_name, array(select jsonb_array_elements_text(fs.definition->'featureNames')) as names,
        (select c.created_at from captures c
          where fr.source = 'capture' and c.sensor_id = fr.sensor_id and c.id = fr.source_id
            and c.ts <= fr.window_start and c.ts > fr.window_start - ${f.captureSpanMs} * interval '1 millisecond'
        ) as capture_stored_at
      from feature_rows fr
      join feature_sets fs on fs.id = fr.feature_set_id
      join assets a on a.id = fr.asset_id and a.status = 'active'
      where fr.asset_id = ${f.assetId} and fr.feature_set_id = ${f.featureSetId}
        and fr.window_start >= ${f.from} and fr.window_start < ${f.to}
        and (${afterStart}::timestamptz is null
          or (fr.window_start, fr.sensor_id) > (${afterStart}::timestamptz, ${afterSensor}::int8))
      order by fr.window_start, fr.sensor_id
      limit ${f.limit}`.execute(db);
    return rows;
  },

  /** The asset's `limit` newest windows of the set that ended before `before`, newest first. */
  recentWindows(db: Db, f: { assetId: number; featureSetHash: string; before: Date; limit: number }) {
    return db
      .selectFrom('feature_rows')
      .innerJoin('feature_sets', 'feature_sets.id', 'feature_rows.feature_set_id')
      .select(['feature_rows.values'])
      .where('feature_rows.asset_id', '=', f.assetId)
      .where('feature_sets.hash', '=', f.featureSetHash)
      .where('feature_rows.window_end', '<', f.before)
      .orderBy('feature_rows.window_start', 'desc')
      .limit(f.limit)
      .execute();
  },
};
