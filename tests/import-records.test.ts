// The record importers (AI4I 2020, Azure maintenance CSVs) on the committed samples, on
// PostgreSQL (DATABASE_URL) or the embedded PGlite: exact counts, a second import stores nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';
import { sampleDir } from './helpers/datasets.js';
import {
  assetByRef,
  BASE,
  emptyTables,
  importInto,
  isoOf,
  readingsByRef,
  stored,
  tableCounts,
} from './import-helpers.js';

let db: TestDatabase;
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

describe(`import of tabular records on the committed samples (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('ai4i: one milling machine, 5 readings per step, a failure event per machine failure; idempotent', async () => {
    const file = join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv');
    const first = await importInto(db, 'ai4i', [file]);
    expect(stored(first)).toEqual({
      assets: 1,
      sensors: 5,
      readings: 299 * 5,
      captures: 0,
      events: 9,
      duplicates: 0,
    });
    const speed = await readingsOf('ai4i/milling-machine', 'rotational_speed');
    expect(speed[0]).toEqual({ ts: new Date(isoOf(BASE + 60)), value: 1551 }); // UDI 1
    const events = await db.db.selectFrom('maintenance_events').selectAll().orderBy('occurred_at').execute();
    expect(events.map((e) => e.failure_mode)).toEqual([
      'PWF',
      'TWF',
      'OSF',
      'OSF',
      'PWF',
      'PWF',
      'OSF',
      'OSF',
      'OSF',
    ]);
    expect(events[0]).toMatchObject({
      kind: 'failure',
      source: 'import',
      occurred_at: new Date(isoOf(BASE + 51 * 60)),
    });
    const again = await importInto(db, 'ai4i', [file]);
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 1_504,
    });
  });

  it('maintenance: Azure replacements, failures and errors on azure/machine-<n>, machines metadata; idempotent', async () => {
    const dir = sampleDir('azure-pdm-sample');
    const first = await importInto(db, 'maintenance', [dir]);
    expect(stored(first)).toEqual({
      assets: 100,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 597,
      duplicates: 0,
    });
    const byKind = await db.db
      .selectFrom('maintenance_events')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    expect(byKind.map((r) => [r.kind, Number(r.n)])).toEqual([
      ['error', 199],
      ['failure', 199],
      ['replacement', 199],
    ]);
    const m1 = await asset('azure/machine-1');
    expect(m1).toMatchObject({ type: 'machine' });
    expect(m1.metadata).toMatchObject({ model: 'model3', age_years: 18 });
    const firstError = await db.db
      .selectFrom('maintenance_events')
      .selectAll()
      .where('kind', '=', 'error')
      .orderBy('occurred_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(firstError).toMatchObject({
      asset_id: m1.id,
      failure_mode: 'error1',
      component: null,
      occurred_at: new Date('2015-01-03T07:00:00Z'),
    });
    const again = await importInto(db, 'maintenance', [dir]);
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 597,
    });
    expect((await tableCounts(db)).events).toBe(597);
  });

  it('--site and --asset-prefix name and place the assets', async () => {
    const file = join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv');
    await importInto(db, 'ai4i', [file], { site: 'plant-7', assetPrefix: 'lab/mill' });
    expect(await asset('lab/mill/milling-machine')).toMatchObject({ site: 'plant-7' });
  });
});
