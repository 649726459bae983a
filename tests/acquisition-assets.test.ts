import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsset, startApp, type Page, type TestCtx } from './acquisition-helpers.js';
import type { FastifyInstance } from 'fastify';

describe('assets and sensors API', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => ({ ctx, app } = await startApp()));
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('creates, gets and updates an asset with ISO class, speed and bearing geometry', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/assets',
      payload: {
        name: 'Fan 3',
        type: 'fan',
        site: 'Lyon',
        externalRef: 'FAN-3',
        isoMachineGroup: 2,
        isoFoundation: 'rigid',
        nominalSpeedRpm: 1480,
        bearing: { nBalls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
        temperatureBaselineC: 45,
      },
    });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      name: 'Fan 3',
      type: 'fan',
      site: 'Lyon',
      externalRef: 'FAN-3',
      isoMachineGroup: 2,
      isoFoundation: 'rigid',
      nominalSpeedRpm: 1480,
      bearing: { nBalls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
      temperatureBaselineC: 45,
      status: 'active',
    });
    expect((await app.inject(`/v1/assets/${a.id}`)).json()).toEqual(a);

    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/assets/${a.id}`,
      payload: { nominalSpeedRpm: 1500, bearing: null, site: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ nominalSpeedRpm: 1500, bearing: null, site: null, name: 'Fan 3' });
  });

  it('rejects bad assets naming the field', async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ name: 'x', type: 'pump', isoMachineGroup: 3 }, 400, 'validation_failed', /isoMachineGroup/],
      [{ name: 'x', type: 'pump', isoFoundation: 'soft' }, 400, 'validation_failed', /isoFoundation/],
      [{ name: 'x', type: 'pump', nominalSpeedRpm: 0 }, 400, 'validation_failed', /nominalSpeedRpm/],
      [{ type: 'pump' }, 400, 'validation_failed', /name is required/],
      [
        { name: 'x', type: 'pump', bearing: { nBalls: 9, ballDiameterMm: 40, pitchDiameterMm: 39 } },
        400,
        'invalid_bearing',
        /ballDiameterMm/,
      ],
    ];
    for (const [payload, status, code, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/assets', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toMatch(message);
    }
    await createAsset(app, { externalRef: 'DUP-1' });
    const dup = await app.inject({
      method: 'POST',
      url: '/v1/assets',
      payload: { name: 'y', type: 'pump', externalRef: 'DUP-1' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toMatch(/externalRef/);
    expect((await app.inject('/v1/assets/999999')).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'PATCH', url: '/v1/assets/999999', payload: { name: 'z' } })).statusCode,
    ).toBe(404);
  });

  it('lists assets filtered by site and type, paged without repeats', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(await createAsset(app, { name: `M${i}`, type: i % 2 ? 'motor' : 'gearbox', site: 'Oslo' }));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({
        url: '/v1/assets',
        query: { site: 'Oslo', type: 'gearbox', limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as Page<{ id: number }>;
      for (const a of body.items) {
        expect(a).toMatchObject({ site: 'Oslo', type: 'gearbox' });
        seen.push(a.id);
      }
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect((await app.inject({ url: '/v1/assets', query: { cursor: 'garbage' } })).json().error.code).toBe(
      'invalid_cursor',
    );
  });

  it('creates, lists, gets and updates sensors', async () => {
    const assetId = await createAsset(app);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/sensors`,
      payload: {
        name: 'DE accel H',
        kind: 'vibration',
        unit: 'g',
        axis: 'horizontal',
        location: 'drive-end bearing',
        sampleRateHz: 25600,
        rangeMin: -50,
        rangeMax: 50,
      },
    });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({
      assetId,
      kind: 'vibration',
      axis: 'horizontal',
      sampleRateHz: 25600,
      rangeMin: -50,
      rangeMax: 50,
    });
    expect((await app.inject(`/v1/sensors/${s.id}`)).json()).toEqual(s);
    const list = await app.inject(`/v1/assets/${assetId}/sensors?kind=vibration`);
    expect(list.json().items.map((x: { id: number }) => x.id)).toEqual([s.id]);

    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/sensors/${s.id}`,
      payload: { rangeMax: 80 },
    });
    expect(patched.json()).toMatchObject({ rangeMin: -50, rangeMax: 80 });
    const bad = await app.inject({ method: 'PATCH', url: `/v1/sensors/${s.id}`, payload: { rangeMin: 100 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_range' });
    expect(bad.json().error.message).toMatch(/rangeMin/);

    const dup = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/sensors`,
      payload: { name: 'DE accel H', kind: 'vibration', unit: 'g' },
    });
    expect(dup.statusCode).toBe(409);
    const kind = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/sensors`,
      payload: { name: 'k', kind: 'smell', unit: 'x' },
    });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error.message).toMatch(/kind/);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/assets/999999/sensors',
          payload: { name: 'k', kind: 'other', unit: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    expect((await app.inject('/v1/sensors/999999')).statusCode).toBe(404);
  });

  it('documents the acquisition routes in the OpenAPI', async () => {
    const doc = (await app.inject('/docs/json')).json();
    for (const p of [
      '/v1/assets',
      '/v1/assets/{id}',
      '/v1/assets/{id}/sensors',
      '/v1/sensors/{id}',
      '/v1/sensors/{id}/readings',
      '/v1/sensors/{id}/captures',
      '/v1/captures/{id}',
      '/v1/sensors/{id}/quality',
    ])
      expect(doc.paths[p], p).toBeDefined();
    expect(Object.keys(doc.paths['/v1/sensors/{id}/captures'].post.requestBody.content)).toContain(
      'application/octet-stream',
    );
  });
});
