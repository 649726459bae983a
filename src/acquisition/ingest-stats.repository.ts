/** Per sensor and UTC day counters of rows inserted and duplicates dropped at ingestion. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

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
