/**
 * Concurrent ingestion into a month that has no partition yet: every batch is stored, none
 * fails on the partition another request is creating at the same moment (PostgreSQL only:
 * PGlite has one connection, so its requests never overlap in the database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { DATABASE_URL, skipReason } from './helpers/database.js';
import type { FastifyInstance } from 'fastify';

skipReason('DATABASE_URL', 'concurrent partition creation');

describe.runIf(DATABASE_URL)('concurrent partition creation', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('stores every batch when many requests open the same new months at once', async () => {
    const asset = await createAsset(app);
    const sensors = await Promise.all(Array.from({ length: 12 }, () => createSensor(app, asset)));
    for (let round = 0; round < 4; round++) {
      // A month no earlier round (or test) touched: each round races on fresh partitions.
      const t0 = Date.UTC(2001 + round, 0, 15);
      const results = await Promise.all(
        sensors.map((id, i) =>
          app.inject({
            method: 'POST',
            url: `/v1/sensors/${id}/readings`,
            payload: {
              readings: [
                { ts: t0 + i, value: i },
                { ts: t0 + 40 * 86_400_000, value: i },
              ],
            },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(sensors.map(() => 201));
    }
    for (const id of sensors) expect(await countRows(ctx, 'readings', id)).toBe(8);
  });
});
