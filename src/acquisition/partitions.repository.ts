import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

/** The time-series tables partitioned by month (migrations define prognos_ensure_partitions). */
export const PARTITIONED_TABLES = ['captures', 'readings'] as const;

/** Creates the missing monthly partitions of `table` from `monthsBack` before now to
 * `monthsAhead` after it; idempotent. Returns how many it created. */
export async function ensurePartitions(
  db: Kysely<DB>,
  table: (typeof PARTITIONED_TABLES)[number],
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
  table: (typeof PARTITIONED_TABLES)[number],
  fromSec: number,
  toSec: number,
): Promise<void> {
  await session.query('select prognos_ensure_partitions($1, to_timestamp($2), to_timestamp($3))', [
    table,
    fromSec,
    toSec,
  ]);
}

/** Drops the monthly partitions of `table` that end at or before `cut` (migration 0018: never
 * the default partition, one straddling the cut, or one not named by prognos_ensure_partitions);
 * returns their names. */
export async function dropPartitionsBefore(
  db: Kysely<DB>,
  table: (typeof PARTITIONED_TABLES)[number],
  cut: Date,
): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select prognos_drop_partitions_before(${table}, ${cut}::timestamptz) as name`.execute(db);
  return rows.map((r) => r.name);
}
