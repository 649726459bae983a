/**
 * `sensor_ingest_stats` for bulk imports, as the HTTP ingestion keeps it: rows inserted and
 * duplicates dropped per sensor and UTC day of the sample timestamps, written in the ingesting
 * transaction. Counts are gathered per batch in memory and written once per transaction.
 *
 * Exact per-day counts need to know which rows of a batch were dropped. The import avoids
 * asking (RETURNING costs a sixth of the insert rate) where no row can be dropped: a sensor this
 * import created, whose timestamps keep increasing, has nothing to collide with. Only batches
 * that may collide (re-imports, appends to existing sensors) return counts per day.
 */
import type { SqlSession } from '../../db/sql-session.js';
import { addBulkDayCounts, type BulkDayCounts } from '../ingest-stats.repository.js';

const DAY_S = 86_400;

/** Rows of one batch per (sensor, UTC day), keyed `sensor:day`. */
export type BatchGroups = Map<string, { sensorId: number; day: number; rows: number }>;

export function dayOf(epochSec: number): number {
  return Math.floor(epochSec / DAY_S);
}

export function groupKey(sensorId: number, day: number): string {
  return `${sensorId}:${day}`;
}

export function addToGroups(groups: BatchGroups, sensorId: number, day: number, rows = 1): void {
  const key = groupKey(sensorId, day);
  const g = groups.get(key);
  if (g) g.rows += rows;
  else groups.set(key, { sensorId, day, rows });
}

export class IngestStats {
  private days = new Map<string, BulkDayCounts>();
  /** Sensors created by this import, with the last timestamp sent for each. */
  private readonly fresh = new Map<number, number>();

  markFresh(sensorIds: Iterable<number>): void {
    for (const id of sensorIds) if (!this.fresh.has(id)) this.fresh.set(id, -Infinity);
  }

  /** Whether no row of this batch can already be stored; if so, records its timestamps as sent. */
  claimCollisionFree(ids: Float64Array, secs: Float64Array): boolean {
    const last = new Map<number, number>();
    let sensor = NaN;
    let previous = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id !== sensor) {
        if (!Number.isNaN(sensor)) last.set(sensor, previous);
        const known = last.get(id) ?? this.fresh.get(id);
        if (known === undefined) return false;
        sensor = id;
        previous = known;
      }
      if (!(secs[i]! > previous)) return false;
      previous = secs[i]!;
    }
    if (!Number.isNaN(sensor)) last.set(sensor, previous);
    for (const [id, t] of last) this.fresh.set(id, t);
    return true;
  }

  /** Records a batch: `inserted` per group when known, otherwise all of it or none. */
  record(
    table: 'readings' | 'captures',
    groups: BatchGroups,
    insertedPerGroup: Map<string, number> | 'all' | 'none',
  ): void {
    for (const [key, g] of groups) {
      const inserted =
        insertedPerGroup === 'all'
          ? g.rows
          : insertedPerGroup === 'none'
            ? 0
            : (insertedPerGroup.get(key) ?? 0);
      let c = this.days.get(key);
      if (!c) {
        c = {
          sensorId: g.sensorId,
          day: g.day,
          readingsInserted: 0,
          readingsDuplicates: 0,
          capturesInserted: 0,
          capturesDuplicates: 0,
        };
        this.days.set(key, c);
      }
      if (table === 'readings') {
        c.readingsInserted += inserted;
        c.readingsDuplicates += g.rows - inserted;
      } else {
        c.capturesInserted += inserted;
        c.capturesDuplicates += g.rows - inserted;
      }
    }
  }

  /** Adds the gathered counts to `sensor_ingest_stats` (in the caller's transaction). */
  async write(session: SqlSession): Promise<void> {
    const rows = [...this.days.values()];
    this.days = new Map();
    if (rows.length === 0) return;
    await addBulkDayCounts(session, rows);
  }

  /** After a rollback: nothing gathered was stored, and no timestamp was sent. */
  reset(): void {
    this.days = new Map();
    this.fresh.clear();
  }
}
