/**
 * The simulator's exporters: the database (PostgreSQL when DATABASE_URL is set, PGlite
 * otherwise) gets the expected rows once however often the fleet is exported; files are
 * byte-identical across exports; the live stream plays every delivered event in time order.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assetRef,
  createFleet,
  exportToDatabase,
  exportToFiles,
  generateMachine,
  renderCapture,
  streamLive,
  summarize,
  TwinConflictError,
  type FleetConfig,
  type LiveCapture,
  type LiveReading,
} from '../src/twin/index.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';

/** Three machines: one fails within the horizon, one stays healthy, one is censored. */
function smallFleet(seed = 21): FleetConfig {
  const fleet = createFleet({
    machines: 3,
    days: 4,
    seed,
    captureEveryMin: 120,
    captureSeconds: 0.5,
    readingEveryMin: 15,
    faultRates: { dropout: 0.05, spike: 0.02, saturation: 0.02, stuck: 0.02 },
  });
  const [a, b, c] = fleet.machines;
  a!.degradation = { ...a!.degradation, mode: 'outer_race', onsetDay: 0.5, endOfLifeDay: 3.2 };
  b!.degradation = { ...b!.degradation, mode: 'none' };
  c!.degradation = { ...c!.degradation, mode: 'misalignment', onsetDay: 1, endOfLifeDay: 6 };
  return fleet;
}

