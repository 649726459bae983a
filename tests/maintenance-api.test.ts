import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { deps, insertAsset, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;

describe('work-order suggestions API', () => {
  let ctx: Ctx;
  let app: App;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** A new asset in zone D: one new open VIB suggestion. */
  async function newSuggestion(name: string, site = 'north'): Promise<number> {
    const db = ctx.database.db;
    const a = await insertAsset(db, name, { site, external_ref: `${name}-ref` });
    const f = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9.4 });
    const r = await evaluateSuggestions(deps(db), [f]);
    return r.created[0]!;
  }
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload?: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });
  const revision = async (id: number) =>
    (
      await ctx.database.db
        .selectFrom('work_order_suggestions')
        .select('revision')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).revision;

  it('reads one suggestion, with a weak ETag and 304', async () => {
    const id = await newSuggestion('etag-pump');
    const res = await get(`/v1/work-order-suggestions/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id,
      status: 'open',
      priority: 1,
      failureMode: 'VIB',
      revision: 1,
      asset: { externalRef: 'etag-pump-ref' },
    });
    expect(body.description).toContain('9.4 mm/s');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await get(`/v1/work-order-suggestions/${id}`, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(
      (await get(`/v1/work-order-suggestions/${id}?format=sap`, { 'if-none-match': etag })).statusCode,
    ).toBe(200);
    await post(`/v1/work-order-suggestions/${id}/ack`, { workOrderRef: 'WO-77' });
    const changed = await get(`/v1/work-order-suggestions/${id}`, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((await get('/v1/work-order-suggestions/999999')).statusCode).toBe(404);
  });

  it('acknowledges and dismisses; invalid transitions are 409 invalid_transition', async () => {
    const id = await newSuggestion('ack-pump');
    const ack = await post(`/v1/work-order-suggestions/${id}/ack`, {
      workOrderRef: 'WO-1001',
      note: 'planned',
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({
      status: 'acknowledged',
      workOrderRef: 'WO-1001',
      statusNote: 'planned',
      revision: 2,
    });
    // A retry of the same acknowledgement is harmless.
    const retry = await post(`/v1/work-order-suggestions/${id}/ack`, { workOrderRef: 'WO-1001' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().revision).toBe(2);
    const other = await post(`/v1/work-order-suggestions/${id}/ack`, { workOrderRef: 'WO-2' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'invalid_transition' });
    expect(other.json().error.message).toContain('WO-1001');

    const dismiss = await post(`/v1/work-order-suggestions/${id}/dismiss`, {
      reason: 'work order cancelled',
    });
    expect(dismiss.json()).toMatchObject({
      status: 'dismissed',
      statusNote: 'work order cancelled',
      revision: 3,
    });
    const late = await post(`/v1/work-order-suggestions/${id}/ack`, { workOrderRef: 'WO-3' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.details).toEqual({ from: 'dismissed', to: 'acknowledged' });
    expect(
      (await post(`/v1/work-order-suggestions/${id}/dismiss`, { reason: 'again' })).json().revision,
    ).toBe(3);
    expect((await post('/v1/work-order-suggestions/999999/dismiss', { reason: 'x' })).statusCode).toBe(404);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const id = await newSuggestion('bad-input-pump');
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', `/v1/work-order-suggestions/${id}/ack`, {}, /workOrderRef/],
      ['POST', `/v1/work-order-suggestions/${id}/ack`, { workOrderRef: '' }, /workOrderRef/],
      ['POST', `/v1/work-order-suggestions/${id}/ack`, undefined, /workOrderRef/],
      ['POST', `/v1/work-order-suggestions/${id}/dismiss`, {}, /reason/],
      ['POST', `/v1/work-order-suggestions/${id}/dismiss`, { reason: '' }, /reason/],
      ['POST', '/v1/work-order-suggestions/abc/dismiss', { reason: 'x' }, /id/],
      ['GET', '/v1/work-order-suggestions?limit=0', undefined, /limit/],
      ['GET', '/v1/work-order-suggestions?status=closed', undefined, /status/],
      ['GET', '/v1/work-order-suggestions?updated_since=yesterday', undefined, /updated_since/],
      ['GET', '/v1/work-order-suggestions?asset_id=x', undefined, /asset_id/],
      ['GET', '/v1/work-order-suggestions?format=oracle', undefined, /format/],
      ['GET', '/v1/work-order-suggestions?cursor=garbage', undefined, /cursor/],
      ['GET', `/v1/work-order-suggestions/${id}?format=csv`, undefined, /format/],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await app.inject({ method: method as 'GET', url, payload: payload as object });
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(res.json().error.message, `${method} ${url}`).toMatch(field);
    }
    expect(await revision(id)).toBe(1);
  });

  it('maps to Maximo, SAP PM and MaintainX payloads once the CMMS settings are there', async () => {
    const id = await newSuggestion('mapped-pump', 'south');
    const refused = await get(`/v1/work-order-suggestions?site=south&format=maximo`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'cmms_setting_missing',
      details: { missing: [{ setting: 'maximo.siteid', site: 'south' }] },
    });
    const patch = (url: string, payload: object) => app.inject({ method: 'PATCH', url, payload });
    expect(
      (await patch('/v1/sites/south/cmms', { maximo: { siteid: 'SOUTH', orgid: 'EAGLENA' } })).statusCode,
    ).toBe(200);
    const maximo = (await get(`/v1/work-order-suggestions?site=south&format=maximo`)).json();
    expect(maximo.items).toHaveLength(1);
    expect(maximo.items[0]).toMatchObject({
      assetnum: 'MAPPED-PUMP-REF',
      siteid: 'SOUTH',
      orgid: 'EAGLENA',
      status: 'WAPPR',
      wopriority: 1,
      worktype: 'CM',
      externalrefid: String(id),
    });
    const sap = (await get(`/v1/work-order-suggestions/${id}?format=sap`)).json();
    expect(sap).toMatchObject({
      NotificationType: 'M2',
      TechnicalObject: 'MAPPED-PUMP-REF',
      MaintPriority: '1',
      MaintNotifExtReferenceNumber: String(id),
    });
    expect(sap.NotificationText.length).toBeLessThanOrEqual(40);
    expect((await get(`/v1/work-order-suggestions/${id}?format=maintainx`)).statusCode).toBe(422);
    await patch('/v1/sites/south/cmms', { maintainx: { suggestionIdField: 'Prognos id' } });
    const mx = (await get(`/v1/work-order-suggestions/${id}?format=maintainx`)).json();
    expect(mx).toMatchObject({ priority: 'HIGH', extraFields: { 'Prognos id': String(id) } });
    expect(mx).not.toHaveProperty('assetName');
  });

  it('filters by status, asset and site', async () => {
    const a = await newSuggestion('filter-pump', 'east');
    const b = await newSuggestion('filter-pump-2', 'east');
    await post(`/v1/work-order-suggestions/${b}/dismiss`, { reason: 'duplicate of WO-9' });
    const ids = (q: string) =>
      get(`/v1/work-order-suggestions?${q}`).then((r) => r.json().items.map((i: { id: number }) => i.id));
    expect(await ids('site=east')).toEqual([a, b]);
    expect(await ids('site=east&status=open')).toEqual([a]);
    expect(await ids('site=east&status=dismissed')).toEqual([b]);
    const assetId = (await get(`/v1/work-order-suggestions/${a}`)).json().asset.id;
    expect(await ids(`asset_id=${assetId}`)).toEqual([a]);
  });

  it('keyset pass: rows inserted or changed during the pass are seen exactly once, oldest change first', async () => {
    const site = 'pager';
    for (let i = 0; i < 5; i++) await newSuggestion(`page-${i}`, site);
    const seen: Array<{ id: number; updatedAt: string; revision: number }> = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const res = await get(
        `/v1/work-order-suggestions?site=${site}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((i: { id: number; updatedAt: string; revision: number }) => i));
      cursor = page.nextCursor;
      round += 1;
      if (round === 1) {
        // Between pages: two new rows and a change to a row not yet seen.
        await newSuggestion('page-late-1', site);
        await newSuggestion('page-late-2', site);
        const unseen = (await get(`/v1/work-order-suggestions?site=${site}&limit=500`)).json().items[3].id;
        await post(`/v1/work-order-suggestions/${unseen}/ack`, { workOrderRef: 'WO-P' });
      }
    } while (cursor && round < 20);
    const ids = seen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(7);
    const times = seen.map((s) => Date.parse(s.updatedAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(seen.some((s) => s.revision === 2)).toBe(true);

    // The next pass starts after the last change seen: nothing new, and its ETag is stable.
    const since = seen.at(-1)!.updatedAt;
    const next = await get(
      `/v1/work-order-suggestions?site=${site}&updated_since=${encodeURIComponent(since)}`,
    );
    expect(next.json()).toEqual({ items: [], nextCursor: null });
    const cached = await get(
      `/v1/work-order-suggestions?site=${site}&updated_since=${encodeURIComponent(since)}`,
      {
        'if-none-match': next.headers.etag as string,
      },
    );
    expect(cached.statusCode).toBe(304);
  });
});
