import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, verifyApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import type { Scope } from '../src/db/schema.js';
import { createTestContext } from './helpers/context.js';
import { conformance, type OpenApiDocument } from './helpers/openapi-conformance.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const SCOPES: Scope[] = ['read', 'ingest', 'cmms', 'admin'];

describe('API keys and scopes', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const keys = {} as Record<Scope, string>;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on' } });
    app = await buildApp(ctx);
    await app.ready();
    for (const s of SCOPES) keys[s] = (await createApiKey(ctx.database.db, `${s} key`, [s])).key;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('stores only a hash of each key', async () => {
    const rows = await ctx.database.db.selectFrom('api_keys').select(['prefix', 'key_hash']).execute();
    for (const k of Object.values(keys)) {
      expect(rows.some((r) => k.includes(r.key_hash))).toBe(false);
      expect(rows.some((r) => k.startsWith(`pk_${r.prefix}_`))).toBe(true);
    }
    expect(await verifyApiKey(ctx.database.db, keys.read)).toMatchObject({ scopes: ['read'] });
    // Change the last character (to one it is not: a key may already end in 'x').
    const tampered = `${keys.read.slice(0, -1)}${keys.read.endsWith('x') ? 'y' : 'x'}`;
    expect(await verifyApiKey(ctx.database.db, tampered)).toBeUndefined();
    expect(await verifyApiKey(ctx.database.db, 'garbage')).toBeUndefined();
  });

  it('every /v1 route declares a scope, and each is enforced (route × scope matrix)', async () => {
    const routes = app.declaredRoutes.filter((r) => r.url.startsWith('/v1'));
    expect(routes.length).toBeGreaterThan(5);
    // Every answer, refusals included, is as the OpenAPI document says.
    const contract = conformance((await app.inject('/docs/json')).json() as OpenApiDocument);
    const nonConforming: string[] = [];
    for (const r of routes) {
      expect(r.public || r.scope !== undefined, `${r.method} ${r.url} declares no scope`).toBe(true);
      if (r.public) continue;
      // An id that exists nowhere: the call must not change state (e.g. revoke a key of this test).
      const url = r.url.replace(/:[A-Za-z]+/g, '999999');
      const call = (key?: string) =>
        app.inject({
          method: r.method as 'GET',
          url,
          headers: key ? { authorization: `Bearer ${key}` } : {},
        });
      const none = await call();
      nonConforming.push(...contract.check(r.method, r.url, none));
      expect(none.statusCode, `${r.method} ${r.url} without a key`).toBe(401);
      expect(none.json().error.code).toBe('unauthorized');
      for (const s of SCOPES) {
        const res = await call(keys[s]);
        nonConforming.push(...contract.check(r.method, r.url, res));
        const allowed = s === 'admin' || s === r.scope;
        if (allowed) expect([401, 403], `${r.method} ${r.url} with ${s}`).not.toContain(res.statusCode);
        else {
          expect(res.statusCode, `${r.method} ${r.url} with ${s}`).toBe(403);
          expect(res.json().error.message).toContain(`"${r.scope}" scope`);
        }
      }
    }
    expect(nonConforming).toEqual([]);
  });

  it('covers every declared route: outside /v1 only static, docs, health and metrics reads, served without a key', async () => {
    const outside = app.declaredRoutes.filter((r) => !r.url.startsWith('/v1'));
    const all = app.declaredRoutes.length;
    const v1 = app.declaredRoutes.filter((r) => r.url.startsWith('/v1')).length;
    expect(v1 + outside.length).toBe(all); // the matrix above takes every /v1 route
    expect(outside.length).toBeGreaterThan(0);
    for (const r of outside) {
      const what = `${r.method} ${r.url}`;
      // Data lives under /v1 only: anything else is a GET of a page, an asset, the docs or health.
      expect(r.method, what).toBe('GET');
      expect(r.url, what).toMatch(
        /^\/(?:$|healthz$|readyz$|metrics$|docs(?:\/|$)|vendor\/|js\/|[\w-]+\.(?:html|css|js)$)/,
      );
      if (r.url.includes('*')) continue;
      const res = await app.inject({ url: r.url });
      expect([200, 302, 503], what).toContain(res.statusCode); // a docs redirect; readyz may say "not ready"
    }
  });

  it('accepts X-API-Key, refuses revoked keys, keeps health public', async () => {
    expect((await app.inject({ url: '/v1/models', headers: { 'x-api-key': keys.read } })).statusCode).toBe(
      200,
    );
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${keys.admin}` },
      payload: { name: 'cmms', scopes: ['cmms'] },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    const del = await app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${id}`,
      headers: { authorization: `Bearer ${keys.admin}` },
    });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ url: '/v1/models', headers: { 'x-api-key': key } })).statusCode).toBe(401);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${keys.admin}` },
      payload: { name: 'x', scopes: ['root'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/scopes/);
  });
});
