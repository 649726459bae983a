import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

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
