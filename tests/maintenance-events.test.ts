import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { deps, insertAsset, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

describe('POST /v1/maintenance-events', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/maintenance-events', payload: payload as object });
  const count = async () =>
    Number(
      (
        await ctx.database.db
          .selectFrom('maintenance_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function openSuggestion(name: string) {
    const db = ctx.database.db;
    const assetId = await insertAsset(db, name, { external_ref: `${name}-ref` });
    const f = await insertForecast(db, assetId, { iso_zone: 'D', velocity_rms_mm_s: 8 });
    const [id] = (await evaluateSuggestions(deps(db), [f])).created;
    return { assetId, suggestionId: id! };
  }

  it('stores a CMMS failure once, resolves the suggestion, and answers retries with the same event', async () => {
    const { assetId, suggestionId } = await openSuggestion('event-pump');
    const body = {
      assetRef: 'event-pump-ref',
      kind: 'failure',
      component: 'drive-end bearing',
      failureMode: 'VIB',
      failureMechanism: '2.6',
      description: 'outer race spalled',
      occurredAt: '2024-06-03T08:00:00Z',
      endedAt: '2024-06-03T12:00:00Z',
      workOrderRef: 'WO-5001',
      suggestionId,
    };
    const first = await post(body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      assetId,
      kind: 'failure',
      source: 'cmms',
      failureMode: 'VIB',
      resolvedSuggestionId: suggestionId,
    });
    const retry = await post(body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const stored = await ctx.database.db
      .selectFrom('maintenance_events')
      .selectAll()
      .where('asset_id', '=', assetId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'failure',
      work_order_ref: 'WO-5001',
      dedup_key: `cmms:${assetId}:WO-5001:failure`,
    });

    const s = (await app.inject({ url: `/v1/work-order-suggestions/${suggestionId}` })).json();
    expect(s).toMatchObject({ status: 'resolved', resolvedByEventId: stored[0]!.id, revision: 2 });

    // The same work order's repair is another event; resolving the suggestion twice is not.
    const repair = await post({
      ...body,
      assetRef: undefined,
      assetId,
      kind: 'repair',
      suggestionId: undefined,
    });
    expect(repair.statusCode).toBe(201);
    const again = await post({ ...body, kind: 'replacement' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid_transition');
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const { assetId, suggestionId } = await openSuggestion('event-bad');
    const other = await openSuggestion('event-other');
    const ok = { assetId, kind: 'inspection', occurredAt: '2024-06-03T08:00:00Z', workOrderRef: 'WO-1' };
    const before = await count();
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...ok, kind: 'explosion' }, 400, /kind/],
      [{ ...ok, occurredAt: 'monday' }, 400, /occurredAt/],
      [{ ...ok, occurredAt: undefined }, 400, /occurredAt/],
      [{ ...ok, workOrderRef: undefined }, 400, /workOrderRef/],
      [{ ...ok, failureMode: 'vibration' }, 400, /failureMode/],
      [{ ...ok, failureMechanism: 'fatigue' }, 400, /failureMechanism/],
      [{ ...ok, assetId: undefined }, 400, /assetId or body\/assetRef/],
      [{ ...ok, assetRef: 'x' }, 400, /exactly one/],
      [{ ...ok, assetId: 999999 }, 404, /assetId 999999/],
      [{ ...ok, assetId: undefined, assetRef: 'nope' }, 404, /assetRef "nope"/],
      [{ ...ok, endedAt: '2024-06-01T00:00:00Z' }, 400, /endedAt/],
      [{ ...ok, occurredAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }, 400, /occurredAt/],
      [{ ...ok, suggestionId: 999999 }, 404, /suggestionId/],
      [{ ...ok, suggestionId: other.suggestionId }, 400, /suggestionId/],
    ];
    for (const [payload, status, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.message, JSON.stringify(payload)).toMatch(field);
    }
    expect(await count()).toBe(before);
    const s = (await app.inject({ url: `/v1/work-order-suggestions/${suggestionId}` })).json();
    expect(s.status).toBe('open');
  });
});
