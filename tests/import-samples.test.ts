// The signal importers (C-MAPSS, FEMTO, CWRU) on the committed samples, on PostgreSQL (DATABASE_URL) or the embedded PGlite:
// exact counts, what lands where, and a second import that stores nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFemtoAccCsv } from '../src/acquisition/formats/femto.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';
import { sampleDir } from './helpers/datasets.js';
import {
  assetByRef,
  BASE,
  emptyTables,
  importInto,
  ingestTotals,
  isoOf,
  readingsByRef,
  stored,
  tableCounts,
} from './import-helpers.js';

let db: TestDatabase;
// One database per file (a fresh one costs seconds); every test starts from empty tables.
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await emptyTables(db);
});

const asset = (ref: string) => assetByRef(db, ref);
const readingsOf = (ref: string, sensor: string) => readingsByRef(db, ref, sensor);

describe(`import on the committed samples (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('cmapss: one turbofan per engine, 24 sensors, a reading per cycle; RUL in metadata; idempotent', async () => {
    const dir = sampleDir('cmapss-sample');
    const files = ['train_FD001_units1-3.txt', 'test_FD001_units1-3.txt', 'RUL_FD001_units1-3.txt'];
    const first = await importInto(
      db,
      'cmapss',
      files.map((f) => join(dir, f)),
    );
    // 658 train rows + 206 test rows, 24 values each.
    expect(stored(first)).toEqual({
      assets: 6,
      sensors: 144,
      readings: 864 * 24,
      captures: 0,
      events: 0,
      duplicates: 0,
    });
    expect(await tableCounts(db)).toEqual({
      assets: 6,
      sensors: 144,
      readings: 20_736,
      captures: 0,
      events: 0,
    });

    const train1 = await asset('cmapss/FD001/train/unit-1');
    expect(train1.type).toBe('turbofan');
    expect(train1.metadata).toMatchObject({ subset: 'FD001', split: 'train', unit: 1, run_to_failure: true });
    expect(train1.metadata.time_axis).toEqual({
      base: '2000-01-01',
      mapping: 'ts = base date + cycle hours',
      seconds_per_cycle: 3600,
    });
    const t24 = await readingsOf('cmapss/FD001/train/unit-1', 'sensor_2');
    expect(t24.length).toBe(192);
    expect(t24[0]).toEqual({ ts: new Date(isoOf(BASE + 3600)), value: 641.82 });
    const sensor2 = await db.db
      .selectFrom('sensors')
      .selectAll()
      .where('asset_id', '=', train1.id)
      .where('name', '=', 'sensor_2')
      .executeTakeFirstOrThrow();
    expect(sensor2).toMatchObject({ kind: 'temperature', unit: '°R', external_ref: 'T24' });
    const rul = await Promise.all(
      [1, 2, 3].map(
        async (u) => (await asset(`cmapss/FD001/test/unit-${u}`)).metadata.true_rul_after_last_cycle,
      ),
    );
    expect(rul).toEqual([112, 98, 69]);

    const again = await importInto(
      db,
      'cmapss',
      files.map((f) => join(dir, f)),
    );
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 20_736,
    });
    expect(await tableCounts(db)).toEqual({
      assets: 6,
      sensors: 144,
      readings: 20_736,
      captures: 0,
      events: 0,
    });
    expect(await ingestTotals(db)).toEqual({ ri: 20_736, rd: 20_736, ci: 0, cd: 0 });
  });

  it('femto: one bearing per folder, a capture per axis and acc file, 10 Hz temperatures; idempotent', async () => {
    const dir = sampleDir('femto-sample');
    const first = await importInto(db, 'femto', [dir]); // a folder of bearing folders
    // Bearing2_7: 3 acc files, temp 600 + 137 rows; Bearing3_1: 1 acc file, temp 280 rows.
    expect(stored(first)).toEqual({
      assets: 2,
      sensors: 6,
      readings: 1_017,
      captures: 8,
      events: 0,
      duplicates: 0,
    });
    expect(await tableCounts(db)).toEqual({ assets: 2, sensors: 6, readings: 1_017, captures: 8, events: 0 });

    const b27 = await asset('femto/Bearing2_7');
    expect(b27).toMatchObject({ type: 'bearing', nominal_speed_rpm: 1650 });
    expect(b27.metadata).toMatchObject({
      condition: 2,
      radial_load_n: 4200,
      missing_files: { acc: [], temp: range(2, 37) },
    });
    const captures = await db.db
      .selectFrom('captures as c')
      .innerJoin('sensors as s', 's.id', 'c.sensor_id')
      .select(['s.name', 'c.ts', 'c.n_samples', 'c.sample_rate_hz', 'c.samples'])
      .where('s.asset_id', '=', b27.id)
      .orderBy('s.name')
      .orderBy('c.ts')
      .execute();
    expect(captures.map((c) => c.name)).toEqual([
      'horizontal',
      'horizontal',
      'horizontal',
      'vertical',
      'vertical',
      'vertical',
    ]);
    // acc_00001.csv starts at 08:40:25 and 150,040 µs; snapshots every 10 s.
    expect(captures.slice(0, 3).map((c) => c.ts.toISOString())).toEqual([
      '2000-01-01T08:40:25.150Z',
      '2000-01-01T08:40:35.150Z',
      '2000-01-01T08:40:45.150Z',
    ]);
    const parsed = parseFemtoAccCsv(readFileSync(join(dir, 'Bearing2_7/acc_00001.csv')));
    const stored0 = captures[3]!;
    expect(stored0).toMatchObject({ n_samples: 2560, sample_rate_hz: 25_600 });
    const bytes = Uint8Array.from(stored0.samples);
    expect(new Float32Array(bytes.buffer, bytes.byteOffset, 2560)).toEqual(parsed.vertical);
    const exactTs = await sql<{
      us: string;
    }>`select to_char(min(ts) at time zone 'UTC', 'HH24:MI:SS.US') as us from captures`.execute(db.db);
    expect(exactTs.rows[0]!.us).toBe('08:40:25.150040');

    const temps = await readingsOf('femto/Bearing2_7', 'temperature');
    expect(temps.length).toBe(737);
    expect(temps[0]!.ts.toISOString()).toBe('2000-01-01T08:41:21.600Z');
    // The saturated thermocouple value is stored as written in the file, not as its float32 double.
    expect(temps.filter((t) => t.value === 1254.005).length).toBe(44);

    const again = await importInto(db, 'femto', [join(dir, 'Bearing2_7'), join(dir, 'Bearing3_1')]);
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 1_025,
    });
    expect(await ingestTotals(db)).toEqual({ ri: 1_017, rd: 1_017, ci: 8, cd: 8 });
  });

  it('cwru: a labelled rig asset with the SKF 6205 geometry, 1 s captures per signal, rpm reading; idempotent', async () => {
    const file = join(sampleDir('cwru-sample'), '12k_Drive_End_IR007_0_105.mat');
    const first = await importInto(db, 'cwru', [file]);
    // 24,000 samples at 12 kHz = two 1 s captures for each of DE, FE and BA; one rpm reading.
    expect(stored(first)).toEqual({
      assets: 1,
      sensors: 4,
      readings: 1,
      captures: 6,
      events: 0,
      duplicates: 0,
    });
    const rig = await asset('cwru/12k_Drive_End_IR007_0_105');
    expect(rig).toMatchObject({
      type: 'bearing',
      nominal_speed_rpm: 1797,
      bearing_n_balls: 9,
      bearing_contact_angle_deg: 0,
    });
    expect(rig.bearing_ball_diameter_mm).toBeCloseTo(7.94004, 5);
    expect(rig.bearing_pitch_diameter_mm).toBeCloseTo(39.0398, 4);
    expect(rig.metadata).toMatchObject({
      label: 'inner_race',
      fault_diameter_in: 0.007,
      load_hp: 0,
      record_number: 105,
      sample_rate_hz: 12_000,
    });
    const caps = await db.db
      .selectFrom('captures as c')
      .innerJoin('sensors as s', 's.id', 'c.sensor_id')
      .select(['s.name', 'c.ts', 'c.n_samples'])
      .where('s.name', '=', 'drive_end')
      .orderBy('c.ts')
      .execute();
    expect(caps.map((c) => [c.ts.toISOString(), c.n_samples])).toEqual([
      [isoOf(BASE), 12_000],
      [isoOf(BASE + 1), 12_000],
    ]);
    expect(await readingsOf('cwru/12k_Drive_End_IR007_0_105', 'speed')).toEqual([
      { ts: new Date(isoOf(BASE)), value: 1797 },
    ]);
    const again = await importInto(db, 'cwru', [file]);
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 7,
    });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
