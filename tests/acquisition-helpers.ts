/** Shared set-up of the acquisition tests: an app on a fresh database, and asset/sensor makers. */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createTestContext } from './helpers/context.js';

export type TestCtx = Awaited<ReturnType<typeof createTestContext>>;

export async function startApp(
  env?: Record<string, string>,
): Promise<{ ctx: TestCtx; app: FastifyInstance }> {
  const ctx = await createTestContext(env ? { env } : {});
  const app = await buildApp(ctx);
  return { ctx, app };
}

export async function createAsset(app: FastifyInstance, body: Record<string, unknown> = {}): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/assets',
    payload: { name: 'P-101', type: 'pump', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create asset: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

export async function createSensor(
  app: FastifyInstance,
  assetId: number,
  body: Record<string, unknown> = {},
): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/assets/${assetId}/sensors`,
    payload: {
      name: `s-${Math.random().toString(36).slice(2, 8)}`,
      kind: 'temperature',
      unit: '°C',
      ...body,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create sensor: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

export async function countRows(
  ctx: TestCtx,
  table: 'readings' | 'captures',
  sensorId: number,
): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.table(table)} where sensor_id = ${sensorId}`.execute(
    ctx.database.db,
  );
  return Number(rows[0]!.n);
}

/** One page of a keyset-paginated list. */
export interface Page<T = Record<string, unknown>> {
  items: T[];
  nextCursor: string | null;
}
