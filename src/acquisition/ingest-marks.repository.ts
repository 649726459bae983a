/**
 * `ingest_marks`: assets with stored data not yet through the live loop (migration 0021).
 * Written in the ingesting transaction, read and cleared by the refresh-asset job.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

type Db = Kysely<DB>;

/** One sensor's data time span in an ingest (epoch ms). */
export interface IngestSpan {
  sensorId: number;
  kind: 'captures' | 'readings';
  fromMs: number;
  toMs: number;
}

export interface IngestMark {
  asset_id: number;
  version: number;
  pending_since: Date;
  last_received_at: Date;
  capture_from: Date | null;
  capture_to: Date | null;
  reading_from: Date | null;
  reading_to: Date | null;
}

/** The mark upsert, one text for both callers: a Kysely transaction (HTTP, MQTT, OPC UA, Sparkplug)
 * and a bulk import's session. Parameters: sensor ids, kinds ('c' capture, 'r' reading) and the
 * spans' epoch-ms bounds, as array literals (the session has no array serialisation of its own). */
const MARK_SQL = `insert into ingest_marks as m (asset_id, pending_since, last_received_at,
    capture_from, capture_to, reading_from, reading_to)
  select s.asset_id, now(), now(),
    to_timestamp(min(u.f) filter (where u.k = 'c') / 1000.0),
    to_timestamp(max(u.t) filter (where u.k = 'c') / 1000.0),
    to_timestamp(min(u.f) filter (where u.k = 'r') / 1000.0),
    to_timestamp(max(u.t) filter (where u.k = 'r') / 1000.0)
  from unnest($1::int8[], $2::text[], $3::float8[], $4::float8[]) as u(sid, k, f, t)
  join sensors s on s.id = u.sid
  group by s.asset_id
  order by s.asset_id
  on conflict (asset_id) do update set
    version = m.version + 1,
    last_received_at = excluded.last_received_at,
    capture_from = least(m.capture_from, excluded.capture_from),
    capture_to = greatest(m.capture_to, excluded.capture_to),
    reading_from = least(m.reading_from, excluded.reading_from),
    reading_to = greatest(m.reading_to, excluded.reading_to)
  returning m.asset_id`;

const list = (xs: ReadonlyArray<number | string>) => `{${xs.join(',')}}`;
const markParams = (spans: readonly IngestSpan[]) => [
  list(spans.map((s) => s.sensorId)),
  list(spans.map((s) => (s.kind === 'captures' ? 'c' : 'r'))),
  list(spans.map((s) => s.fromMs)),
  list(spans.map((s) => s.toMs)),
];

export const ingestMarksRepository = {
  /** Marks the spans' assets pending (or widens their pending spans), in the caller's
   * transaction. Returns the asset ids marked. Rows go in asset order: concurrent ingests
   * touching the same assets lock them in one order and cannot deadlock. */
  async mark(db: Db, spans: readonly IngestSpan[]): Promise<number[]> {
    if (spans.length === 0) return [];
    const { rows } = await db.executeQuery<{ asset_id: number }>(
      CompiledQuery.raw(MARK_SQL, markParams(spans)),
    );
    return rows.map((r) => Number(r.asset_id));
  },

  get(db: Db, assetId: number): Promise<IngestMark | undefined> {
    return db.selectFrom('ingest_marks').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
  },

  /** Clears the mark if no ingest came since it was read at `version`. */
  async clear(db: Db, assetId: number, version: number): Promise<boolean> {
    const r = await db
      .deleteFrom('ingest_marks')
      .where('asset_id', '=', assetId)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },

  /** Assets pending since before `before`, oldest first. */
  async pendingBefore(db: Db, before: Date, limit: number): Promise<number[]> {
    const rows = await db
      .selectFrom('ingest_marks')
      .select('asset_id')
      .where('pending_since', '<', before)
      .orderBy('pending_since')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.asset_id));
  },
};

/** `mark` on a bulk import's session (importers/series-writer.ts), in its open transaction. */
export async function markIngestSession(
  session: SqlSession,
  spans: readonly IngestSpan[],
): Promise<number[]> {
  if (spans.length === 0) return [];
  const r = await session.query<{ asset_id: number }>(MARK_SQL, markParams(spans));
  return r.rows.map((row) => Number(row.asset_id));
}
