/**
 * Bytes per asset-day of each partitioned table (README "Retention"), measured on PostgreSQL:
 * `--assets` assets, each with one vibration and one temperature sensor, get `--days` days of
 * data at a stated rate — a capture of `--samples` float32 samples every `--capture-minutes`,
 * a reading every `--reading-seconds`, one feature row per capture (the stored default feature
 * set's vector length) and one forecast per feature row (what the scheduled scoring writes) —
 * then `pg_total_relation_size` summed over each table's partitions (heap, TOAST, indexes, free
 * space and visibility maps, after VACUUM) is divided by assets × days. Feature rows and
 * forecasts go through their repositories (the write paths, partitions made there); captures
 * and readings by plain INSERTs of the same columns the ingestion writes. Samples are random:
 * vibration noise does not compress, so TOAST's compression gains nothing either way. Forecast
 * JSON has the scoring service's shape (3 contributions, 7 indicators, lineage of 2 models, a
 * diagnosis with 6 lines of evidence). Prints per-table bytes and the projections for 1,000
 * and 10,000 assets. Then times migration 0020 (which copies feature_rows and forecasts into
 * their partitioned tables) on a second database stopped at 0019 and filled with
 * `--migration-rows` rows of each. `--json` ends with one line of the figures.
 *   DATABASE_URL=postgres://... node --import tsx bench/retention-sizing.ts [--assets 8] [--days 7]
 *     [--samples 2560] [--capture-minutes 10] [--reading-seconds 60] [--migration-rows 100000] [--json]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { ensurePartitionsAt, PARTITIONED_TABLES } from '../src/acquisition/partitions.repository.js';
import { openDatabase } from '../src/db/database.js';
import { migrate, readMigrations } from '../src/db/migrator.js';
import { replaceFeatureRows } from '../src/features/features.repository.js';
import { getFeatureSet, DEFAULT_STORED_FEATURE_SET } from '../src/features/stored-feature-sets.js';
import { forecastsRepository, type NewForecast } from '../src/forecasting/forecasts.repository.js';
import { partitionedTableBytes } from './fleet-probes.js';

const { values: flags } = parseArgs({
  options: {
    assets: { type: 'string', default: '8' },
    days: { type: 'string', default: '7' },
    samples: { type: 'string', default: '2560' },
    'capture-minutes': { type: 'string', default: '10' },
    'reading-seconds': { type: 'string', default: '60' },
    'migration-rows': { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
  },
});
const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    'bench/retention-sizing.ts needs DATABASE_URL (PostgreSQL): PGlite sizes are not what a server holds',
  );
  process.exit(2);
}
const ASSETS = Number(flags.assets);
const DAYS = Number(flags.days);
const SAMPLES = Number(flags.samples);
const CAPTURE_MS = Number(flags['capture-minutes']) * 60_000;
const READING_S = Number(flags['reading-seconds']);
const START = Date.parse('2025-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
const set = getFeatureSet(DEFAULT_STORED_FEATURE_SET)!;

async function admin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
async function freshDatabase(tag: string) {
  const name = `prognos_bench_sizing_${process.pid}_${tag}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  const u = new URL(url!);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolMax: 2 });
  return {
    db: database.db,
    async drop() {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
const sizing = await freshDatabase('size');
const db = sizing.db;
const figures: Record<string, number> = {};

try {
  await migrate(db);
  const hash = set.hash;
  const { rows: fs } = await sql<{ id: string }>`insert into feature_sets (name, version, hash, definition)
    values (${set.name}, ${set.version}, ${hash}, ${JSON.stringify(set.definition)}) returning id`.execute(
    db,
  );
  const featureSetId = Number(fs[0]!.id);
  const times = Array.from(
    { length: Math.round((DAYS * DAY_MS) / CAPTURE_MS) },
    (_, i) => START + i * CAPTURE_MS,
  );
  const until = START + DAYS * DAY_MS;
  for (const table of ['captures', 'readings'] as const)
    await ensurePartitionsAt(db, table, [new Date(START), new Date(until - 1)]);
  const t0 = Date.now();
  for (let a = 0; a < ASSETS; a++) {
    const { rows: asset } = await sql<{ id: string }>`insert into assets (name, type, nominal_speed_rpm)
      values (${`A-${a}`}, 'pump', 1480) returning id`.execute(db);
    const assetId = Number(asset[0]!.id);
    const { rows: sensors } = await sql<{
      id: string;
      kind: string;
    }>`insert into sensors (asset_id, name, kind, unit, sample_rate_hz)
      values (${assetId}, 'de', 'vibration', 'g', 25600), (${assetId}, 'temp', 'temperature', '°C', null)
      returning id, kind`.execute(db);
    const vib = Number(sensors.find((s) => s.kind === 'vibration')!.id);
    const temp = Number(sensors.find((s) => s.kind === 'temperature')!.id);
    // Captures, 50 a statement.
    const captureIds: number[] = [];
    for (let i = 0; i < times.length; i += 50) {
      const chunk = times.slice(i, i + 50);
      const { rows } = await sql<{
        id: string;
      }>`insert into captures (sensor_id, ts, sample_rate_hz, n_samples, samples)
        select ${vib}, to_timestamp(t / 1000.0), 25600, ${SAMPLES}, s
        from unnest(${chunk}::float8[], ${chunk.map(() => Buffer.from(new Float32Array(SAMPLES).map(() => Math.random() - 0.5).buffer))}::bytea[]) as u(t, s)
        returning id`.execute(db);
      captureIds.push(...rows.map((r) => Number(r.id)));
    }
    await sql`insert into readings (sensor_id, ts, value)
      select ${temp}, g, 40 + random() from generate_series(${new Date(START)}::timestamptz,
        ${new Date(until - 1)}::timestamptz, make_interval(secs => ${READING_S})) g`.execute(db);
    await db.transaction().execute((trx) =>
      replaceFeatureRows(
        trx,
        { assetId, sensorId: vib, featureSetId, lo: new Date(START), hi: new Date(until) },
        times.map((t, i) => ({
          windowStart: new Date(t),
          windowEnd: new Date(t + (set.vibration.params.windowLength / 12_000) * 1000),
          sourceId: captureIds[i]!,
          values: Float64Array.from(set.featureNames, () => Math.random() * 10),
        })),
      ),
    );
    const forecasts: NewForecast[] = times.map((t) => forecastOf(assetId, t));
    for (let i = 0; i < forecasts.length; i += 500)
      await forecastsRepository.insertMany(db, forecasts.slice(i, i + 500));
  }
  const writeSeconds = (Date.now() - t0) / 1000;
  await sql`vacuum analyze`.execute(db);

  Object.assign(figures, {
    assets: ASSETS,
    days: DAYS,
    captures_per_day: Math.round(DAY_MS / CAPTURE_MS),
    readings_per_day: Math.round(86_400 / READING_S),
    write_seconds: Number(writeSeconds.toFixed(1)),
  });
  console.log(
    `retention sizing: ${ASSETS} assets × ${DAYS} days on PostgreSQL; per asset-day ${figures.captures_per_day} captures of ${SAMPLES} samples,` +
      ` ${figures.readings_per_day} readings, ${figures.captures_per_day} feature rows (${set.featureNames.length} values), ${figures.captures_per_day} forecasts`,
  );
  const rowsOut: string[][] = [
    ['table', 'rows', 'bytes/row', 'bytes/asset-day', '1,000 assets/day', '10,000 assets/day'],
  ];
  let total = 0;
  for (const table of PARTITIONED_TABLES) {
    const bytes = await partitionedTableBytes(db, table);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(
      db,
    );
    const n = Number(rows[0]!.n);
    const perAssetDay = bytes / (ASSETS * DAYS);
    total += perAssetDay;
    figures[`${table}_bytes_per_row`] = Math.round(bytes / n);
    figures[`${table}_bytes_per_asset_day`] = Math.round(perAssetDay);
    rowsOut.push([
      table,
      String(n),
      String(Math.round(bytes / n)),
      mb(perAssetDay),
      mb(perAssetDay * 1_000),
      mb(perAssetDay * 10_000),
    ]);
  }
  figures.total_bytes_per_asset_day = Math.round(total);
  rowsOut.push(['all four', '', '', mb(total), mb(total * 1_000), mb(total * 10_000)]);
  const widths = rowsOut[0]!.map((_, c) => Math.max(...rowsOut.map((r) => r[c]!.length)));
  for (const r of rowsOut)
    console.log(
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
  console.log(`(written in ${figures.write_seconds} s)`);
} finally {
  await sizing.drop();
}

// Migration 0020 on a populated database: rows of both tables, ten minutes apart (so spread
// over many months), the forecasts' JSON as above.
const MIGRATION_ROWS = Number(flags['migration-rows']);
if (MIGRATION_ROWS > 0) {
  const old = await freshDatabase('mig');
  try {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.startsWith('0020_'));
    await migrate(old.db, all.slice(0, at));
    const f = forecastOf(1, START);
    await sql`insert into assets (name, type) values ('m', 'pump')`.execute(old.db);
    await sql`insert into sensors (asset_id, name, kind, unit) values (1, 'v', 'vibration', 'g')`.execute(
      old.db,
    );
    await sql`insert into feature_sets (name, version, hash, definition) values ('m', 1, ${set.hash}, '{}')`.execute(
      old.db,
    );
    await sql`insert into feature_rows (asset_id, sensor_id, feature_set_id, window_start, window_end, source, source_id, "values")
      select 1, 1, 1, t, t + interval '1 second', 'capture', g, ${`{${set.featureNames.map((_, i) => i + 0.5).join(',')}}`}::real[]
      from generate_series(1, ${MIGRATION_ROWS}) g, lateral (select ${new Date(START)}::timestamptz + g * interval '10 minutes' as t) x`.execute(
      old.db,
    );
    await sql`insert into forecasts (asset_id, scored_at, as_of, health_index, anomaly_score, iso_zone, risk,
        contributions, indicators, lineage, source, diagnosis)
      select 1, t, t, 0.5, 0.5, 'B', 0.2, ${f.contributions}, ${f.indicators}, ${f.lineage}, 'scheduled', ${f.diagnosis ?? null}
      from generate_series(1, ${MIGRATION_ROWS}) g, lateral (select ${new Date(START)}::timestamptz + g * interval '10 minutes' as t) x`.execute(
      old.db,
    );
    const t1 = Date.now();
    await migrate(old.db, all.slice(0, at + 1));
    const seconds = (Date.now() - t1) / 1000;
    figures.migration_rows = 2 * MIGRATION_ROWS;
    figures.migration_seconds = Number(seconds.toFixed(1));
    figures.migration_rows_per_second = Math.round((2 * MIGRATION_ROWS) / seconds);
    console.log(
      `migration 0020: ${MIGRATION_ROWS} feature rows + ${MIGRATION_ROWS} forecasts over ${Math.ceil((MIGRATION_ROWS * 600) / (30 * 86_400))} months` +
        ` copied in ${figures.migration_seconds} s (${figures.migration_rows_per_second} rows/s)`,
    );
  } finally {
    await old.drop();
  }
}
if (flags.json) console.log(JSON.stringify(figures));

function mb(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

/** A forecast shaped like the scoring service's (scoring.service.ts), values varied per row. */
function forecastOf(assetId: number, t: number): NewForecast {
  const r = () => Math.random();
  const lines = ['BPFO', 'BPFI', 'BSF', 'FTF', '1x', '2x'];
  return {
    asset_id: assetId,
    scored_at: new Date(t + 60_000),
    as_of: new Date(t),
    health_index: r(),
    anomaly_score: r(),
    iso_zone: 'B',
    velocity_rms_mm_s: 2 + r(),
    failure_probability: r(),
    failure_horizon_hours: 168,
    rul_hours: 1000 * r(),
    rul_lower_hours: 100 * r(),
    rul_upper_hours: 1000 + 1000 * r(),
    rul_interval_level: 0.9,
    risk: r(),
    contributions: JSON.stringify(
      ['kurtosis', 'env_bpfo', 'rms'].map((feature) => ({ feature, share: r(), z: 3 * r() })),
    ),
    indicators: JSON.stringify(
      Object.fromEntries(
        ['env_bpfo', 'env_bpfi', 'env_bsf', 'env_ftf', 'kurtosis', 'crest_factor', 'rms'].map((k) => [
          k,
          r(),
        ]),
      ),
    ),
    lineage: JSON.stringify({
      featureSet: { name: set.name, version: set.version, hash: set.hash },
      models: [
        { name: 'pump-health', version: 3, kind: 'health' },
        { name: 'pump-rul', version: 2, kind: 'rul' },
      ],
      inputs: { kind: 'features', featureRow: { sensorId: 1, windowStart: new Date(t).toISOString() } },
      riskDriver: 'anomaly',
    }),
    source: 'scheduled',
    diagnosis: JSON.stringify({
      fault: 'outer-race',
      confidence: r(),
      evidence: lines.map((line) => ({
        line,
        hz: 100 * r(),
        orders: 5 * r(),
        harmonics: 3,
        strengthDb: 20 * r(),
        z: 5 * r(),
        present: r() > 0.5,
      })),
      windows: 8,
      sampleRateHz: 25600,
      shaftHz: 24.67,
    }),
  };
}
