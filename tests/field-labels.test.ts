/**
 * Labels from the field: a failure the CMMS reports through POST /v1/maintenance-events is what
 * the next training run learns from. Both paths that read labels are covered: the RUL trainer on
 * scalar readings (an asset's life ends at its reported failure) and the trainers on feature rows
 * (the failed assets whose end of life is judged). Inspections, replacements without a failure
 * and retried reports add nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { createTestContext } from './helpers/context.js';
import { seedRunToFailureFleet } from './helpers/run-to-failure.js';
import { finishedRun } from './helpers/training-runs.js';
import { writeRows } from './helpers/drift-rows.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const TINY = { members: 1, maxEpochs: 2, window: 5, samplesPerEpoch: 256, externalRefPrefix: 'field/' };
const SET = getFeatureSet('prognos-vibration')!;
const BASE = Date.UTC(2024, 0, 1);

describe('failures reported by the CMMS become the labels of the next training run', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let ids: number[];
  /** Hour steps of each asset's history (timestamps of its readings). */
  const steps = new Map<number, Date[]>();

  const report = (assetRef: string, kind: string, occurredAt: Date, workOrderRef: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/maintenance-events',
      payload: { assetRef, kind, occurredAt: occurredAt.toISOString(), workOrderRef },
    });
  const train = async (kind: 'rul' | 'health', params: Record<string, unknown>) =>
    finishedRun(ctx.training, (await ctx.training.start({ modelName: `field-${kind}`, kind, params })).id);

  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    const db = ctx.database.db;
    // No failure event stored: the labels may only come through the API.
    ids = await seedRunToFailureFleet(db, { assets: 6, prefix: 'field', failureEvents: false });
    for (const id of ids) {
      const { rows } = await sql<{ ts: Date }>`
        select distinct r.ts from readings r join sensors s on s.id = r.sensor_id
        where s.asset_id = ${id} order by r.ts`.execute(db);
      steps.set(
        id,
        rows.map((r) => r.ts),
      );
      // The same hours as feature rows, for the trainers that read those.
      const sensor = await db
        .insertInto('sensors')
        .values({ asset_id: id, name: 'de-accel', kind: 'vibration', unit: 'g', sample_rate_hz: 12_000 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeRows(
        db,
        SET,
        { assetId: id, sensorId: sensor.id },
        {
          start: BASE + 3_600_000,
          count: rows.length,
          seed: id,
        },
      );
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('without reported failures there is nothing to learn RUL from', async () => {
    const run = await train('rul', TINY);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/found 0 of 6/);
  });

  it('reported failures enter the next run: exactly those assets, each life ending at its failure', async () => {
    const failed = ids.slice(0, 4);
    for (const [k, id] of failed.entries()) {
      const end = steps.get(id)!.at(-1)!;
      const res = await report(`field/unit-${k + 1}`, 'failure', end, `WO-${k + 1}`);
      expect(res.statusCode).toBe(201);
      // A CMMS retrying the same report adds no second label.
      expect((await report(`field/unit-${k + 1}`, 'failure', end, `WO-${k + 1}`)).statusCode).toBe(200);
    }
    // Not failures: no label. A replacement without a reported failure is a censored life (it
    // may well have been planned), not a run to failure.
    const fifthEnd = steps.get(ids[4]!)!.at(-1)!;
    for (const kind of ['inspection', 'replacement'])
      expect((await report('field/unit-5', kind, fifthEnd, `WO-5-${kind}`)).statusCode).toBe(201);
    const run = await train('rul', TINY);
    expect(run.error).toBeNull();
    const range = run.data_range as { assets: number[]; rows: number; labels: string };
    expect(range.labels).toBe('failure-events');
    expect([...range.assets].sort((a, b) => a - b)).toEqual([...failed].sort((a, b) => a - b));
    const expectedRows = failed.reduce((n, id) => n + steps.get(id)!.length, 0);
    expect(range.rows).toBe(expectedRows);

    // A failure reported mid-life: that asset joins, cut at the reported moment.
    const sixth = ids[5]!;
    const cut = steps.get(sixth)![Math.floor(steps.get(sixth)!.length / 2)]!;
    expect((await report('field/unit-6', 'failure', cut, 'WO-6')).statusCode).toBe(201);
    const next = await train('rul', TINY);
    expect(next.error).toBeNull();
    const nextRange = next.data_range as { assets: number[]; rows: number };
    expect(nextRange.assets).toContain(sixth);
    expect(nextRange.assets).not.toContain(ids[4]);
    const upToCut = steps.get(sixth)!.filter((t) => t <= cut).length;
    expect(nextRange.rows).toBe(expectedRows + upToCut);
  }, 120_000);

  it('the trainers on feature rows see the same labels: failed assets and their end of life', async () => {
    const run = await train('health', {
      featureSet: SET.name,
      healthyFraction: 0.3,
      epochs: 2,
      externalRefPrefix: 'field/',
    });
    expect(run.error).toBeNull();
    const range = run.data_range as { failedAssets: number[]; assets: number[] };
    expect(range.assets).toHaveLength(6);
    const labelled = [...ids.slice(0, 4), ids[5]!].sort((a, b) => a - b);
    expect([...range.failedAssets].sort((a, b) => a - b)).toEqual(labelled);
    expect(run.metrics).toMatchObject({ end_of_life_rows: expect.any(Number) });
    expect((run.metrics as { end_of_life_rows: number }).end_of_life_rows).toBeGreaterThan(0);
  }, 120_000);
});
