import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_FLAGS } from '../src/acquisition/quality.js';
import {
  countRows,
  createAsset,
  createSensor,
  startApp,
  type Page,
  type TestCtx,
} from './acquisition-helpers.js';
import { gaussianNoise } from './helpers/signals.js';

const RATE = 25_600;
const T0 = Date.parse('2024-05-01T08:00:00Z');

function f32le(values: ArrayLike<number>): Buffer {
  const b = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i] as number, i * 4);
  return b;
}

describe('vibration captures', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let assetId: number;
  let vib: number;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    assetId = await createAsset(app);
    vib = await createSensor(app, assetId, {
      kind: 'vibration',
      unit: 'g',
      sampleRateHz: RATE,
      rangeMin: -50,
      rangeMax: 50,
    });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const postBinary = (sensorId: number, body: Buffer, query: Record<string, string>, headers = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/sensors/${sensorId}/captures`,
      query,
      headers: { 'content-type': 'application/octet-stream', ...headers },
      payload: body,
    });

  it('round-trips a binary float32 capture exactly, and stores a retry once', async () => {
    const noise = gaussianNoise(4096, 7, 2);
    const samples = Float32Array.from(noise);
    samples[0] = -0;
    samples[1] = 1.4e-45; // smallest subnormal
    samples[2] = 49.999996;
    const body = f32le(samples);
    const res = await postBinary(vib, body, { ts: new Date(T0).toISOString(), sampleRateHz: String(RATE) });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      sensorId: vib,
      nSamples: 4096,
      sampleRateHz: RATE,
      inserted: 1,
      duplicates: 0,
      qualityFlags: 0,
    });

    const again = await postBinary(vib, body, { ts: String(T0) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: created.id, inserted: 0, duplicates: 1 });
    expect(await countRows(ctx, 'captures', vib)).toBe(1);

    const bin = await app.inject({
      url: `/v1/captures/${created.id}`,
      headers: { accept: 'application/octet-stream' },
    });
    expect(bin.statusCode).toBe(200);
    expect(bin.headers['content-type']).toBe('application/octet-stream');
    expect(bin.headers['x-capture-ts']).toBe(new Date(T0).toISOString());
    expect(Buffer.compare(bin.rawPayload, body)).toBe(0);

    const json = (await app.inject(`/v1/sensors/${vib}/captures/${new Date(T0).toISOString()}`)).json();
    expect(json.id).toBe(created.id);
    // JSON cannot tell -0 from 0; every other sample comes back bit for bit.
    expect(json.samples[0]).toBe(0);
    expect(Buffer.compare(f32le(json.samples.slice(1)), body.subarray(4))).toBe(0);
  });

  it('accepts JSON samples and ts / rate in headers, and flags clipping', async () => {
    const json = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures`,
      payload: { ts: T0 + 10_000, sampleRateHz: RATE, samples: [0.5, -0.25, 1.5, 0.125] },
    });
    expect(json.statusCode).toBe(201);
    const clipped = Float32Array.from(gaussianNoise(1000, 3, 1));
    clipped.fill(8, 500, 506); // flat-topped at the capture's maximum
    const res = await postBinary(
      vib,
      f32le(clipped),
      {},
      { 'x-capture-ts': String(T0 + 20_000), 'x-sample-rate-hz': String(RATE) },
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().qualityFlags & QUALITY_FLAGS.SATURATED).toBe(QUALITY_FLAGS.SATURATED);
    const over = await postBinary(vib, f32le([1, 2, 60, 1]), { ts: String(T0 + 30_000) });
    expect(over.json().qualityFlags & QUALITY_FLAGS.OUT_OF_RANGE).toBe(QUALITY_FLAGS.OUT_OF_RANGE);
  });

  it('rejects bad captures naming the field, writing nothing', async () => {
    const sensor = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: RATE });
    const temp = await createSensor(app, assetId, { kind: 'temperature', unit: '°C' });
    const ok = { ts: String(T0), sampleRateHz: String(RATE) };
    const withNaN = f32le([1, 2, 3, 4, 5, 6]);
    withNaN.writeFloatLE(NaN, 5 * 4);
    const withInf = f32le([1, 2, 3]);
    withInf.writeFloatLE(-Infinity, 4);
    const binaryCases: Array<[number, Buffer, Record<string, string>, number, string, RegExp]> = [
      [sensor, withNaN, ok, 400, 'invalid_value', /^samples\[5\] must be a finite number, got NaN/],
      [sensor, withInf, ok, 400, 'invalid_value', /^samples\[1\] must be a finite number/],
      [sensor, Buffer.alloc(10), ok, 400, 'invalid_samples', /10 bytes, not a whole number/],
      [sensor, Buffer.alloc(0), ok, 400, 'invalid_samples', /at least one sample/],
      [sensor, f32le([1]), { sampleRateHz: String(RATE) }, 400, 'invalid_timestamp', /^ts is required/],
      [sensor, f32le([1]), { ts: 'noon', sampleRateHz: String(RATE) }, 400, 'invalid_timestamp', /^ts /],
      [
        sensor,
        f32le([1]),
        { ts: String(T0), sampleRateHz: '12000' },
        409,
        'sample_rate_mismatch',
        /sampleRateHz 12000 does not match the 25600 Hz/,
      ],
      [
        sensor,
        f32le([1]),
        { ts: String(T0), sampleRateHz: 'fast' },
        400,
        'invalid_sample_rate',
        /^sampleRateHz/,
      ],
      [temp, f32le([1]), ok, 409, 'sensor_kind_mismatch', /temperature sensor/],
      [999_999, f32le([1]), ok, 404, 'not_found', /sensor 999999/],
    ];
    for (const [id, body, query, status, code, message] of binaryCases) {
      const res = await postBinary(id, body, query);
      expect(res.statusCode, message.source).toBe(status);
      expect(res.json().error.code, message.source).toBe(code);
      expect(res.json().error.message).toMatch(message);
    }
    const jsonCases: Array<[unknown, number, string, RegExp]> = [
      [{ ts: T0, samples: [1, 2, 'NaN', 4] }, 400, 'invalid_value', /^samples\[2\] must be a finite number/],
      [
        { ts: T0, samples: [1, null] },
        400,
        'invalid_value',
        /^samples\[1\] must be a finite number, got null/,
      ],
      [
        { ts: T0, samples: [1, 1e39] },
        400,
        'invalid_value',
        /^samples\[1\] 1e\+39 is outside the float32 range/,
      ],
      [{ ts: '2024-13-01T00:00:00Z', samples: [1] }, 400, 'invalid_timestamp', /^ts /],
      [{ ts: T0, sampleRateHz: 51200, samples: [1] }, 409, 'sample_rate_mismatch', /sampleRateHz/],
      [{ ts: T0, samples: [] }, 400, 'invalid_samples', /at least one sample/],
    ];
    for (const [payload, status, code, message] of jsonCases) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/sensors/${sensor}/captures`,
        payload: payload as object,
      });
      expect(res.statusCode, message.source).toBe(status);
      expect(res.json().error.code, message.source).toBe(code);
      expect(res.json().error.message).toMatch(message);
    }
    const huge = await postBinary(sensor, Buffer.alloc(ctx.config.bodyLimitBytes + 4), ok);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    expect(await countRows(ctx, 'captures', sensor)).toBe(0);
    expect(await countRows(ctx, 'captures', temp)).toBe(0);
  });

  it('lists capture metadata page by page, each once, in time order', async () => {
    const id = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: RATE });
    const times = Array.from({ length: 23 }, (_, i) => T0 + i * 600_000).sort(() => Math.random() - 0.5);
    for (const t of times)
      expect((await postBinary(id, f32le([t % 7, 1, 2]), { ts: String(t) })).statusCode).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({
        url: `/v1/sensors/${id}/captures`,
        query: { limit: '5', ...(cursor ? { cursor } : {}) },
      });
      const body = res.json() as Page<{ ts: string }>;
      for (const c of body.items) {
        expect(c).not.toHaveProperty('samples');
        seen.push(c.ts);
      }
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...times].sort((a, b) => a - b).map((t) => new Date(t).toISOString()));
    expect((await app.inject('/v1/captures/999999')).statusCode).toBe(404);
  });
});
