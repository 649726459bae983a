/** Every query on `captures` (samples are little-endian float32 bytea). */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';
import { fromMicros, type Window } from './readings.repository.js';

type Db = Kysely<DB>;
const US = sql<number>`(extract(epoch from ts) * 1000000)::int8`;

export interface CaptureMeta {
  id: number;
  sensor_id: number;
  us: number;
  sample_rate_hz: number;
  n_samples: number;
  quality_flags: number;
}

export interface CaptureRow extends CaptureMeta {
  samples: Uint8Array;
}

const META = ['id', 'sensor_id', US.as('us'), 'sample_rate_hz', 'n_samples', 'quality_flags'] as const;

export const capturesRepository = {
  /** Inserts unless (sensor, ts) exists. Returns the new id, or undefined for a duplicate. */
  async insert(
    db: Db,
    row: {
      sensorId: number;
      ts: Date;
      sampleRateHz: number;
      samples: Uint8Array;
      nSamples: number;
      flags: number;
    },
  ): Promise<number | undefined> {
    const inserted = await db
      .insertInto('captures')
      .values({
        sensor_id: row.sensorId,
        ts: row.ts,
        sample_rate_hz: row.sampleRateHz,
        n_samples: row.nSamples,
        samples: row.samples,
        quality_flags: row.flags,
      })
      .onConflict((oc) => oc.columns(['sensor_id', 'ts']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted?.id;
  },

  async idAt(db: Db, sensorId: number, ts: Date): Promise<number | undefined> {
    const r = await db
      .selectFrom('captures')
      .select('id')
      .where('sensor_id', '=', sensorId)
      .where('ts', '=', ts)
      .executeTakeFirst();
    return r?.id;
  },

  async page(
    db: Db,
    sensorId: number,
    w: Window & { afterUs?: number | undefined; limit: number },
  ): Promise<CaptureMeta[]> {
    let q = db.selectFrom('captures').select(META).where('sensor_id', '=', sensorId);
    if (w.fromUs !== undefined) q = q.where('ts', '>=', fromMicros(w.fromUs));
    if (w.toUs !== undefined) q = q.where('ts', '<', fromMicros(w.toUs));
    if (w.afterUs !== undefined) q = q.where('ts', '>', fromMicros(w.afterUs));
    return (await q.orderBy('ts').limit(w.limit).execute()) as CaptureMeta[];
  },

  /** Full captures (with samples) in [from, to) after a timestamp, for flag recomputation. */
  async withSamples(
    db: Db,
    sensorId: number,
    w: Window & { afterUs?: number | undefined; limit: number },
  ): Promise<CaptureRow[]> {
    let q = db
      .selectFrom('captures')
      .select([...META, 'samples'])
      .where('sensor_id', '=', sensorId);
    if (w.fromUs !== undefined) q = q.where('ts', '>=', fromMicros(w.fromUs));
    if (w.toUs !== undefined) q = q.where('ts', '<', fromMicros(w.toUs));
    if (w.afterUs !== undefined) q = q.where('ts', '>', fromMicros(w.afterUs));
    return (await q.orderBy('ts').limit(w.limit).execute()) as CaptureRow[];
  },

  async byId(db: Db, id: number): Promise<CaptureRow | undefined> {
    return (await db
      .selectFrom('captures')
      .select([...META, 'samples'])
      .where('id', '=', id)
      .executeTakeFirst()) as CaptureRow | undefined;
  },

  /**
   * The capture `id` of a sensor that started in (`startedBefore` − `maxSpanMs`, `startedBefore`]:
   * what a feature row knows of its source (sensor, source_id, window start). The sensor and time
   * bounds let the primary key and partition pruning find it; `id` alone has no index.
   */
  async byIdNear(
    db: Db,
    f: { sensorId: number; id: number; startedBefore: Date; maxSpanMs: number },
  ): Promise<CaptureRow | undefined> {
    return (await db
      .selectFrom('captures')
      .select([...META, 'samples'])
      .where('sensor_id', '=', f.sensorId)
      .where('ts', '<=', f.startedBefore)
      .where('ts', '>', new Date(f.startedBefore.getTime() - f.maxSpanMs))
      .where('id', '=', f.id)
      .executeTakeFirst()) as CaptureRow | undefined;
  },

  async byTs(db: Db, sensorId: number, us: number): Promise<CaptureRow | undefined> {
    return (await db
      .selectFrom('captures')
      .select([...META, 'samples'])
      .where('sensor_id', '=', sensorId)
      .where('ts', '=', fromMicros(us))
      .executeTakeFirst()) as CaptureRow | undefined;
  },

  async setFlags(db: Db, sensorId: number, us: number, flags: number): Promise<void> {
    await db
      .updateTable('captures')
      .set({ quality_flags: flags })
      .where('sensor_id', '=', sensorId)
      .where('ts', '=', fromMicros(us))
      .execute();
  },
};

/** A capture as the bulk importers send it: samples already encoded (little-endian float32). */
export interface BulkCapture {
  sensorId: number;
  epochSec: number;
  sampleRateHz: number;
  nSamples: number;
  samples: Uint8Array;
}

/** Multi-row insert on a bulk session (importers/series-writer.ts batches); existing (sensor,
 * ts) rows are kept. Returns the rows inserted, for exact per-day and byte counts. */
export async function insertCaptureRows(
  session: SqlSession,
  rows: readonly BulkCapture[],
): Promise<Array<{ sensor_id: number; ts: number; n_samples: number }>> {
  const params: unknown[] = [];
  const tuples = rows.map((c, i) => {
    params.push(c.sensorId, c.epochSec, c.sampleRateHz, c.nSamples, c.samples);
    const p = i * 5;
    return `($${p + 1}::bigint, to_timestamp($${p + 2}::float8), $${p + 3}::float8, $${p + 4}::int, $${p + 5}::bytea)`;
  });
  const r = await session.query<{ sensor_id: number; ts: number; n_samples: number }>(
    `insert into captures (sensor_id, ts, sample_rate_hz, n_samples, samples) values ${tuples.join(',')}
     on conflict do nothing returning sensor_id, extract(epoch from ts)::float8 as ts, n_samples`,
    params,
  );
  return r.rows;
}
