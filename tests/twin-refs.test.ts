/**
 * The simulator's external refs are refs the API accepts (its own pattern, imported from where
 * the API defines it): a simulated asset can be patched with its own ref and addressed by MQTT
 * topic. Simulations stored before (with "/" in their refs) are renamed by migration 0012.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_REF_PATTERN } from '../src/acquisition/assets.schemas.js';
import { buildApp } from '../src/app.js';
import { parseSimulateArgs } from '../src/cli/simulate.js';
import { migrate, readMigrations } from '../src/db/migrator.js';
import { assetRef, createFleet, exportToDatabase } from '../src/twin/index.js';
import { createTestContext } from './helpers/context.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const pattern = new RegExp(EXTERNAL_REF_PATTERN);
const fleet = createFleet({ machines: 3, days: 1, seed: 5, captureEveryMin: 360, captureSeconds: 0.1 });

describe('simulated external refs', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    await exportToDatabase(ctx.database, fleet);
    await exportToDatabase(ctx.database, fleet, { prefix: 'rc' });
  }, 60_000);
  afterAll(() => ctx?.close());

  it('every simulated asset and sensor ref passes the API pattern', async () => {
    const assets = await ctx.database.db.selectFrom('assets').select(['id', 'external_ref']).execute();
    const sensors = await ctx.database.db.selectFrom('sensors').select('external_ref').execute();
    expect(assets).toHaveLength(6);
    for (const r of [...assets, ...sensors]) expect(r.external_ref).toMatch(pattern);
    expect(assets.map((a) => a.external_ref)).toContain('rc.pump-01');
    expect(assets.map((a) => a.external_ref)).toContain(`twin-s5.pump-01`);
  });

  it('can be patched with its own ref and resolved as an MQTT topic names it', async () => {
    const app = await buildApp(ctx);
    try {
      const asset = await ctx.database.db
        .selectFrom('assets')
        .select(['id', 'external_ref'])
        .where('external_ref', '=', 'rc.pump-01')
        .executeTakeFirstOrThrow();
      const res = await app.inject({
        method: 'PATCH',
        url: `/v1/assets/${asset.id}`,
        payload: { externalRef: asset.external_ref },
      });
      expect(res.statusCode, res.body).toBe(200);
      // prognos/rc.pump-01/<sensor name>
      const sensor = await ctx.assets.sensorByRefs('rc.pump-01', 'accel-de');
      expect(sensor.asset_id).toBe(asset.id);
    } finally {
      await app.close();
    }
  });

  it('refuses a prefix the pattern refuses, in the exporter and the CLI', () => {
    expect(() => assetRef(fleet, 'pump-01', 'rc/a')).toThrow(/prefix must not contain/);
    expect(() => parseSimulateArgs(['--db', '--prefix', 'rc/a'])).toThrow(/--prefix must be letters/);
  });
});

describe('migration 0012 renames simulations stored with "/" in their refs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db?.close());

  it('renames assets, sensors, failure dedup keys and training-run filters; leaves others alone', async () => {
    const all = readMigrations();
    await migrate(
      db.db,
      all.filter((m) => m.name < '0012'),
    );
    const twin = { source: 'prognos-twin' };
    const [a, b] = await db.db
      .insertInto('assets')
      .values([
        { name: 'p', type: 'pump', external_ref: 'twin/s4/pump-01', metadata: JSON.stringify(twin) },
        { name: 'q', type: 'pump', external_ref: 'demo/motor-02', metadata: JSON.stringify(twin) },
        { name: 'r', type: 'pump', external_ref: 'site/a', metadata: '{}' },
      ])
      .returning('id')
      .execute();
    await db.db
      .insertInto('sensors')
      .values({
        asset_id: a!.id,
        name: 'accel-de',
        kind: 'vibration',
        unit: 'g',
        external_ref: 'twin/s4/pump-01/accel-de',
      })
      .execute();
    await db.db
      .insertInto('maintenance_events')
      .values({
        asset_id: b!.id,
        kind: 'failure',
        occurred_at: new Date('2024-01-02T00:00:00Z'),
        source: 'simulator',
        dedup_key: 'demo/motor-02/failure',
      })
      .execute();
    await db.db
      .insertInto('training_runs')
      .values({
        model_name: 'demo-rul',
        kind: 'rul',
        params: JSON.stringify({ externalRefPrefix: 'demo/', cap: 3 }),
      })
      .execute();

    const { applied } = await migrate(db.db, all);
    expect(applied).toContain('0012_twin_external_refs');
    const refs = await sql<{ ref: string }>`select external_ref as ref from assets order by id`.execute(
      db.db,
    );
    expect(refs.rows.map((r) => r.ref)).toEqual(['twin-s4.pump-01', 'demo.motor-02', 'site/a']);
    const sensor = await db.db.selectFrom('sensors').select('external_ref').executeTakeFirstOrThrow();
    expect(sensor.external_ref).toBe('twin-s4.pump-01.accel-de');
    const event = await db.db.selectFrom('maintenance_events').select('dedup_key').executeTakeFirstOrThrow();
    expect(event.dedup_key).toBe('demo.motor-02/failure');
    const run = await db.db.selectFrom('training_runs').select('params').executeTakeFirstOrThrow();
    expect(run.params).toEqual({ externalRefPrefix: 'demo.', cap: 3 });
  });
});
