/** Every query of the features domain: feature sets, the captures and readings they are
 * extracted from, and feature rows. */
import { sql, type Kysely } from 'kysely';
import { ensurePartitionsAt } from '../acquisition/partitions.repository.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { StoredFeatureSet } from './stored-feature-sets.js';

type Db = Kysely<DB>;

export async function getAsset(db: Db, id: number) {
  return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSensors(db: Db, assetId: number) {
  return db
    .selectFrom('sensors')
    .select(['id', 'kind', 'unit', 'location', 'sample_rate_hz'])
    .where('asset_id', '=', assetId)
    .where('kind', 'in', ['vibration', 'temperature', 'speed'])
    .orderBy('id')
    .execute();
}

/** The feature_sets id of `set`, inserting it on first use. Refuses a definition whose name and
 * version are already stored with another hash (a changed definition needs a new version). */
export async function ensureFeatureSet(db: Db, set: StoredFeatureSet): Promise<number> {
  await db
    .insertInto('feature_sets')
    .values({
      name: set.name,
      version: set.version,
      hash: set.hash,
      definition: JSON.stringify(set.definition),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await db
    .selectFrom('feature_sets')
    .select('id')
    .where('hash', '=', set.hash)
    .executeTakeFirst();
  if (!row) {
    throw new AppError(
      'feature_set_conflict',
      409,
      `feature set ${set.name} v${set.version} is already stored with another definition; bump its version`,
    );
  }
  return row.id;
}

export async function listStoredFeatureSets(db: Db) {
  return db.selectFrom('feature_sets').selectAll().orderBy('name').orderBy('version').execute();
}

export async function findStoredFeatureSet(db: Db, by: { hash: string } | { name: string }) {
  let q = db.selectFrom('feature_sets').selectAll();
  q = 'hash' in by ? q.where('hash', '=', by.hash) : q.where('name', '=', by.name);
  return q.orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export interface CaptureFilter {
  sensorId: number;
  /** Captures starting at or after this (the range start minus the longest capture span). */
  lookFrom: Date;
  from: Date;
  to: Date;
  sampleRate: number;
  windowLength: number;
}

const rateMatches = (rate: number) => sql<boolean>`abs(sample_rate_hz - ${rate}) <= ${rate * 1e-9}`;

/** Counts in [from, to): what will be extracted and what is skipped, without reading samples. */
export async function captureStats(db: Db, f: CaptureFilter) {
  const usable = sql`quality_flags = 0 and ${rateMatches(f.sampleRate)} and n_samples >= ${f.windowLength}`;
  const { rows } = await sql<{
    captures: number;
    windows: number;
    flagged: number;
    short: number;
    sample_rate: number;
  }>`select
      count(*) filter (where ${usable})::int as captures,
      coalesce(sum(n_samples / ${f.windowLength}::int) filter (where ${usable}), 0)::int as windows,
      count(*) filter (where quality_flags <> 0)::int as flagged,
      count(*) filter (where quality_flags = 0 and ${rateMatches(f.sampleRate)}
        and n_samples < ${f.windowLength})::int as short,
      count(*) filter (where quality_flags = 0 and not ${rateMatches(f.sampleRate)})::int as sample_rate
    from captures where sensor_id = ${f.sensorId} and ts >= ${f.from} and ts < ${f.to}`.execute(db);
  return rows[0]!;
}

/** Next page of usable captures (unflagged, right rate, at least one window) after `afterTs`. */
export async function usableCapturePage(db: Db, f: CaptureFilter, afterTs: Date | null, limit: number) {
  let q = db
    .selectFrom('captures')
    .select(['id', 'ts', 'sample_rate_hz', 'n_samples', 'samples'])
    .where('sensor_id', '=', f.sensorId)
    .where('ts', '>=', f.lookFrom)
    .where('ts', '<', f.to)
    .where('quality_flags', '=', 0)
    .where('n_samples', '>=', f.windowLength)
    .where(rateMatches(f.sampleRate));
  if (afterTs) q = q.where('ts', '>', afterTs);
  return q.orderBy('ts').limit(limit).execute();
}

/** Unflagged readings in (after, until], ascending. */
export async function readingsBetween(db: Db, sensorId: number, after: Date, until: Date) {
  const rows = await db
    .selectFrom('readings')
    .select(['ts', 'value'])
    .where('sensor_id', '=', sensorId)
    .where('quality_flags', '=', 0)
    .where('ts', '>', after)
    .where('ts', '<=', until)
    .orderBy('ts')
    .execute();
  const ts = new Float64Array(rows.length);
  const values = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    ts[i] = r.ts.getTime();
    values[i] = r.value;
  });
  return { ts, values };
}

/** The last unflagged reading in (notBefore, at], if any. */
export async function lastReading(db: Db, sensorId: number, notBefore: Date, at: Date) {
  const row = await db
    .selectFrom('readings')
    .select('value')
    .where('sensor_id', '=', sensorId)
    .where('quality_flags', '=', 0)
    .where('ts', '>', notBefore)
    .where('ts', '<=', at)
    .orderBy('ts', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.value;
}

export interface NewFeatureRow {
  windowStart: Date;
  windowEnd: Date;
  sourceId: number;
  values: Float64Array;
}

/**
 * Replaces the rows of (sensor, set) whose window_start is in [lo, hi) with `rows`, in the
 * caller's transaction. An advisory lock serialises writers of one (sensor, set) so two
 * overlapping runs cannot deadlock on each other's keys; ON CONFLICT absorbs a window that an
 * earlier chunk of the same run (overlapping captures) already wrote.
 */
export async function replaceFeatureRows(
  trx: Db,
  key: { assetId: number; sensorId: number; featureSetId: number; lo: Date; hi: Date },
  rows: readonly NewFeatureRow[],
): Promise<{ deleted: number; inserted: number }> {
  await sql`select pg_advisory_xact_lock(hashtext(${`feature_rows:${key.sensorId}:${key.featureSetId}`}))`.execute(
    trx,
  );
  // The months' partitions before this transaction takes any lock on feature_rows: making one
  // locks the whole table until commit, so a writer that waited here for that partition while
  // holding feature_rows locks (or a writer of this key, before the advisory lock) would deadlock.
  await ensurePartitionsAt(
    trx,
    'feature_rows',
    rows.map((r) => r.windowStart),
  );
  const del = await trx
    .deleteFrom('feature_rows')
    .where('sensor_id', '=', key.sensorId)
    .where('feature_set_id', '=', key.featureSetId)
    .where('window_start', '>=', key.lo)
    .where('window_start', '<', key.hi)
    .executeTakeFirst();
  // ON CONFLICT DO UPDATE may not touch one key twice in a statement: the last window wins.
  const unique = [...new Map(rows.map((r) => [r.windowStart.getTime(), r])).values()];
  let inserted = 0;
  if (unique.length > 0) {
    const res = await sql`insert into feature_rows
        (asset_id, sensor_id, feature_set_id, window_start, window_end, source, source_id, "values")
      select ${key.assetId}, ${key.sensorId}, ${key.featureSetId}, u.ws, u.we, 'capture', u.sid, u.v::real[]
      from unnest(
        ${unique.map((r) => r.windowStart.toISOString())}::timestamptz[],
        ${unique.map((r) => r.windowEnd.toISOString())}::timestamptz[],
        ${unique.map((r) => r.sourceId)}::bigint[],
        ${unique.map((r) => `{${Array.from(r.values).join(',')}}`)}::text[]
      ) as u(ws, we, sid, v)
      on conflict (sensor_id, feature_set_id, window_start) do update set
        window_end = excluded.window_end, source = excluded.source, source_id = excluded.source_id,
        "values" = excluded."values", created_at = now()`.execute(trx);
    inserted = Number(res.numAffectedRows ?? 0n);
  }
  return { deleted: Number(del.numDeletedRows), inserted };
}

export interface FeatureRowQuery {
  assetId: number;
  featureSetId: number;
  from: Date;
  to: Date;
  sensorId?: number | undefined;
  order: 'asc' | 'desc';
  after?: { windowStart: Date; sensorId: number } | undefined;
  limit: number;
}

export async function listFeatureRows(db: Db, q: FeatureRowQuery) {
  const cmp = q.order === 'asc' ? '>' : '<';
  let query = db
    .selectFrom('feature_rows')
    .select(['sensor_id', 'window_start', 'window_end', 'source', 'source_id', 'values'])
    .where('asset_id', '=', q.assetId)
    .where('feature_set_id', '=', q.featureSetId)
    .where('window_start', '>=', q.from)
    .where('window_start', '<', q.to);
  if (q.sensorId !== undefined) query = query.where('sensor_id', '=', q.sensorId);
  if (q.after) {
    const { windowStart, sensorId } = q.after;
    query = query.where(
      sql<boolean>`(window_start, sensor_id) ${sql.raw(cmp)} (${windowStart}::timestamptz, ${sensorId}::bigint)`,
    );
  }
  return query.orderBy('window_start', q.order).orderBy('sensor_id', q.order).limit(q.limit).execute();
}
