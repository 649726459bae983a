/**
 * Content-Encoding of request bodies: gzip, deflate and br are decoded before parsing (a gzipped
 * binary capture is stored as its samples), the body limit bounds the decoded size (a zip bomb
 * is a 413 and nothing is stored), and any other coding is refused with 415 naming the header,
 * storing nothing.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';

const RATE = 25_600;
const LIMIT = 64 * 1024;

function f32le(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) b.writeFloatLE(Math.sin(i * 0.1 + seed), i * 4);
  return b;
}

describe('Content-Encoding of request bodies', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let vib: number;
  let minute = 0;
  beforeAll(async () => {
    ({ ctx, app } = await startApp({ BODY_LIMIT_BYTES: String(LIMIT) }));
    const assetId = await createAsset(app);
    vib = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: RATE });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (body: Buffer, encoding: string, contentType = 'application/octet-stream') =>
    app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures`,
      query: {
        ts: new Date(Date.UTC(2024, 4, 1, 8, minute++)).toISOString(),
        sampleRateHz: String(RATE),
      },
      headers: { 'content-type': contentType, 'content-encoding': encoding },
      payload: body,
    });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('stores a %s-encoded binary capture as its samples', async (encoding, encode) => {
    const raw = f32le(1024, minute);
    const res = await post(encode(raw), encoding);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ nSamples: 1024, inserted: 1 });
    const stored = await app.inject({
      url: `/v1/captures/${res.json().id}`,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.compare(stored.rawPayload, raw)).toBe(0);
  });

  it('decodes a gzipped JSON body too', async () => {
    const body = gzipSync(
      JSON.stringify({ ts: '2024-05-02T00:00:00Z', sampleRateHz: RATE, samples: [0.5, -0.25, 1] }),
    );
    const res = await post(body, 'gzip', 'application/json');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ nSamples: 3 });
  });

  it('bounds the decoded size by the body limit: a zip bomb is a 413 and stores nothing', async () => {
    const before = await countRows(ctx, 'captures', vib);
    const bomb = gzipSync(Buffer.alloc(64 * LIMIT)); // 4 MiB of zeros, about 4 KiB encoded
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post(bomb, 'gzip');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'payload_too_large' });
    expect(res.json().error.message).toMatch(/BODY_LIMIT_BYTES/);
    expect(await countRows(ctx, 'captures', vib)).toBe(before);
  });

  it('refuses a body that is not what its Content-Encoding says, storing nothing', async () => {
    const before = await countRows(ctx, 'captures', vib);
    const res = await post(f32le(64, 1), 'gzip');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_content_encoding' });
    expect(res.json().error.message).toMatch(/Content-Encoding: gzip/);
    expect(await countRows(ctx, 'captures', vib)).toBe(before);
  });

  it.each(['compress', 'zstd', 'gzip, br'])(
    'refuses Content-Encoding "%s" with 415 naming the header, storing nothing',
    async (encoding) => {
      const before = await countRows(ctx, 'captures', vib);
      const res = await post(gzipSync(f32le(64, 2)), encoding);
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('unsupported_content_encoding');
      expect(res.json().error.message).toMatch(/Content-Encoding/);
      expect(res.json().error.message).toContain(encoding);
      expect(res.headers['accept-encoding']).toBe('gzip, deflate, br');
      expect(await countRows(ctx, 'captures', vib)).toBe(before);
    },
  );

  it('takes identity as no encoding', async () => {
    const res = await post(f32le(16, 3), 'identity');
    expect(res.statusCode, res.body).toBe(201);
  });
});
