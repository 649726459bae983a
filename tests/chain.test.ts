/**
 * The whole advisory chain over HTTP, as a plant would drive it: register an asset and its
 * sensor, ingest a vibration capture, extract features, score, and find the forecast and the
 * work-order suggestion the CMMS will fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { initSignal } from '../src/signal/fft.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

describe('ingest → features → score → forecast → suggestion', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    await initSignal();
    ctx = await createTestContext();
    app = await buildApp(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('turns violent captures into zone-D forecasts and, once persistent (3 of 5), one open suggestion, not duplicated', async () => {
    const asset = await app.inject({
      method: 'POST',
      url: '/v1/assets',
      payload: {
        name: 'Fan F-7',
        type: 'fan',
        site: 'east',
        isoMachineGroup: 2,
        isoFoundation: 'rigid',
        nominalSpeedRpm: 1500,
      },
    });
    expect(asset.statusCode).toBe(201);
    const assetId = asset.json().id as number;
    const sensor = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/sensors`,
      payload: { name: 'DE accel', kind: 'vibration', unit: 'g', sampleRateHz: 12000 },
    });
    expect(sensor.statusCode).toBe(201);
    const sensorId = sensor.json().id as number;
    // 25 Hz at 2 g: about 125 mm/s velocity RMS, far into zone D for group 2 rigid.
    const samples = Array.from({ length: 8192 }, (_, i) => 2 * Math.sin((2 * Math.PI * 25 * i) / 12000));
    const ts = '2026-03-01T10:00:00.000Z';
    const ingest = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${sensorId}/captures`,
      payload: { ts, sampleRateHz: 12000, samples },
    });
    expect(ingest.statusCode).toBe(201);

    const job = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/feature-extractions`,
      payload: { featureSet: 'prognos-vibration' },
    });
    expect(job.statusCode).toBe(202);
    const done = await ctx.jobs.waitFor(job.json().jobId, 60_000);
    expect(done.state).toBe('completed');

    const scored = await app.inject({
      method: 'POST',
      url: '/v1/score',
      payload: { assetId, featureSet: 'prognos-vibration', capture: { ts, sampleRateHz: 12000, samples } },
    });
    expect(scored.statusCode).toBe(200);
    const forecast = scored.json();
    expect(forecast.isoZone).toBe('D');
    expect(forecast.velocityRmsMmS).toBeGreaterThan(50);

    const stored = await ctx.database.db
      .selectFrom('forecasts')
      .selectAll()
      .where('id', '=', forecast.id)
      .executeTakeFirst();
    expect(stored?.iso_zone).toBe('D');

    await ctx.scoring.settled(); // the rules run just after the forecast commits
    const open = async () => {
      const list = await app.inject(`/v1/work-order-suggestions?status=open&asset_id=${assetId}`);
      expect(list.statusCode).toBe(200);
      return list.json().items as Array<{ id: number; priority: number; forecastIds: number[] }>;
    };
    // One zone-D window is a spike, not a condition: no work order yet.
    expect(await open()).toEqual([]);
    const scoreAt = async (at: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/score',
        payload: {
          assetId,
          featureSet: 'prognos-vibration',
          capture: { ts: at, sampleRateHz: 12000, samples },
        },
      });
      expect(res.statusCode).toBe(200);
      await ctx.scoring.settled();
    };
    await scoreAt('2026-03-01T11:00:00.000Z');
    await scoreAt('2026-03-01T12:00:00.000Z');
    const items = await open();
    expect(items).toHaveLength(1);
    expect(items[0]!.priority).toBe(1);

    // The same condition again: the one open suggestion stays, no duplicate.
    await scoreAt('2026-03-01T13:00:00.000Z');
    const after = await open();
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(items[0]!.id);
  });
});