describe(`twin database export (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: TestDatabase;
  const fleet = smallFleet();
  const expected = summarize(fleet.machines.map((_, i) => generateMachine(fleet, i)));

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const count = async (table: 'assets' | 'sensors' | 'captures' | 'readings' | 'maintenance_events') => {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
      database.db,
    );
    return r.rows[0]!.n;
  };

  it('stores assets, sensors, captures, readings and failures with the ground truth', async () => {
    expect(expected.failures).toBe(1);
    const counts = await exportToDatabase(database, fleet);
    expect(counts).toMatchObject({
      assets: 3,
      sensors: 6,
      captures: expected.captures,
      readings: expected.readings,
      events: 1,
      duplicates: 0,
    });
    expect(await count('assets')).toBe(3);
    expect(await count('sensors')).toBe(6);
    expect(await count('captures')).toBe(expected.captures);
    expect(await count('readings')).toBe(expected.readings);
    expect(expected.capture_faults.dropout + expected.reading_faults.dropout).toBeGreaterThan(0);

    const m = fleet.machines[0]!;
    const asset = await database.db
      .selectFrom('assets')
      .selectAll()
      .where('external_ref', '=', assetRef(fleet, m.id))
      .executeTakeFirstOrThrow();
    expect(asset).toMatchObject({
      type: m.type,
      site: m.site,
      iso_machine_group: m.isoGroup,
      iso_foundation: m.foundation,
      nominal_speed_rpm: m.shaftRpm,
      bearing_n_balls: m.bearing.nBalls,
      bearing_pitch_diameter_mm: m.bearing.pitchDiameterMm,
    });
    const twin = asset.metadata.twin as { truth: { failureAt: string; captures: { severity: number[] } } };
    const h = generateMachine(fleet, 0);
    expect(twin.truth.failureAt).toBe(new Date(h.failureMs!).toISOString());
    expect(twin.truth.captures.severity).toHaveLength(h.captures.ts.length);

    const event = await database.db.selectFrom('maintenance_events').selectAll().executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      asset_id: asset.id,
      kind: 'failure',
      failure_mode: 'BRD',
      failure_mechanism: '2.4 wear',
      source: 'simulator',
    });
    expect(event.occurred_at.getTime()).toBe(Math.round(h.failureMs!));

    const sensors = await database.db
      .selectFrom('sensors')
      .selectAll()
      .where('asset_id', '=', asset.id)
      .execute();
    const accel = sensors.find((s) => s.kind === 'vibration')!;
    expect(accel).toMatchObject({ unit: 'g', range_min: -m.vibration.rangeG, range_max: m.vibration.rangeG });
    expect(sensors.find((s) => s.kind === 'temperature')).toMatchObject({
      unit: '°C',
      range_max: m.thermal.rangeMaxC,
    });

    // The stored bytes are the rendered capture.
    const k = Array.from(h.captures.fault).findIndex((f) => f === 0);
    const stored = await database.db
      .selectFrom('captures')
      .select(['samples', 'n_samples', 'sample_rate_hz'])
      .where('sensor_id', '=', accel.id)
      .where('ts', '=', new Date(h.captures.ts[k]!))
      .executeTakeFirstOrThrow();
    expect(stored.n_samples).toBe(h.samplesPerCapture);
    expect(Buffer.from(stored.samples).equals(Buffer.from(renderCapture(h, k).buffer))).toBe(true);
  });

  it('stores nothing twice when the fleet is exported again', async () => {
    const before = await Promise.all(
      (['assets', 'sensors', 'captures', 'readings', 'maintenance_events'] as const).map(count),
    );
    const counts = await exportToDatabase(database, fleet);
    expect(counts).toMatchObject({ assets: 0, sensors: 0, captures: 0, readings: 0, events: 0 });
    expect(counts.duplicates).toBe(expected.captures + expected.readings + 1);
    const after = await Promise.all(
      (['assets', 'sensors', 'captures', 'readings', 'maintenance_events'] as const).map(count),
    );
    expect(after).toEqual(before);
  });

  it('refuses to mix another simulation into the same assets', async () => {
    await expect(
      exportToDatabase(database, smallFleet(22), { prefix: `twin-s${fleet.seed}` }),
    ).rejects.toThrow(TwinConflictError);
    expect(await count('assets')).toBe(3);
  });
});

describe('twin file export', () => {
  let dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function digest(dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      out.set(
        path.relative(dir, file),
        createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      );
    }
    return out;
  }

  it('writes one folder per machine, byte-identical for the same seed', async () => {
    const fleet = smallFleet();
    dirs = [
      await mkdtemp(path.join(os.tmpdir(), 'twin-a-')),
      await mkdtemp(path.join(os.tmpdir(), 'twin-b-')),
    ];
    const summary = await exportToFiles(fleet, dirs[0]!);
    await exportToFiles(smallFleet(), dirs[1]!);
    const [a, b] = await Promise.all(dirs.map(digest));
    expect(a!.size).toBe(summary.files);
    expect(b).toEqual(a);
    const m = fleet.machines[0]!;
    const captures = [...a!.keys()].filter((f) => f.startsWith(`${m.id}${path.sep}captures`));
    const h = generateMachine(fleet, 0);
    expect(captures).toHaveLength(h.captures.fault.filter((f) => f !== 1).length);
    const first = await readFile(path.join(dirs[0]!, captures.sort()[0]!));
    expect(first.length).toBe(4 * h.samplesPerCapture);
    const csv = (await readFile(path.join(dirs[0]!, m.id, 'readings.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('ts,temperature_c');
    expect(csv).toHaveLength(1 + h.readings.fault.filter((f) => f !== 1).length);
    const truth = JSON.parse(await readFile(path.join(dirs[0]!, m.id, 'truth.json'), 'utf8'));
    expect(truth).toMatchObject({ machineId: m.id, mode: 'outer_race', iso14224: { mode: 'BRD' } });
  });
});

describe('twin live stream', () => {
  it('emits every delivered capture and reading in time order, then the failure', async () => {
    const fleet = smallFleet();
    const expected = summarize(fleet.machines.map((_, i) => generateMachine(fleet, i)));
    const times: number[] = [];
    const captures: LiveCapture[] = [];
    const readings: LiveReading[] = [];
    const failures: string[] = [];
    const result = await streamLive({
      fleet,
      speedup: Infinity,
      onCapture: (c) => {
        captures.push(c);
        times.push(c.ts.getTime());
      },
      onReading: (r) => {
        readings.push(r);
        times.push(r.ts.getTime());
      },
      onFailure: (f) => {
        failures.push(f.machineId);
        times.push(f.ts.getTime());
      },
    });
    expect(result).toMatchObject({
      captures: expected.captures,
      readings: expected.readings,
      failures: 1,
      aborted: false,
    });
    expect(captures).toHaveLength(expected.captures);
    expect(readings).toHaveLength(expected.readings);
    expect(failures).toEqual([fleet.machines[0]!.id]);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(readings.every((r) => r.truth.fault !== 'dropout' && Number.isFinite(r.value))).toBe(true);
    expect(captures[0]!.samples).toHaveLength(fleet.sampleRateHz * fleet.captureSeconds);
  });

  it('paces against the clock and stops when aborted', async () => {
    const fleet = createFleet({ machines: 1, days: 1, seed: 1, readingEveryMin: 1 });
    const stop = new AbortController();
    let n = 0;
    const result = await streamLive({
      fleet,
      speedup: 600, // one reading every 0.1 s
      signal: stop.signal,
      onReading: () => {
        if (++n === 3) stop.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.readings).toBe(3);
  });
});
