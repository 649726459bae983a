/** Per sensor and UTC day counters of rows inserted and duplicates dropped at ingestion. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

export interface DayCount {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  inserted: number;
  duplicates: number;
}

const DAY_MS = 86_400_000;

/** Groups accepted and inserted timestamps (epoch ms) by UTC day, ascending (the lock order). */
export function countByDay(receivedMs: readonly number[], insertedMs: readonly number[]): DayCount[] {
  const days = new Map<number, { received: number; inserted: number }>();
  const bump = (ms: number, key: 'received' | 'inserted') => {
    const d = Math.floor(ms / DAY_MS);
    const c = days.get(d) ?? { received: 0, inserted: 0 };
    c[key] += 1;
    days.set(d, c);
  };
  for (const t of receivedMs) bump(t, 'received');
  for (const t of insertedMs) bump(t, 'inserted');
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([d, c]) => ({
      day: new Date(d * DAY_MS).toISOString().slice(0, 10),
      inserted: c.inserted,
      duplicates: c.received - c.inserted,
    }));
}

export const ingestStatsRepository = {
  async add(
    db: Kysely<DB>,
    sensorId: number,
    table: 'readings' | 'captures',
    counts: DayCount[],
  ): Promise<void> {
    if (counts.length === 0) return;
    const ins = sql.ref(`${table}_inserted`);
    const dup = sql.ref(`${table}_duplicates`);
    await sql`
      insert into sensor_ingest_stats (sensor_id, day, ${ins}, ${dup})
      select ${sensorId}::int8, u.day, u.ins, u.dup
      from unnest(${counts.map((c) => c.day)}::date[], ${counts.map((c) => c.inserted)}::int8[],
                  ${counts.map((c) => c.duplicates)}::int8[]) as u(day, ins, dup)
      on conflict (sensor_id, day) do update set
        ${ins} = sensor_ingest_stats.${ins} + excluded.${ins},
        ${dup} = sensor_ingest_stats.${dup} + excluded.${dup},
        updated_at = now()`.execute(db);
  },

  /** Totals over the UTC days touching [from, to). */
  async totals(
    db: Kysely<DB>,
    sensorId: number,
    from: Date,
    to: Date,
  ): Promise<{ readingsDuplicates: number; capturesDuplicates: number }> {
    const { rows } = await sql<{ rd: number | string | null; cd: number | string | null }>`
      select sum(readings_duplicates)::int8 as rd, sum(captures_duplicates)::int8 as cd
      from sensor_ingest_stats
      where sensor_id = ${sensorId} and day >= (${from}::timestamptz at time zone 'UTC')::date
        and day <= (${to}::timestamptz at time zone 'UTC')::date`.execute(db);
    return { readingsDuplicates: Number(rows[0]?.rd ?? 0), capturesDuplicates: Number(rows[0]?.cd ?? 0) };
  },
};

/** One sensor and UTC day (days since the epoch) of a bulk import's counts. */
export interface BulkDayCounts {
  sensorId: number;
  day: number;
  readingsInserted: number;
  readingsDuplicates: number;
  capturesInserted: number;
  capturesDuplicates: number;
}

/** Adds a bulk import's counts, in the caller's transaction on its session (one statement). */
export async function addBulkDayCounts(session: SqlSession, rows: readonly BulkDayCounts[]): Promise<void> {
  const col = (f: (c: BulkDayCounts) => number) => `{${rows.map(f).join(',')}}`;
  await session.query(
    `insert into sensor_ingest_stats (sensor_id, day, readings_inserted, readings_duplicates,
       captures_inserted, captures_duplicates)
     select s, date '1970-01-01' + d, ri, rd, ci, cd
     from unnest($1::int8[], $2::int4[], $3::int8[], $4::int8[], $5::int8[], $6::int8[])
       as u(s, d, ri, rd, ci, cd)
     order by s, d
     on conflict (sensor_id, day) do update set
       readings_inserted = sensor_ingest_stats.readings_inserted + excluded.readings_inserted,
       readings_duplicates = sensor_ingest_stats.readings_duplicates + excluded.readings_duplicates,
       captures_inserted = sensor_ingest_stats.captures_inserted + excluded.captures_inserted,
       captures_duplicates = sensor_ingest_stats.captures_duplicates + excluded.captures_duplicates,
       updated_at = now()`,
    [
      col((c) => c.sensorId),
      col((c) => c.day),
      col((c) => c.readingsInserted),
      col((c) => c.readingsDuplicates),
      col((c) => c.capturesInserted),
      col((c) => c.capturesDuplicates),
    ],
  );
}
