/** A synthetic machine for the feature-extraction tests: an asset with an SKF 6205 bearing at
 * 1797 rpm, a 12 kHz accelerometer whose captures carry a 60 Hz line plus outer-race defect
 * impulses at BPFO, and a temperature sensor ramping 6 °C/h. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { defectFrequencies } from '../../src/signal/bearing.js';
import { gaussianNoise } from './signals.js';

const FS = 12_000;
const WINDOW = 4096;
export const RPM = 1797;
const T0 = new Date('2024-03-10T00:00:00Z');
const CAPTURE_EVERY_MS = 600_000;
/** Millimetres; the ratio matches the CWRU SKF 6205 geometry. */
export const BEARING_MM = { nBalls: 9, ballDiameter: 7.94, pitchDiameter: 39.04, contactAngleDeg: 0 };
export const BPFO = defectFrequencies(BEARING_MM, RPM / 60).bpfo;
const RESONANCE_HZ = 3500;
export const TEMP_SLOPE_PER_H = 6;

export interface SeededAsset {
  assetId: number;
  vibrationId: number;
  temperatureId: number;
  captureIds: number[];
}

/** 3 windows + a partial tail: the tail is dropped, never stored as a row. */
function defectSignal(n = 3 * WINDOW + 1000, seed = 1): Float32Array {
  const x = gaussianNoise(n, seed, 0.05);
  for (let i = 0; i < n; i++) x[i]! += Math.sin((2 * Math.PI * 60 * i) / FS);
  const period = FS / BPFO;
  for (let k = 0; k * period < n; k++) {
    const at = Math.round(k * period);
    for (let j = 0; j < 120 && at + j < n; j++) {
      const t = j / FS;
      x[at + j]! += 2 * Math.exp(-t / 0.0015) * Math.sin(2 * Math.PI * RESONANCE_HZ * t);
    }
  }
  return Float32Array.from(x);
}

function f32Bytes(x: Float32Array): Buffer {
  const buf = Buffer.alloc(x.length * 4);
  x.forEach((v, i) => buf.writeFloatLE(v, 4 * i));
  return buf;
}

/**
 * Inserts the asset, its sensors, `good` clean captures 10 min apart from T0, one quality-flagged
 * and one too-short capture after them, and a temperature reading every minute from T0 − 2 h.
 */
export async function seedAsset(db: Kysely<DB>, opts: { good?: number; name?: string } = {}) {
  const good = opts.good ?? 4;
  const span = { from: new Date(+T0 - 3 * 3_600_000), to: new Date(+T0 + 24 * 3_600_000) };
  for (const table of ['captures', 'readings']) {
    await sql`select prognos_ensure_partitions(${table}, ${span.from}, ${span.to})`.execute(db);
  }
  const asset = await db
    .insertInto('assets')
    .values({
      name: opts.name ?? 'pump-1',
      type: 'pump',
      nominal_speed_rpm: RPM,
      bearing_n_balls: BEARING_MM.nBalls,
      bearing_ball_diameter_mm: BEARING_MM.ballDiameter,
      bearing_pitch_diameter_mm: BEARING_MM.pitchDiameter,
      bearing_contact_angle_deg: 0,
      temperature_baseline_c: 35,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sensor = (name: string, kind: 'vibration' | 'temperature', unit: string) =>
    db
      .insertInto('sensors')
      .values({
        asset_id: asset.id,
        name,
        kind,
        unit,
        location: 'DE',
        sample_rate_hz: kind === 'vibration' ? FS : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const vib = await sensor('de-accel', 'vibration', 'g');
  const temp = await sensor('de-temp', 'temperature', '°C');
  const captures = [
    ...Array.from({ length: good }, (_, i) => ({ x: defectSignal(undefined, i + 1), flags: 0 })),
    { x: defectSignal(undefined, 99), flags: 4 },
    { x: defectSignal(2000, 100), flags: 0 },
  ];
  const captureIds: number[] = [];
  for (const [i, c] of captures.entries()) {
    const row = await db
      .insertInto('captures')
      .values({
        sensor_id: vib.id,
        ts: new Date(+T0 + i * CAPTURE_EVERY_MS),
        sample_rate_hz: FS,
        n_samples: c.x.length,
        samples: f32Bytes(c.x),
        quality_flags: c.flags,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    captureIds.push(row.id);
  }
  const minutes = 2 * 60 + good * 10 + 30;
  await db
    .insertInto('readings')
    .values(
      Array.from({ length: minutes }, (_, m) => ({
        sensor_id: temp.id,
        ts: new Date(+T0 - 2 * 3_600_000 + m * 60_000),
        value: 40 + (TEMP_SLOPE_PER_H / 60) * m,
      })),
    )
    .execute();
  return { assetId: asset.id, vibrationId: vib.id, temperatureId: temp.id, captureIds } as SeededAsset;
}

export async function countRows(db: Kysely<DB>, assetId: number): Promise<{ n: number; distinct: number }> {
  const { rows } = await sql<{ n: number; distinct: number }>`select count(*)::int as n,
      count(distinct (sensor_id, feature_set_id, window_start))::int as distinct
    from feature_rows where asset_id = ${assetId}`.execute(db);
  return rows[0]!;
}
