/**
 * Retention drops whole monthly partitions (migrations 0018 and 0020,
 * src/acquisition/retention.job.ts): partitions entirely older than a table's cut go, newer ones
 * and the one straddling the cut stay with every row, and nothing else changes (the other
 * tables, the default partitions, ingest statistics). Feature rows and forecasts are written
 * through their repositories, which make their months' partitions as captures and readings do.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropPartitionsBefore,
  ensurePartitions,
  ensurePartitionsAt,
} from '../src/acquisition/partitions.repository.js';
import { retentionJob } from '../src/acquisition/retention.job.js';
import { loadConfig } from '../src/config.js';
import { replaceFeatureRows } from '../src/features/features.repository.js';
import { forecastsRepository } from '../src/forecasting/forecasts.repository.js';
import { JOBS } from '../src/jobs/names.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { DATABASE_URL, skipReason } from './helpers/database.js';

const DAY_MS = 86_400_000;
const MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];
/** Twice a month, one each side of the 15th: a cut inside a month leaves rows on both sides. */
const TWICE = MONTHS.flatMap((m) => [`${m}-02T00:00:00Z`, `${m}-20T00:00:00Z`]);
type Table = 'readings' | 'captures' | 'feature_rows' | 'forecasts';
const TIME_COLUMN: Record<Table, string> = {
  readings: 'ts',
  captures: 'ts',
  feature_rows: 'window_start',
  forecasts: 'as_of',
};

