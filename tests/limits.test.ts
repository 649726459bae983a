/**
 * Limits: the body size for every content-type parser (JSON, text, binary captures), batch
 * sizes (readings per batch, samples per capture) and the rate limit per API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { conformance, type OpenApiDocument } from './helpers/openapi-conformance.js';
import { TokenBuckets } from '../src/http/rate-limit.js';
import { countRows, createAsset, createSensor } from './acquisition-helpers.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;

const BODY_LIMIT = 64 * 1024;
const T0 = Date.parse('2024-05-01T08:00:00Z');

describe('body and batch limits', () => {
  let ctx: Ctx;
  let app: App;
  let vib: number;
  let temp: number;
  beforeAll(async () => {
    ctx = await createTestContext({
      env: {
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
        MAX_READINGS_PER_BATCH: '100',
        MAX_CAPTURE_SAMPLES: '256',
      },
    });
    app = await buildApp(ctx);
    const asset = await createAsset(app, { name: 'P-1' });
    vib = await createSensor(app, asset, { name: 'v', kind: 'vibration', unit: 'g', sampleRateHz: 1000 });
    temp = await createSensor(app, asset, { name: 't' });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('holds BODY_LIMIT_BYTES for every content type, binary captures included', async () => {
    const big = BODY_LIMIT + 1;
    const cases: Array<[string, string, string | Buffer]> = [
      [
        `/v1/sensors/${vib}/captures?ts=${T0}&sampleRateHz=1000`,
        'application/octet-stream',
        Buffer.alloc(big + 3),
      ],
      [
        `/v1/sensors/${vib}/captures`,
        'application/json',
        `{"ts":${T0},"samples":[${'0,'.repeat(big / 2)}0]}`,
      ],
      [`/v1/sensors/${temp}/readings`, 'application/json', `{"readings":[${' '.repeat(big)}]}`],
      [`/v1/sensors/${temp}/readings`, 'text/plain', 'x'.repeat(big)],
      ['/v1/assets', 'application/json; charset=utf-8', `{"name":"${'n'.repeat(big)}"}`],
    ];
    for (const [url, type, payload] of cases) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect(res.statusCode, `${type} → ${url}`).toBe(413);
      expect(res.json().error.code, type).toBe('payload_too_large');
    }
    // Just under the limit a binary capture is accepted (4 bytes a sample, within the sample limit).
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures?ts=${T0}&sampleRateHz=1000`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(256 * 4),
    });
    expect(ok.statusCode).toBe(201);
    expect(await countRows(ctx, 'captures', vib)).toBe(1);
    expect(await countRows(ctx, 'readings', temp)).toBe(0);
  });

  it('answers 413 naming the field past MAX_READINGS_PER_BATCH and MAX_CAPTURE_SAMPLES', async () => {
    const readings = Array.from({ length: 101 }, (_, i) => ({ ts: T0 + i, value: i }));
    const r = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${temp}/readings`,
      payload: { readings },
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({
      code: 'batch_too_large',
      message: expect.stringMatching(/^readings .*at most 100/),
    });
    const atLimit = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${temp}/readings`,
      payload: { readings: readings.slice(0, 100) },
    });
    expect(atLimit.statusCode).toBe(201);

    const json = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures`,
      payload: { ts: T0 + 1000, samples: Array(257).fill(0.5) },
    });
    expect(json.statusCode).toBe(413);
    expect(json.json().error).toMatchObject({
      code: 'capture_too_large',
      message: expect.stringMatching(/^samples .*at most 256/),
    });
    const bin = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures?ts=${T0 + 2000}&sampleRateHz=1000`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(257 * 4),
    });
    expect(bin.statusCode).toBe(413);
    expect(bin.json().error).toMatchObject({
      code: 'capture_too_large',
      message: expect.stringMatching(/^body .*at most 256/),
    });
    expect(await countRows(ctx, 'readings', temp)).toBe(100);
    expect(await countRows(ctx, 'captures', vib)).toBe(1);
  });
});

describe('rate limit per API key', () => {
  it('refills a token bucket at the configured rate, up to the burst', () => {
    let now = 0;
    const b = new TokenBuckets({ perMinute: 60, burst: 3 }, () => now);
    expect([b.take(1), b.take(1), b.take(1)]).toEqual([undefined, undefined, undefined]);
    expect(b.take(1)).toBe(1); // one token a second
    expect(b.take(2)).toBeUndefined(); // another key has its own bucket
    now += 1000;
    expect(b.take(1)).toBeUndefined();
    expect(b.take(1)).toBe(1);
    now += 60_000; // a long pause refills to the burst, not beyond
    expect([b.take(1), b.take(1), b.take(1), b.take(1)]).toEqual([undefined, undefined, undefined, 1]);
    const slow = new TokenBuckets({ perMinute: 2, burst: 1 }, () => now);
    slow.take(7);
    expect(slow.take(7)).toBe(30);
  });

  it('answers 429 rate_limited with Retry-After, per key, and never limits health or docs', async () => {
    const ctx = await createTestContext({
      env: { PROGNOS_AUTH: 'on', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '3' },
    });
    const app = await buildApp(ctx);
    try {
      const a = (await createApiKey(ctx.database.db, 'a', ['read'])).key;
      const b = (await createApiKey(ctx.database.db, 'b', ['read'])).key;
      const get = (key: string) =>
        app.inject({ url: '/v1/models', headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < 3; i++) expect((await get(a)).statusCode).toBe(200);
      const limited = await get(a);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('rate_limited');
      expect(limited.json().error.message).toMatch(/60 requests a minute/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // As the OpenAPI document says: 429 documented for the operation, with the Error body.
      const contract = conformance((await app.inject('/docs/json')).json() as OpenApiDocument);
      expect(contract.check('GET', '/v1/models', limited)).toEqual([]);
      expect((await get(b)).statusCode).toBe(200);
      for (let i = 0; i < 10; i++) {
        expect((await app.inject('/healthz')).statusCode).toBe(200);
        expect((await app.inject('/docs/json')).statusCode).toBe(200);
      }
      // A request without a valid key is refused by auth, not counted against anyone.
      expect((await app.inject('/v1/models')).statusCode).toBe(401);
    } finally {
      await app.close();
      await ctx.close();
    }
  });

  it('is off with RATE_LIMIT_PER_MINUTE=0', async () => {
    const ctx = await createTestContext({
      env: { PROGNOS_AUTH: 'on', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_BURST: '1' },
    });
    const app = await buildApp(ctx);
    try {
      const key = (await createApiKey(ctx.database.db, 'a', ['read'])).key;
      for (let i = 0; i < 5; i++)
        expect((await app.inject({ url: '/v1/models', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    } finally {
      await app.close();
      await ctx.close();
    }
  });
});
