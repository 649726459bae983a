import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

/** The tables partitioned by month (migrations 0001, 0020 define prognos_ensure_partitions):
 * captures and readings by ts, feature_rows by window_start, forecasts by as_of. */
export const PARTITIONED_TABLES = ['captures', 'readings', 'feature_rows', 'forecasts'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const monthStart = (t: Date | number) => {
  const d = typeof t === 'number' ? new Date(t) : t;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/** Creates the monthly partitions holding these times (Dates or epoch ms; one call per distinct
 * month, one statement in all), so the rows
 * written next land in their month and not in the default partition, where retention cannot
 * reach them and which would stop that month's partition from ever being created. */
export async function ensurePartitionsAt(
  db: Kysely<DB>,
  table: PartitionedTable,
  times: readonly (Date | number)[],
): Promise<void> {
  const months = [...new Set(times.map(monthStart))]
    .sort((a, b) => a - b)
    .map((m) => new Date(m).toISOString());
  if (months.length === 0) return;
  await sql`select prognos_ensure_partitions(${table}, m, m) from unnest(${months}::timestamptz[]) as m`.execute(
    db,
  );
}

/** Creates the missing monthly partitions of `table` from `monthsBack` before now to
 * `monthsAhead` after it; idempotent. Returns how many it created. */
export async function ensurePartitions(
  db: Kysely<DB>,
  table: PartitionedTable,
  monthsBack: number,
  monthsAhead: number,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`select prognos_ensure_partitions(
      ${table},
      now() - make_interval(months => ${monthsBack}::int),
      now() + make_interval(months => ${monthsAhead}::int)) as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** The partitions of `table` covering [from, to] (epoch seconds), on a bulk import's session. */
export async function ensurePartitionsBetween(
  session: SqlSession,
  table: PartitionedTable,
  fromSec: number,
  toSec: number,
): Promise<void> {
  await session.query('select prognos_ensure_partitions($1, to_timestamp($2), to_timestamp($3))', [
    table,
    fromSec,
    toSec,
  ]);
}

/** Drops the monthly partitions of `table` that end at or before `cut` (migrations 0018, 0020:
 * never the default partition, one straddling the cut or reaching into the current month, or
 * one not named by prognos_ensure_partitions); returns their names. */
export async function dropPartitionsBefore(
  db: Kysely<DB>,
  table: PartitionedTable,
  cut: Date,
): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select prognos_drop_partitions_before(${table}, ${cut}::timestamptz) as name`.execute(db);
  return rows.map((r) => r.name);
}
