import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { createTestContext } from './helpers/context.js';
import { DATABASE_URL, REDIS_URL } from './helpers/database.js';

describe('health, readiness, errors and docs', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    app = await buildApp(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('is alive and ready', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', queue: REDIS_URL ? 'ok' : 'disabled', models: 'ok' },
    });
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await app.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'route_not_found', message: 'no route GET /nope' } });
  });

  it('serves the OpenAPI document at /docs', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/readyz']).toBeDefined();
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
  });
});

describe('readiness when the database is unreachable', () => {
  it('goes false (503) and names the database', async () => {
    // PostgreSQL: a port nothing listens on. Embedded: a closed PGlite.
    const database = DATABASE_URL
      ? await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' })
      : await openDatabase({ dataDir: 'memory://' });
    if (!DATABASE_URL) await database.pglite!.close();
    const ctx = await createContext(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), {
      database,
      migrate: false,
    });
    const app = await buildApp(ctx);
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('not_ready');
      expect(res.json().checks.database).toMatch(/^error: /);
    } finally {
      await app.close();
      await ctx.close();
      await database.close().catch(() => {});
    }
  });
});
