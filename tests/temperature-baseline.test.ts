/**
 * Temperature baselines learnt from the data against the twin's ground truth: the median of the
 * readings over the first week of a life (after the first reading, or after a repair) must land
 * on the median of the twin's noise-free housing temperature over the same week, which the
 * product never sees (it gets noisy readings with spikes and stuck runs, and no thermal
 * parameters). PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetBaselinesRepository } from '../src/acquisition/asset-baselines.repository.js';
import { maintenanceEventsRepository } from '../src/acquisition/maintenance-events.repository.js';
import { learnTemperatureBaseline } from '../src/features/temperature-baseline.js';
import { median } from '../src/maths/order-statistics.js';
import { assetRef, createFleet, exportToDatabase, generateMachine } from '../src/twin/index.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';

const DAY_MS = 86_400_000;
const REPAIR_DAY = 3;

const fleet = createFleet({
  machines: 3,
  days: 11,
  seed: 5,
  captureEveryMin: 1440,
  captureSeconds: 0.1,
  readingEveryMin: 20,
  faultRates: { dropout: 0.02, spike: 0.02, saturation: 0.01, stuck: 0.02 },
});
// Healthy over the horizon, so the first week of either life is a healthy period.
for (const m of fleet.machines) m.degradation = { ...m.degradation, mode: 'none' };

/** The twin's true (noise-free) housing temperature's median over [from, from + 7 d). */
function trueBaseline(index: number, fromMs: number): number {
  const r = generateMachine(fleet, index).readings;
  const values: number[] = [];
  for (let k = 0; k < r.ts.length; k++)
    if (r.ts[k]! >= fromMs && r.ts[k]! < fromMs + 7 * DAY_MS) values.push(r.trueValue[k]!);
  return median(values);
}

describe(`temperature baselines learnt from data (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: TestDatabase;
  const ids: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await exportToDatabase(database, fleet, { prefix: 'baseline' });
    for (const m of fleet.machines) {
      const id = await maintenanceEventsRepository.assetId(database.db, {
        externalRef: assetRef(fleet, m.id, 'baseline'),
      });
      ids.push(id!);
    }
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('learns each machine baseline from its first week, within 0.3 °C of the twin truth', async () => {
    const startMs = Date.parse(fleet.start);
    for (const [i, id] of ids.entries()) {
      const learnt = await learnTemperatureBaseline(database.db, id);
      expect(learnt).not.toBeNull();
      expect(Math.abs(learnt! - trueBaseline(i, startMs))).toBeLessThan(0.3);
    }
  });

  it('learns a new baseline after a repair, from the week after it', async () => {
    const startMs = Date.parse(fleet.start);
    const repairEnd = new Date(startMs + REPAIR_DAY * DAY_MS);
    await maintenanceEventsRepository.insertUnlessDuplicate(database.db, {
      asset_id: ids[0]!,
      kind: 'repair',
      occurred_at: new Date(repairEnd.getTime() - 3_600_000),
      ended_at: repairEnd,
      description: 'bearing replaced',
      dedup_key: 'baseline-test/repair',
    });
    const learnt = await learnTemperatureBaseline(database.db, ids[0]!);
    expect(Math.abs(learnt! - trueBaseline(0, repairEnd.getTime()))).toBeLessThan(0.3);
    const stored = await assetBaselinesRepository.latest(database.db, ids[0]!);
    expect(stored?.life_start.getTime()).toBe(repairEnd.getTime());
    expect(stored?.window_end.getTime()).toBe(repairEnd.getTime() + 7 * DAY_MS);
  });

  it('keeps the baseline when retention drops the oldest readings (no repair, no new life)', async () => {
    const before = await assetBaselinesRepository.latest(database.db, ids[2]!);
    expect(before).toBeDefined();
    const sensors = database.db.selectFrom('sensors').select('id').where('asset_id', '=', ids[2]!);
    await database.db
      .deleteFrom('readings')
      .where('sensor_id', 'in', sensors)
      .where('ts', '<', new Date(Date.parse(fleet.start) + 2 * DAY_MS))
      .execute();
    expect(await learnTemperatureBaseline(database.db, ids[2]!)).toBe(before!.temperature_c);
    expect((await assetBaselinesRepository.latest(database.db, ids[2]!))?.life_start).toEqual(
      before!.life_start,
    );
  });

  it('learns nothing before a life has a week of data, keeping the previous baseline', async () => {
    const before = await assetBaselinesRepository.latest(database.db, ids[1]!);
    const lateRepair = new Date(Date.parse(fleet.start) + 9 * DAY_MS);
    await maintenanceEventsRepository.insertUnlessDuplicate(database.db, {
      asset_id: ids[1]!,
      kind: 'replacement',
      occurred_at: lateRepair,
      ended_at: null,
      description: 'motor replaced',
      dedup_key: 'baseline-test/replacement',
    });
    expect(await learnTemperatureBaseline(database.db, ids[1]!)).toBe(before!.temperature_c);
    expect((await assetBaselinesRepository.latest(database.db, ids[1]!))?.life_start).toEqual(
      before!.life_start,
    );
  });
});