describe('retention by partition', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let untouched: () => Promise<unknown>;
  /** Forecast ids by as_of day, as stored. */
  let forecastIds: Record<string, number>;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    const assetId = await createAsset(app);
    const temp = await createSensor(app, assetId);
    const vib = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: 1000 });
    for (const m of MONTHS) {
      // Two readings a month, one each side of the 15th, and one capture on the 2nd.
      const readings = [`${m}-02T00:00:00Z`, `${m}-20T00:00:00Z`].map((ts) => ({ ts, value: 1 }));
      const r = await app.inject({
        method: 'POST',
        url: `/v1/sensors/${temp}/readings`,
        payload: { readings },
      });
      expect(r.statusCode).toBe(201);
      const c = await app.inject({
        method: 'POST',
        url: `/v1/sensors/${vib}/captures`,
        payload: { ts: `${m}-02T00:00:00Z`, samples: [0.1, 0.2, 0.3] },
      });
      expect(c.statusCode).toBe(201);
    }
    // Feature rows and forecasts twice a month, through the write paths (which make the months'
    // partitions), and one of each in June 2023, inserted past them: it has no partition and
    // lands in the default one, which retention must never drop.
    const db = ctx.database.db;
    const { rows: sets } = await sql<{
      id: number;
    }>`insert into feature_sets (name, version, hash, definition) values ('t', 1, ${'a'.repeat(64)}, '{}') returning id`.execute(
      db,
    );
    const featureSetId = Number(sets[0]!.id);
    const starts = TWICE.map((t) => new Date(t));
    await db.transaction().execute((trx) =>
      replaceFeatureRows(
        trx,
        { assetId, sensorId: vib, featureSetId, lo: starts[0]!, hi: new Date('2024-07-01T00:00:00Z') },
        starts.map((w, i) => ({
          windowStart: w,
          windowEnd: new Date(w.getTime() + 60_000),
          sourceId: i + 1,
          values: Float64Array.of(i),
        })),
      ),
    );
    const stored = await forecastsRepository.insertMany(
      db,
      starts.map((asOf) => ({
        asset_id: assetId,
        as_of: asOf,
        risk: 0.1,
        lineage: '{}',
        source: 'scheduled',
      })),
    );
    forecastIds = Object.fromEntries(stored.map((f) => [f.as_of.toISOString().slice(0, 10), f.id]));
    await sql`insert into feature_rows (asset_id, sensor_id, feature_set_id, window_start, window_end, source, "values")
      values (${assetId}, ${vib}, ${featureSetId}, '2023-06-02', '2023-06-03', 'readings', '{1}')`.execute(
      db,
    );
    await sql`insert into forecasts (asset_id, as_of, scored_at, risk, lineage, source)
      values (${assetId}, '2023-06-02', '2023-06-02', 0.1, '{}', 'scheduled')`.execute(db);
    // What retention must leave as it is, whatever it drops.
    untouched = async () =>
      (
        await sql`select (select coalesce(sum(readings_inserted + captures_inserted), 0) from sensor_ingest_stats) as stats,
          (select count(*) from sensors) as sensors, (select count(*) from feature_sets) as sets`.execute(
          ctx.database.db,
        )
      ).rows;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const partitions = async (table: string) =>
    (
      await sql<{ relname: string }>`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent where p.relname = ${table} order by 1`.execute(ctx.database.db)
    ).rows.map((r) => r.relname);
  const rowsByMonth = async (table: Table) =>
    Object.fromEntries(
      (
        await sql<{
          m: string;
          n: number;
        }>`select to_char(${sql.ref(TIME_COLUMN[table])} at time zone 'UTC', 'YYYY-MM') as m, count(*)::int as n
          from ${sql.table(table)} group by 1 order by 1`.execute(ctx.database.db)
      ).rows.map((r) => [r.m, r.n]),
    );
  const run = (
    payload: { capturesDays: number; readingsDays: number; featuresDays?: number; forecastsDays?: number },
    now: number,
  ) =>
    retentionJob({ db: ctx.database.db, now: () => now }).handle(payload, {
      id: 't',
      attempt: 1,
      signal: new AbortController().signal,
      progress: async () => {},
      log: async () => {},
    });

  it('drops the months wholly older than the cut, keeps the one straddling it and every later one', async () => {
    const before = await untouched();
    const capturesBefore = await rowsByMonth('captures');
    const cut = Date.parse('2024-04-15T00:00:00Z');
    const days = 30;
    const { dropped } = await run({ capturesDays: 0, readingsDays: days }, cut + days * DAY_MS);
    expect(dropped).toEqual(['readings_p202401', 'readings_p202402', 'readings_p202403']);
    expect(await partitions('readings')).toEqual([
      'readings_default',
      'readings_p202404',
      'readings_p202405',
      'readings_p202406',
    ]);
    // April straddles the cut: its reading of the 2nd, older than the cut, stays with it.
    expect(await rowsByMonth('readings')).toEqual({ '2024-04': 2, '2024-05': 2, '2024-06': 2 });
    // captures keep everything (0 = forever); the rest is as it was.
    expect(await rowsByMonth('captures')).toEqual(capturesBefore);
    expect(Object.keys(capturesBefore)).toEqual(MONTHS);
    expect(await untouched()).toEqual(before);
    // Feature rows and forecasts (0 = forever) keep every month, the default partition's too.
    const all = { '2023-06': 1, ...Object.fromEntries(MONTHS.map((m) => [m, 2])) };
    expect(await rowsByMonth('feature_rows')).toEqual(all);
    expect(await rowsByMonth('forecasts')).toEqual(all);
  });

  it('drops a month that ends exactly at the cut, and running again drops nothing more', async () => {
    const cut = Date.parse('2024-05-01T00:00:00Z');
    const now = cut + 100 * DAY_MS;
    expect((await run({ capturesDays: 100, readingsDays: 0 }, now)).dropped).toEqual([
      'captures_p202401',
      'captures_p202402',
      'captures_p202403',
      'captures_p202404',
    ]);
    expect(await rowsByMonth('captures')).toEqual({ '2024-05': 1, '2024-06': 1 });
    expect((await run({ capturesDays: 100, readingsDays: 0 }, now)).dropped).toEqual([]);
    expect(await partitions('captures')).toEqual([
      'captures_default',
      'captures_p202405',
      'captures_p202406',
    ]);
    // The readings months of the first test are still there: a table's cut is its own.
    expect(await rowsByMonth('readings')).toEqual({ '2024-04': 2, '2024-05': 2, '2024-06': 2 });
  });

  it('refuses a bad payload and bad settings, naming them', async () => {
    await expect(
      ctx.jobs.enqueue(JOBS.applyRetention, { capturesDays: -1, readingsDays: 0 }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('capturesDays'),
    });
    await expect(
      ctx.jobs.enqueue(JOBS.applyRetention, { capturesDays: 0, readingsDays: 0, forecastsDays: 1.5 }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('forecastsDays') });
    expect(() => loadConfig({ RETENTION_CAPTURES_DAYS: '-1', RETENTION_READINGS_DAYS: 'x' })).toThrow(
      /RETENTION_CAPTURES_DAYS[\s\S]*RETENTION_READINGS_DAYS/,
    );
    expect(loadConfig({}).retention).toEqual({
      capturesDays: 0,
      readingsDays: 0,
      featuresDays: 0,
      forecastsDays: 0,
    });
  });

  it('drops feature-row and forecast months by their own cuts, never the default partition', async () => {
    const now = Date.parse('2024-09-01T00:00:00Z');
    // Features: cut on 10 March, inside the month; forecasts: cut on 1 May, a month boundary.
    const featuresDays = (now - Date.parse('2024-03-10T00:00:00Z')) / DAY_MS;
    const forecastsDays = (now - Date.parse('2024-05-01T00:00:00Z')) / DAY_MS;
    const logs: string[] = [];
    const result = await retentionJob({ db: ctx.database.db, now: () => now }).handle(
      { capturesDays: 0, readingsDays: 0, featuresDays, forecastsDays },
      {
        id: 't',
        attempt: 1,
        signal: new AbortController().signal,
        progress: async () => {},
        log: async (m) => void logs.push(m),
      },
    );
    expect(result.tables).toEqual({
      captures: [],
      readings: [],
      feature_rows: ['feature_rows_p202401', 'feature_rows_p202402'],
      forecasts: ['forecasts_p202401', 'forecasts_p202402', 'forecasts_p202403', 'forecasts_p202404'],
    });
    expect(result.dropped).toEqual([...result.tables.feature_rows, ...result.tables.forecasts]);
    expect(logs).toEqual([
      'feature_rows: dropped feature_rows_p202401, feature_rows_p202402 (older than 2024-03-10T00:00:00.000Z)',
      'forecasts: dropped forecasts_p202401, forecasts_p202402, forecasts_p202403, forecasts_p202404 (older than 2024-05-01T00:00:00.000Z)',
    ]);
    expect(await partitions('feature_rows')).toEqual([
      'feature_rows_default',
      'feature_rows_p202403',
      'feature_rows_p202404',
      'feature_rows_p202405',
      'feature_rows_p202406',
    ]);
    expect(await partitions('forecasts')).toEqual([
      'forecasts_default',
      'forecasts_p202405',
      'forecasts_p202406',
    ]);
    // March straddles the features' cut: its row of the 2nd, older than the cut, stays. The June
    // 2023 rows, in the default partitions, stay too.
    expect(await rowsByMonth('feature_rows')).toEqual({
      '2023-06': 1,
      '2024-03': 2,
      '2024-04': 2,
      '2024-05': 2,
      '2024-06': 2,
    });
    expect(await rowsByMonth('forecasts')).toEqual({ '2023-06': 1, '2024-05': 2, '2024-06': 2 });
    // The forecasts kept are the very rows stored, ids and all.
    const { rows: kept } = await sql<{ id: number; day: string }>`
      select id, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD') as day from forecasts
      where as_of >= '2024-01-01' order by as_of`.execute(ctx.database.db);
    expect(kept.map((r) => [r.day, Number(r.id)])).toEqual(
      Object.entries(forecastIds).filter(([day]) => day >= '2024-05'),
    );
    // Captures and readings as the earlier tests left them.
    expect(await rowsByMonth('readings')).toEqual({ '2024-04': 2, '2024-05': 2, '2024-06': 2 });
    expect(await rowsByMonth('captures')).toEqual({ '2024-05': 1, '2024-06': 1 });
  });

  it('never drops the current month or a later one, whatever the cut', async () => {
    const db = ctx.database.db;
    await ensurePartitions(db, 'forecasts', 0, 2);
    const month = (offset: number) => {
      const d = new Date();
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
      return `forecasts_p${m.toISOString().slice(0, 7).replace('-', '')}`;
    };
    const dropped = await dropPartitionsBefore(db, 'forecasts', new Date('2999-01-01T00:00:00Z'));
    expect(dropped).toEqual(['forecasts_p202405', 'forecasts_p202406']);
    expect(await partitions('forecasts')).toEqual(['forecasts_default', month(0), month(1), month(2)]);
    await expect(dropPartitionsBefore(db, 'assets' as 'forecasts', new Date())).rejects.toThrow(
      /unknown table/,
    );
  });

  it('moves rows that reached the default partition into their month when it is made', async () => {
    const db = ctx.database.db;
    const strays = async () =>
      (
        await sql<{ t: string; part: string; n: number }>`
        select 'feature_rows' as t, tableoid::regclass::text as part, count(*)::int as n from feature_rows
          where window_start < '2024-01-01' group by 2
        union all
        select 'forecasts', tableoid::regclass::text, count(*)::int from forecasts where as_of < '2024-01-01' group by 2
        order by 1`.execute(db)
      ).rows;
    expect(await strays()).toEqual([
      { t: 'feature_rows', part: 'feature_rows_default', n: 1 },
      { t: 'forecasts', part: 'forecasts_default', n: 1 },
    ]);
    const { rows: before } = await sql<{
      id: number;
    }>`select id from forecasts where as_of < '2024-01-01'`.execute(db);
    // A forecast of June 2023 through the write path makes the month, taking the stray along.
    const [added] = await forecastsRepository.insertMany(db, [
      {
        asset_id: (await sql<{ id: number }>`select min(id) as id from assets`.execute(db)).rows[0]!.id,
        as_of: new Date('2023-06-10T00:00:00Z'),
        risk: 0.3,
        lineage: '{}',
        source: 'api',
      },
    ]);
    await ensurePartitionsAt(db, 'feature_rows', [new Date('2023-06-30T23:00:00Z')]);
    expect(await strays()).toEqual([
      { t: 'feature_rows', part: 'feature_rows_p202306', n: 1 },
      { t: 'forecasts', part: 'forecasts_p202306', n: 2 },
    ]);
    const { rows: after } = await sql<{
      id: number;
    }>`select id from forecasts where as_of < '2024-01-01' order by as_of`.execute(db);
    expect(after.map((r) => Number(r.id))).toEqual([Number(before[0]!.id), added!.id]);
    // The moved month is an ordinary partition: retention drops it like any other.
    expect(await dropPartitionsBefore(db, 'forecasts', new Date('2023-07-01T00:00:00Z'))).toEqual([
      'forecasts_p202306',
    ]);
    expect(await partitions('forecasts')).toContain('forecasts_default');
  });
});

