import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  createAsset,
  createSensor,
  startApp,
  type Page,
  type TestCtx,
} from './acquisition-helpers.js';

const T0 = Date.parse('2024-03-31T23:59:58Z'); // batches straddle a month (two partitions)

describe('readings ingestion and reading back', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let assetId: number;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    assetId = await createAsset(app);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (sensorId: number, payload: unknown) =>
    app.inject({ method: 'POST', url: `/v1/sensors/${sensorId}/readings`, payload: payload as object });

  it('stores a batch once: a retried batch reports duplicates and is not stored twice', async () => {
    const id = await createSensor(app, assetId, { rangeMin: -40, rangeMax: 150, sampleRateHz: 1 });
    const readings = [
      { ts: '2024-04-01T00:00:01Z', value: 20.5 },
      { ts: T0, value: 20.1 }, // out of order: accepted
      { ts: '2024-04-01T02:00:00.250+02:00', value: 20.3 },
      { ts: T0 + 1000, value: 400 }, // outside the physical range: stored, flagged
    ];
    const first = await post(id, { readings });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ sensorId: id, received: 4, inserted: 4, duplicates: 0 });
    const retry = await post(id, { readings });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ sensorId: id, received: 4, inserted: 0, duplicates: 4 });
    const partial = await post(id, {
      readings: [readings[0], { ts: T0 + 5000, value: 1 }, { ts: T0 + 5000, value: 2 }],
    });
    expect(partial.json()).toMatchObject({ received: 3, inserted: 1, duplicates: 2 });
    expect(await countRows(ctx, 'readings', id)).toBe(5);

    const page = (await app.inject(`/v1/sensors/${id}/readings`)).json();
    expect(page.items).toEqual([
      { ts: '2024-03-31T23:59:58.000Z', value: 20.1, qualityFlags: 0 },
      { ts: '2024-03-31T23:59:59.000Z', value: 400, qualityFlags: 1 },
      { ts: '2024-04-01T00:00:00.250Z', value: 20.3, qualityFlags: 0 },
      { ts: '2024-04-01T00:00:01.000Z', value: 20.5, qualityFlags: 0 },
      { ts: '2024-04-01T00:00:03.000Z', value: 1, qualityFlags: 0 },
    ]);
    const q = (await app.inject(`/v1/sensors/${id}/quality`)).json();
    expect(q.readings.duplicatesDropped).toBe(6);
  });

  it('rejects a bad batch with the offending index and writes none of it', async () => {
    const id = await createSensor(app, assetId);
    const good = (i: number) => ({ ts: T0 + i * 1000, value: i });
    const withBad = (bad: Record<string, unknown>) => ({
      readings: [good(0), good(1), good(2), bad, good(4)],
    });
    const future = Date.now() + 2 * 86_400_000;
    const cases: Array<[unknown, number, string, RegExp]> = [
      [
        withBad({ ts: T0, value: 'NaN' }),
        400,
        'invalid_value',
        /^readings\[3\]\.value must be a finite number/,
      ],
      [
        withBad({ ts: T0, value: null }),
        400,
        'invalid_value',
        /^readings\[3\]\.value must be a finite number, got null/,
      ],
      [withBad({ ts: T0, value: '12.5' }), 400, 'invalid_value', /^readings\[3\]\.value/],
      [withBad({ ts: T0, value: 'Infinity' }), 400, 'invalid_value', /^readings\[3\]\.value/],
      [withBad({ ts: T0 }), 400, 'validation_failed', /readings\/3\/value is required/],
      [
        withBad({ ts: 'yesterday', value: 1 }),
        400,
        'invalid_timestamp',
        /^readings\[3\]\.ts must be an ISO-8601/,
      ],
      [
        withBad({ ts: '2024-01-01T00:00:00', value: 1 }),
        400,
        'invalid_timestamp',
        /^readings\[3\]\.ts .*time zone/,
      ],
      [withBad({ ts: '2024-02-30T00:00:00Z', value: 1 }), 400, 'invalid_timestamp', /^readings\[3\]\.ts/],
      [withBad({ ts: null, value: 1 }), 400, 'invalid_timestamp', /^readings\[3\]\.ts/],
      [withBad({ ts: -1, value: 1 }), 400, 'invalid_timestamp', /^readings\[3\]\.ts -1 is before 1970/],
      [withBad({ ts: '1969-12-31T23:59:59Z', value: 1 }), 400, 'invalid_timestamp', /before 1970/],
      [
        withBad({ ts: future, value: 1 }),
        400,
        'invalid_timestamp',
        /^readings\[3\]\.ts \d+ is more than 24 h in the future/,
      ],
      [{ readings: [] }, 400, 'empty_batch', /readings/],
      [
        { readings: Array.from({ length: 10_001 }, (_, i) => good(i)) },
        413,
        'batch_too_large',
        /10001 readings; at most 10000/,
      ],
      [{ data: [] }, 400, 'validation_failed', /readings is required/],
    ];
    for (const [payload, status, code, message] of cases) {
      const res = await post(id, payload);
      const label = JSON.stringify(payload).slice(0, 120);
      expect(res.statusCode, label).toBe(status);
      expect(res.json().error.code, label).toBe(code);
      expect(res.json().error.message, label).toMatch(message);
    }
    // JSON.parse turns 1e400 into Infinity: still not a finite number.
    const inf = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${id}/readings`,
      headers: { 'content-type': 'application/json' },
      payload: `{"readings":[{"ts":${T0},"value":1},{"ts":${T0 + 1},"value":1e400}]}`,
    });
    expect(inf.statusCode).toBe(400);
    expect(inf.json().error.message).toMatch(/^readings\[1\]\.value must be a finite number, got Infinity/);
    const broken = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${id}/readings`,
      headers: { 'content-type': 'application/json' },
      payload: '{"readings":[',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_json');
    expect(await countRows(ctx, 'readings', id)).toBe(0);

    const missing = await post(999_999, { readings: [good(0)] });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({
      code: 'not_found',
      message: 'sensor 999999 does not exist',
    });
  });

  it('pages through every reading exactly once, in time order, within [from, to)', async () => {
    const id = await createSensor(app, assetId);
    const n = 2_345;
    const ts = Array.from({ length: n }, (_, i) => T0 + i * 250);
    const shuffled = [...ts].sort(() => Math.random() - 0.5);
    for (let i = 0; i < n; i += 1_000) {
      const res = await post(id, {
        readings: shuffled.slice(i, i + 1_000).map((t) => ({ ts: t, value: (t - T0) / 250 })),
      });
      expect(res.statusCode).toBe(201);
    }
    const collect = async (query: Record<string, string>) => {
      const out: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await app.inject({
          url: `/v1/sensors/${id}/readings`,
          query: { ...query, ...(cursor ? { cursor } : {}) },
        });
        expect(res.statusCode).toBe(200);
        const body = res.json() as Page<{ ts: string }>;
        for (const r of body.items) out.push(Date.parse(r.ts));
        cursor = body.nextCursor;
      } while (cursor);
      return out;
    };
    expect(await collect({ limit: '333' })).toEqual(ts);
    const from = new Date(ts[100]!).toISOString();
    const to = String(ts[2000]);
    expect(await collect({ limit: '97', from, to })).toEqual(ts.slice(100, 2000));
    const bad = await app.inject({ url: `/v1/sensors/${id}/readings`, query: { from: 'soon' } });
    expect(bad.json().error).toMatchObject({ code: 'invalid_timestamp' });
    expect(bad.json().error.message).toMatch(/^from/);
  });

  it('answers 413 for a body over the limit, storing nothing', async () => {
    const small = await startApp({ BODY_LIMIT_BYTES: '4096' });
    try {
      const aid = await createAsset(small.app);
      const id = await createSensor(small.app, aid);
      const res = await small.app.inject({
        method: 'POST',
        url: `/v1/sensors/${id}/readings`,
        payload: { readings: Array.from({ length: 200 }, (_, i) => ({ ts: T0 + i, value: i })) },
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
      expect(await countRows(small.ctx, 'readings', id)).toBe(0);
    } finally {
      await small.app.close();
      await small.ctx.close();
    }
  });
});
