/**
 * Every query on `readings`. Timestamps cross the boundary as epoch microseconds (int8): exact
 * whatever precision a row was stored with, so keyset cursors and flag updates never miss a row.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

type Db = Kysely<DB>;

export const fromMicros = (us: number): RawBuilder<Date> =>
  sql<Date>`(timestamptz 'epoch' + ${us}::int8 * interval '1 microsecond')`;

export interface ReadingRow {
  us: number;
  value: number;
  quality_flags: number;
}

export interface Window {
  fromUs?: number | undefined;
  toUs?: number | undefined;
}

export const readingsRepository = {
  /** Bulk insert; existing (sensor, ts) rows are kept. Returns the epoch ms of the rows inserted. */
  async insertBatch(
    db: Db,
    sensorId: number,
    rows: { ts: string[]; values: number[]; flags: number[] },
  ): Promise<number[]> {
    const { rows: inserted } = await sql<{ ms: number }>`
      insert into readings (sensor_id, ts, value, quality_flags)
      select ${sensorId}::int8, u.ts, u.value, u.flags
      from unnest(${rows.ts}::timestamptz[], ${rows.values}::float8[], ${rows.flags}::int4[]) as u(ts, value, flags)
      on conflict (sensor_id, ts) do nothing
      returning (extract(epoch from ts) * 1000)::float8 as ms`.execute(db);
    return inserted.map((r) => Number(r.ms));
  },

  /** Time-ordered rows in [from, to), after the cursor's timestamp. */
  async page(db: Db, sensorId: number, w: Window & { afterUs?: number | undefined; limit: number }) {
    let q = db
      .selectFrom('readings')
      .select([sql<number>`(extract(epoch from ts) * 1000000)::int8`.as('us'), 'value', 'quality_flags'])
      .where('sensor_id', '=', sensorId);
    if (w.fromUs !== undefined) q = q.where('ts', '>=', fromMicros(w.fromUs));
    if (w.toUs !== undefined) q = q.where('ts', '<', fromMicros(w.toUs));
    if (w.afterUs !== undefined) q = q.where('ts', '>', fromMicros(w.afterUs));
    return (await q.orderBy('ts').limit(w.limit).execute()) as ReadingRow[];
  },

  count(db: Db, sensorId: number, w: Window): Promise<number> {
    let q = db
      .selectFrom('readings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sensor_id', '=', sensorId);
    if (w.fromUs !== undefined) q = q.where('ts', '>=', fromMicros(w.fromUs));
    if (w.toUs !== undefined) q = q.where('ts', '<', fromMicros(w.toUs));
    return q.executeTakeFirstOrThrow().then((r) => Number(r.n));
  },

  /** Up to `n` rows just before `us` (returned ascending), for window context. */
  async before(db: Db, sensorId: number, us: number, n: number): Promise<ReadingRow[]> {
    const rows = await db
      .selectFrom('readings')
      .select([sql<number>`(extract(epoch from ts) * 1000000)::int8`.as('us'), 'value', 'quality_flags'])
      .where('sensor_id', '=', sensorId)
      .where('ts', '<', fromMicros(us))
      .orderBy('ts', 'desc')
      .limit(n)
      .execute();
    return (rows as ReadingRow[]).reverse();
  },

  /** Sets quality flags of the given rows (timestamps in epoch µs). */
  async setFlags(db: Db, sensorId: number, us: number[], flags: number[]): Promise<number> {
    if (us.length === 0) return 0;
    const res = await sql`
      update readings r set quality_flags = u.flags
      from unnest(${us}::int8[], ${flags}::int4[]) as u(us, flags)
      where r.sensor_id = ${sensorId}::int8
        and r.ts = timestamptz 'epoch' + u.us * interval '1 microsecond'
        and r.quality_flags <> u.flags`.execute(db);
    return Number(res.numAffectedRows ?? 0);
  },
};

/*
 * The bulk importers' readings inserts on a SqlSession (importers/series-writer.ts batches and
 * counts). A batch is three text array literals `{…}`: sensor ids, epoch seconds, values,
 * parsed server side (one parameter per column, the same SQL on PostgreSQL and PGlite).
 */

/** Rows a grouped insert stored per sensor and UTC day (days since the epoch). */
export interface InsertedPerDay {
  sensor_id: number;
  day: number;
  n: number;
}

const STAGE = 'prognos_import_readings_stage';
const FROM_UNNEST = 'unnest($1::bigint[], $2::float8[], $3::float8[]) as u(s, t, v)';
const FROM_STAGE = `${STAGE} as u(s, t, v)`;

/** The insert; `grouped` also returns the rows inserted per sensor and UTC day. */
function insertReadingsSql(from: string, grouped: boolean): string {
  const insert = `insert into readings (sensor_id, ts, value) select s, to_timestamp(t), v from ${from}
    on conflict do nothing`;
  if (!grouped) return insert;
  return `with ins as (${insert} returning sensor_id, ts)
    select sensor_id, floor(extract(epoch from ts) / 86400)::int4 as day, count(*)::int4 as n
    from ins group by 1, 2`;
}

const counted = (r: { rows: InsertedPerDay[]; rowCount: number }, grouped: boolean) => ({
  rows: r.rows,
  inserted: grouped ? r.rows.reduce((a, g) => a + g.n, 0) : r.rowCount,
});

/** `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING`: rows inserted, per day when `grouped`. */
export async function insertReadingArrays(session: SqlSession, arrays: string[], grouped: boolean) {
  return counted(
    await session.query<InsertedPerDay>(insertReadingsSql(FROM_UNNEST, grouped), arrays),
    grouped,
  );
}

/** The same by COPY into a temporary staging table then `INSERT ... SELECT` (PostgreSQL only). */
export async function copyReadings(session: SqlSession, arrays: string[], grouped: boolean) {
  await session.query(
    `create temp table if not exists ${STAGE} (s bigint, t float8, v float8) on commit drop`,
  );
  const [ids, ts, values] = arrays.map((p) => p.slice(1, -1).split(','));
  let text = '';
  for (let i = 0; i < ids!.length; i++) text += `${ids![i]}\t${ts![i]}\t${values![i]}\n`;
  await session.copyIn!(`copy ${STAGE} from stdin`, text);
  const r = await session.query<InsertedPerDay>(insertReadingsSql(FROM_STAGE, grouped));
  await session.query(`truncate ${STAGE}`);
  return counted(r, grouped);
}