describe('retention settings', () => {
  it('refuse features or forecasts kept for less time than the captures they come from', () => {
    expect(() => loadConfig({ RETENTION_CAPTURES_DAYS: '90', RETENTION_FEATURES_DAYS: '30' })).toThrow(
      /RETENTION_FEATURES_DAYS \(30\) must be 0 \(forever\) or at least RETENTION_CAPTURES_DAYS \(90\)/,
    );
    expect(() => loadConfig({ RETENTION_FORECASTS_DAYS: '365' })).toThrow(
      /RETENTION_FORECASTS_DAYS \(365\)[\s\S]*RETENTION_CAPTURES_DAYS \(0, forever\)/,
    );
    expect(() => loadConfig({ RETENTION_FEATURES_DAYS: 'soon' })).toThrow(
      /RETENTION_FEATURES_DAYS must be an integer/,
    );
    expect(
      loadConfig({
        RETENTION_CAPTURES_DAYS: '90',
        RETENTION_READINGS_DAYS: '400',
        RETENTION_FEATURES_DAYS: '90',
        RETENTION_FORECASTS_DAYS: '0',
      }).retention,
    ).toEqual({ capturesDays: 90, readingsDays: 400, featuresDays: 90, forecastsDays: 0 });
  });
});

describe.runIf(DATABASE_URL)('write paths making partitions concurrently', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('store every feature row and forecast when many writers open the same new months at once', async () => {
    const db = ctx.database.db;
    const assetId = await createAsset(app);
    const sensors = await Promise.all(
      Array.from({ length: 8 }, () =>
        createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: 1000 }),
      ),
    );
    const { rows: sets } = await sql<{
      id: number;
    }>`insert into feature_sets (name, version, hash, definition) values ('c', 1, ${'c'.repeat(64)}, '{}') returning id`.execute(
      db,
    );
    const featureSetId = Number(sets[0]!.id);
    for (let round = 0; round < 3; round++) {
      // Two months no earlier round touched, so each round races on fresh partitions.
      const t0 = Date.UTC(2005 + round, 0, 15);
      const windows = [new Date(t0), new Date(t0 + 40 * DAY_MS)];
      await Promise.all([
        ...sensors.map((sensorId, i) =>
          db.transaction().execute((trx) =>
            replaceFeatureRows(
              trx,
              { assetId, sensorId, featureSetId, lo: windows[0]!, hi: new Date(t0 + 60 * DAY_MS) },
              windows.map((w) => ({
                windowStart: w,
                windowEnd: new Date(w.getTime() + 1000),
                sourceId: i,
                values: Float64Array.of(i),
              })),
            ),
          ),
        ),
        ...sensors.map((_, i) =>
          forecastsRepository.insertMany(
            db,
            windows.map((w) => ({
              asset_id: assetId,
              as_of: new Date(w.getTime() + i),
              risk: 0.2,
              lineage: '{}',
              source: 'api',
            })),
          ),
        ),
      ]);
    }
    const { rows } = await sql<{ t: string; part: string; n: number }>`
      select 'feature_rows' as t, tableoid::regclass::text as part, count(*)::int as n from feature_rows group by 2
      union all
      select 'forecasts', tableoid::regclass::text, count(*)::int from forecasts group by 2
      order by 1, 2`.execute(db);
    const months = ['200501', '200502', '200601', '200602', '200701', '200702'];
    expect(rows).toEqual([
      ...months.map((m) => ({ t: 'feature_rows', part: `feature_rows_p${m}`, n: 8 })),
      ...months.map((m) => ({ t: 'forecasts', part: `forecasts_p${m}`, n: 8 })),
    ]);
  });
});
if (!DATABASE_URL) skipReason('DATABASE_URL', 'write paths making partitions concurrently');
