/**
 * What the fleet-stream bench reads off the running system: a process's CPU and per-stage CPU
 * from its /metrics, the CPU of the PostgreSQL backends serving one database (from /proc, the
 * server being local), the Redis memory of one queue prefix, and the bytes of the partitioned
 * tables (as bench/retention-sizing.ts measures them).
 */
import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { PARTITIONED_TABLES } from '../src/acquisition/partitions.repository.js';
import type { DB } from '../src/db/schema.js';

export const STAGES = ['ingest', 'extract', 'score', 'advice'] as const;
export type Stage = (typeof STAGES)[number];

export interface CpuSample {
  /** process_cpu_seconds_total. */
  cpu: number;
  stages: Record<Stage, number>;
}

/** One scrape of a Prognos process's /metrics. */
export async function scrapeCpu(metricsUrl: string): Promise<CpuSample> {
  const res = await fetch(metricsUrl);
  if (!res.ok) throw new Error(`${metricsUrl}: ${res.status}`);
  const text = await res.text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  const stages = Object.fromEntries(
    STAGES.map((s) => [
      s,
      value(new RegExp(`^prognos_stage_cpu_seconds_total\\{stage="${s}"\\} (\\S+)$`, 'm')),
    ]),
  ) as Record<Stage, number>;
  return { cpu: value(/^process_cpu_seconds_total (\S+)$/m), stages };
}

export function cpuDelta(a: CpuSample, b: CpuSample): CpuSample {
  return {
    cpu: b.cpu - a.cpu,
    stages: Object.fromEntries(STAGES.map((s) => [s, b.stages[s] - a.stages[s]])) as Record<Stage, number>,
  };
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU seconds of the PostgreSQL backends connected to `database`, tracked across samples: a
 * backend's last reading is kept after it exits, so only what it used after its last sample is
 * missed. Null when /proc is not readable (the server on another host).
 */
export class BackendCpu {
  private readonly seen = new Map<number, { first: number; last: number }>();
  constructor(
    private readonly db: Kysely<DB>,
    private readonly database: string,
  ) {}

  async sample(): Promise<void> {
    const { rows } = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = ${this.database}`.execute(this.db);
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (!stat) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const s = (Number(f[11]) + Number(f[12])) / TICKS_PER_S; // utime, stime
      const prev = this.seen.get(pid);
      this.seen.set(pid, { first: prev?.first ?? s, last: s });
    }
  }

  /** CPU seconds used since each backend's first sample (a backend seen first late counts from then). */
  seconds(): number | null {
    if (this.seen.size === 0) return null;
    let total = 0;
    for (const v of this.seen.values()) total += v.last - v.first;
    return total;
  }

  /** Forgets the history: the next samples start the measured interval. */
  reset(): void {
    for (const [pid, v] of this.seen) this.seen.set(pid, { first: v.last, last: v.last });
  }
}

/** Bytes held in Redis under one BullMQ prefix (MEMORY USAGE of each key). */
export async function prefixBytes(redis: Redis, prefix: string): Promise<{ bytes: number; keys: number }> {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      bytes += (await redis.memory('USAGE', key)) ?? 0;
      keys += 1;
    }
  } while (cursor !== '0');
  return { bytes, keys };
}

/** Bytes of the partitioned tables (every partition: heap, TOAST, indexes), and of the whole database. */
export async function databaseBytes(
  db: Kysely<DB>,
): Promise<{ tables: Record<string, number>; database: number }> {
  const tables: Record<string, number> = {};
  for (const table of PARTITIONED_TABLES) tables[table] = await partitionedTableBytes(db, table);
  const { rows } = await sql<{
    bytes: string;
  }>`select pg_database_size(current_database())::text as bytes`.execute(db);
  return { tables, database: Number(rows[0]!.bytes) };
}

/** pg_total_relation_size summed over a partitioned table's partitions. */
export async function partitionedTableBytes(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{ bytes: string | null }>`
    select sum(pg_total_relation_size(relid))::text as bytes from pg_partition_tree(${table}::regclass)`.execute(
    db,
  );
  return Number(rows[0]!.bytes ?? 0);
}
