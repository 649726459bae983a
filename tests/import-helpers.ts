// Shared by tests/import*.test.ts: default options, table counts, a one-call import.
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { runImport } from '../src/acquisition/importers/run-import.js';
import { parseBaseDate } from '../src/acquisition/importers/time-axis.js';
import type { ImportFormat, ImportOptions, ImportSummary } from '../src/acquisition/importers/types.js';

export const BASE = parseBaseDate('2000-01-01');

const OPTIONS: ImportOptions = {
  site: null,
  assetPrefix: null,
  batchSize: 10_000,
  baseEpochSec: BASE,
  captureSeconds: 1,
};

export function importInto(
  db: Database,
  format: ImportFormat,
  paths: string[],
  options: Partial<ImportOptions> = {},
): Promise<ImportSummary> {
  return runImport(db, format, paths, { ...OPTIONS, ...options });
}

export interface TableCounts {
  assets: number;
  sensors: number;
  readings: number;
  captures: number;
  events: number;
}

export async function tableCounts(db: Database): Promise<TableCounts> {
  const { rows } = await sql<TableCounts>`
    select (select count(*) from assets)::int as assets,
           (select count(*) from sensors)::int as sensors,
           (select count(*) from readings)::int as readings,
           (select count(*) from captures)::int as captures,
           (select count(*) from maintenance_events)::int as events`.execute(db.db);
  return rows[0]!;
}

/** Totals of sensor_ingest_stats, to check that imports keep it as HTTP ingestion does. */
export async function ingestTotals(db: Database) {
  const { rows } = await sql<{ ri: number; rd: number; ci: number; cd: number }>`
    select coalesce(sum(readings_inserted), 0)::int as ri, coalesce(sum(readings_duplicates), 0)::int as rd,
           coalesce(sum(captures_inserted), 0)::int as ci, coalesce(sum(captures_duplicates), 0)::int as cd
    from sensor_ingest_stats`.execute(db.db);
  return rows[0]!;
}

/** Summary counts without the timing fields. */
export function stored(s: ImportSummary) {
  const { assets, sensors, readings, captures, events, duplicates } = s;
  return { assets, sensors, readings, captures, events, duplicates };
}

export function isoOf(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString();
}

/** Deletes every asset and what hangs off it (sensors, series, events, stats). */
export async function emptyTables(db: Database): Promise<void> {
  await sql`truncate assets, sensor_ingest_stats restart identity cascade`.execute(db.db);
}

export function assetByRef(db: Database, ref: string) {
  return db.db.selectFrom('assets').selectAll().where('external_ref', '=', ref).executeTakeFirstOrThrow();
}

/** One sensor's readings of the asset `ref`, in time order. */
export function readingsByRef(db: Database, ref: string, sensor: string) {
  return db.db
    .selectFrom('readings as r')
    .innerJoin('sensors as s', 's.id', 'r.sensor_id')
    .innerJoin('assets as a', 'a.id', 's.asset_id')
    .select(['r.ts', 'r.value'])
    .where('a.external_ref', '=', ref)
    .where('s.name', '=', sensor)
    .orderBy('r.ts')
    .execute();
}
