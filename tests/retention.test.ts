/**
 * Retention drops whole monthly partitions (migration 0018, src/acquisition/retention.job.ts):
 * partitions entirely older than the cut go, newer ones and the one straddling the cut stay
 * with every row, and nothing else changes (the other table, the default partitions, feature
 * rows, forecasts, ingest statistics).
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionJob } from '../src/acquisition/retention.job.js';
import { loadConfig } from '../src/config.js';
import { JOBS } from '../src/jobs/names.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';

const DAY_MS = 86_400_000;
const MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];

describe('retention by partition', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let untouched: () => Promise<unknown>;
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
    // A feature row and a forecast of January: the tables retention does not cover keep them.
    const db = ctx.database.db;
    await sql`insert into feature_sets (name, version, hash, definition) values ('t', 1, ${'a'.repeat(64)}, '{}')`.execute(
      db,
    );
    await sql`insert into feature_rows (asset_id, sensor_id, feature_set_id, window_start, window_end, source, "values")
      select ${assetId}, ${vib}, id, '2024-01-02', '2024-01-03', 'readings', '{1}' from feature_sets`.execute(
      db,
    );
    await sql`insert into forecasts (asset_id, as_of, scored_at, risk, lineage, source)
      values (${assetId}, '2024-01-02', '2024-01-02', 0.1, '{}', 'scheduled')`.execute(db);
    // What retention must leave as it is, whatever it drops.
    untouched = async () =>
      (
        await sql`select (select count(*) from feature_rows) as features, (select count(*) from forecasts) as forecasts,
          (select coalesce(sum(readings_inserted + captures_inserted), 0) from sensor_ingest_stats) as stats,
          (select count(*) from sensors) as sensors`.execute(ctx.database.db)
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
  const rowsByMonth = async (table: 'readings' | 'captures') =>
    Object.fromEntries(
      (
        await sql<{
          m: string;
          n: number;
        }>`select to_char(ts at time zone 'UTC', 'YYYY-MM') as m, count(*)::int as n
          from ${sql.table(table)} group by 1 order by 1`.execute(ctx.database.db)
      ).rows.map((r) => [r.m, r.n]),
    );
  const run = (payload: { capturesDays: number; readingsDays: number }, now: number) =>
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
    expect(before).toEqual([expect.objectContaining({ features: 1, forecasts: 1 })]);
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
    expect(() => loadConfig({ RETENTION_CAPTURES_DAYS: '-1', RETENTION_READINGS_DAYS: 'x' })).toThrow(
      /RETENTION_CAPTURES_DAYS[\s\S]*RETENTION_READINGS_DAYS/,
    );
    expect(loadConfig({}).retention).toEqual({ capturesDays: 0, readingsDays: 0 });
  });
});
