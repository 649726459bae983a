/**
 * The typed client (clients/typescript): its generated types are what the served OpenAPI document
 * gives (so the committed file cannot fall behind the routes), and it drives a real server on a
 * loopback port through a CMMS integration — page through the work-order suggestions, fetch one
 * as Maximo, SAP and MaintainX payloads, acknowledge one, dismiss one, poll for changes with the
 * cursor and the ETag — with every answer also checked against the document.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientTypes, servedDocument, CLIENT_TYPES_FILE } from '../bin/generate-client.js';
import { createPrognosClient, type components, type PrognosClient } from '../clients/typescript/index.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { conformance, type OpenApiDocument } from './helpers/openapi-conformance.js';
import { deps, insertAsset, insertForecast } from './maintenance-helpers.js';

type Suggestion = components['schemas']['WorkOrderSuggestion'];

describe('the generated TypeScript client', () => {
  it('is up to date with the API document (npm run client:generate)', async () => {
    const expected = await generateClientTypes(await servedDocument());
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    expect(
      committed === expected,
      'clients/typescript/openapi.d.ts is stale: run `npm run client:generate`',
    ).toBe(true);
  }, 60_000);
});

describe('a CMMS integration through the generated client, on a real server', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let cmms: PrognosClient;
  let admin: PrognosClient;
  let contract: ReturnType<typeof conformance>;
  const failures: string[] = [];
  const site = 'flow-site';

  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on', PROGNOS_SCORING_INTERVAL_MINUTES: '0' } });
    app = await buildApp(ctx);
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    contract = conformance((await app.inject('/docs/json')).json() as OpenApiDocument);
    // Every answer the client gets is checked against the document too.
    const checked: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const req = input instanceof Request ? input : new Request(input, init);
      const path = new URL(req.url).pathname;
      const route = app.declaredRoutes.find(
        (r) =>
          r.method === req.method &&
          new RegExp(`^${r.url.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(decodeURIComponent(path)),
      );
      const body = await res.clone().text();
      if (route) {
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        failures.push(...contract.check(req.method, route.url, { statusCode: res.status, headers, body }));
      } else failures.push(`${req.method} ${path}: no route`);
      return res;
    };
    const keyOf = async (scope: 'cmms' | 'admin') =>
      (await createApiKey(ctx.database.db, scope, [scope])).key;
    cmms = createPrognosClient({ baseUrl, apiKey: await keyOf('cmms'), fetch: checked });
    admin = createPrognosClient({ baseUrl, apiKey: await keyOf('admin'), fetch: checked });
    const db = ctx.database.db;
    for (const name of ['flow-pump-1', 'flow-pump-2', 'flow-pump-3']) {
      const a = await insertAsset(db, name, { site, external_ref: `${name}-ref` });
      const f = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9.4 });
      await evaluateSuggestions(deps(db), [f]);
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('lists, fetches in each CMMS format, acknowledges, dismisses and polls the cursor', async () => {
    // A first pass, two at a time, until the cursor runs out.
    const seen: Suggestion[] = [];
    let cursor: string | undefined;
    do {
      const { data, error } = await cmms.GET('/v1/work-order-suggestions', {
        params: { query: { site, limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      expect(error).toBeUndefined();
      seen.push(...(data!.items as Suggestion[]));
      cursor = data!.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((s) => s.asset.name)).toEqual(['flow-pump-1', 'flow-pump-2', 'flow-pump-3']);
    expect(seen.every((s) => s.status === 'open')).toBe(true);
    const [first, second, third] = seen as [Suggestion, Suggestion, Suggestion];

    // The CMMS payloads need the site's codes; until then the API says which one is missing.
    const one = (id: number, format: 'maximo' | 'sap' | 'maintainx') =>
      cmms.GET('/v1/work-order-suggestions/{id}', { params: { path: { id }, query: { format } } });
    const missing = await one(first.id, 'maximo');
    expect(missing.response.status).toBe(422);
    expect(missing.error?.error.code).toBe('cmms_setting_missing');
    const patched = await admin.PATCH('/v1/sites/{site}/cmms', {
      params: { path: { site } },
      body: { maximo: { siteid: 'FLOW', orgid: 'EAGLENA' }, maintainx: { suggestionIdField: 'Prognos id' } },
    });
    expect(patched.error).toBeUndefined();

    const maximo = (await one(first.id, 'maximo')).data as Record<string, unknown>;
    expect(maximo).toMatchObject({ assetnum: 'FLOW-PUMP-1-REF', siteid: 'FLOW', orgid: 'EAGLENA' });
    const sap = (await one(first.id, 'sap')).data as Record<string, unknown>;
    expect(sap).toMatchObject({
      TechnicalObject: 'FLOW-PUMP-1-REF',
      MaintNotifExtReferenceNumber: String(first.id),
    });
    const maintainx = (await one(first.id, 'maintainx')).data as Record<string, unknown>;
    expect(maintainx).toMatchObject({ extraFields: { 'Prognos id': String(first.id) } });

    const ack = await cmms.POST('/v1/work-order-suggestions/{id}/ack', {
      params: { path: { id: first.id } },
      body: { workOrderRef: 'WO-4711', note: 'planned for Tuesday' },
    });
    expect(ack.data).toMatchObject({ id: first.id, status: 'acknowledged' });
    const dismiss = await cmms.POST('/v1/work-order-suggestions/{id}/dismiss', {
      params: { path: { id: second.id } },
      body: { reason: 'duplicate of WO-4700' },
    });
    expect(dismiss.data).toMatchObject({ id: second.id, status: 'dismissed' });
    // A dismissed suggestion cannot be acknowledged: a typed error body.
    const late = await cmms.POST('/v1/work-order-suggestions/{id}/ack', {
      params: { path: { id: second.id } },
      body: { workOrderRef: 'WO-4712' },
    });
    expect(late.response.status).toBe(409);
    expect(late.error?.error.code).toBe('invalid_transition');

    // The next poll starts after the last change of the first pass: exactly the two changes.
    const since = seen.at(-1)!.updatedAt;
    const poll = await cmms.GET('/v1/work-order-suggestions', {
      params: { query: { site, updated_since: since } },
    });
    const changed = poll.data!.items as Suggestion[];
    expect(changed.map((s) => [s.id, s.status])).toEqual([
      [first.id, 'acknowledged'],
      [second.id, 'dismissed'],
    ]);
    expect(poll.data!.nextCursor).toBeNull();
    // Polling again with the ETag: nothing changed, 304 and no body.
    const etag = poll.response.headers.get('etag')!;
    const again = await cmms.GET('/v1/work-order-suggestions', {
      params: { query: { site, updated_since: since } },
      headers: { 'if-none-match': etag },
    });
    expect(again.response.status).toBe(304);
    expect(third.status).toBe('open');

    const notFound = await cmms.GET('/v1/work-order-suggestions/{id}', { params: { path: { id: 999_999 } } });
    expect(notFound.error?.error).toMatchObject({ code: 'not_found' });
    expect(failures).toEqual([]);
  });
});
