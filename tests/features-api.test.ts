import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { DEFAULT_STORED_FEATURE_SET, getFeatureSet } from '../src/features/stored-feature-sets.js';
import { createTestContext } from './helpers/context.js';
import { seedAsset, type SeededAsset } from './helpers/feature-fixtures.js';

const set = getFeatureSet(DEFAULT_STORED_FEATURE_SET)!;

describe('features API', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: FastifyInstance;
  let seeded: SeededAsset;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    seeded = await seedAsset(ctx.database.db);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  async function pollJob(url: string) {
    for (let i = 0; i < 600; i++) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      if (['completed', 'failed', 'cancelled'].includes(body.state)) return body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${url} never finished`);
  }

  it('POST feature-extractions answers 202 with a job to poll', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/assets/${seeded.assetId}/feature-extractions`,
      payload: { from: '2024-03-09T00:00:00Z', to: '2024-03-11T00:00:00Z' },
    });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ deduplicated: false, featureSet: { name: set.name, hash: set.hash } });
    expect(body.statusUrl).toBe(`/v1/jobs/${body.jobId}`);
    const status = await pollJob(body.statusUrl);
    expect(status).toMatchObject({
      id: body.jobId,
      name: 'extract-features',
      queue: 'features',
      state: 'completed',
      error: null,
      progress: { percent: 100, windowsDone: 12, windowsTotal: 12 },
      result: { windows: 12, rowsWritten: 12, skipped: { flagged: 1, short: 1 } },
    });
    expect(status.logs.length).toBeGreaterThan(0);

    // No body: the whole history with the default set.
    const all = await app.inject({ method: 'POST', url: `/v1/assets/${seeded.assetId}/feature-extractions` });
    expect(all.statusCode).toBe(202);
    expect((await pollJob(all.json().statusUrl)).result).toMatchObject({ windows: 12, rowsReplaced: 12 });

    const cancelDone = await app.inject({ method: 'POST', url: `/v1/jobs/${body.jobId}/cancel` });
    expect(cancelDone.statusCode).toBe(409);
    expect(cancelDone.json().error.code).toBe('job_finished');
  });

  it('rejects bad input naming the field, and unknown assets and jobs', async () => {
    const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, payload });
    const cases: Array<[Awaited<ReturnType<typeof post>>, number, RegExp]> = [
      [await post('/v1/assets/999999/feature-extractions', {}), 404, /asset 999999/],
      [await post('/v1/assets/abc/feature-extractions', {}), 400, /params\/id/],
      [await post(`/v1/assets/${seeded.assetId}/feature-extractions`, { from: 'monday' }), 400, /body\/from/],
      [
        await post(`/v1/assets/${seeded.assetId}/feature-extractions`, { featureSet: 'nope' }),
        400,
        /body\/featureSet/,
      ],
      [
        await post(`/v1/assets/${seeded.assetId}/feature-extractions`, {
          from: '2024-03-11T00:00:00Z',
          to: '2024-03-10T00:00:00Z',
        }),
        400,
        /body\/to must be after body\/from/,
      ],
      [await post(`/v1/assets/${seeded.assetId}/feature-extractions`, { extra: 1 }), 400, /body/],
      [await app.inject({ method: 'GET', url: '/v1/jobs/features.nope' }), 404, /job features.nope/],
      [await app.inject({ method: 'GET', url: '/v1/jobs/nodot' }), 400, /params\/id/],
      [await post('/v1/jobs/features.nope/cancel'), 404, /job features.nope/],
      [await app.inject({ method: 'GET', url: '/v1/assets/999999/features' }), 404, /asset 999999/],
      [
        await app.inject({ method: 'GET', url: `/v1/assets/${seeded.assetId}/features?limit=0` }),
        400,
        /querystring\/limit/,
      ],
      [
        await app.inject({ method: 'GET', url: `/v1/assets/${seeded.assetId}/features?cursor=zzz` }),
        400,
        /querystring\/cursor/,
      ],
      [
        await app.inject({ method: 'GET', url: `/v1/assets/${seeded.assetId}/features?featureSet=nope` }),
        400,
        /querystring\/featureSet/,
      ],
    ];
    for (const [res, status, message] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.message).toMatch(message);
    }
  });

  it('GET features pages through rows with the set names, both directions', async () => {
    const url = `/v1/assets/${seeded.assetId}/features`;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: LightMyRequestResponse = await app.inject({
        method: 'GET',
        url,
        query: { limit: '5', ...(cursor ? { cursor } : {}) },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        featureSet: { name: string; featureNames: string[] };
        items: Array<{ sensorId: number; windowStart: string; values: unknown[] }>;
        nextCursor: string | null;
      }>();
      expect(body.featureSet).toMatchObject({ name: set.name, hash: set.hash });
      expect(body.featureSet.featureNames).toEqual(set.featureNames);
      for (const item of body.items) {
        expect(item.values).toHaveLength(set.featureNames.length);
        expect(item.sensorId).toBe(seeded.vibrationId);
        seen.push(item.windowStart);
      }
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect([...seen].sort()).toEqual(seen);

    const latest = await app.inject({ method: 'GET', url, query: { order: 'desc', limit: '1' } });
    expect(latest.json().items[0].windowStart).toBe(seen.at(-1));
    const ranged = await app.inject({
      method: 'GET',
      url,
      query: { from: '2024-03-10T00:10:00Z', to: '2024-03-10T00:20:00Z' },
    });
    expect(ranged.json().items).toHaveLength(3);
    const vibrationOnly = await app.inject({
      method: 'GET',
      url,
      query: { featureSet: 'prognos-vibration' },
    });
    expect(vibrationOnly.statusCode).toBe(200);
    expect(vibrationOnly.json()).toMatchObject({ featureSet: { id: null }, items: [], nextCursor: null });
  });

  it('GET feature-sets lists registered sets, with ids once used', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/feature-sets' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    const def = items.find((s) => s.name === set.name)!;
    expect(def).toMatchObject({ hash: set.hash, default: true, registered: true, version: 1 });
    expect(def.id).toEqual(expect.any(Number));
    expect(def.featureNames).toEqual(set.featureNames);
    expect(items.find((s) => s.name === 'prognos-vibration')).toMatchObject({
      id: null,
      hash: 'd2e9a79a1b52f35f1ee970dfcc286a911ec8fd35a3c9aecf1ab86c6eaac84694',
    });
  });
});
