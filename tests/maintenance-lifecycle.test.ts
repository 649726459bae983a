/**
 * A failure, repair or replacement closes the asset's live work-order suggestions with the
 * reason, on the CMMS cursor and as webhook events, once; a failed machine gets no new ones, and
 * a new life only reads the forecasts after its repair. PGlite by default, PostgreSQL with
 * DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { MaintenanceEvents } from '../src/maintenance/maintenance-events.service.js';
import { SuggestionActions } from '../src/maintenance/suggestion-actions.service.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { deps, insertAsset, insertForecast, suggestions } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const HOUR = 3_600_000;
/** Events a day back (the API refuses them more than a day ahead). Forecasts meant to count
 * are scored "now": the rules only read forecasts scored after a suggestion's status change. */
const T = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const later = (() => {
  let n = Date.now();
  return () => (n = Math.max(n + 1, Date.now() + 1));
})();

describe('maintenance events close suggestions', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let events: MaintenanceEvents;
  let actions: SuggestionActions;
  const dispatched: number[] = [];
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    await app.ready();
    const webhook = { dispatch: async (ids: number[]) => void dispatched.push(...ids) };
    events = new MaintenanceEvents({ db: ctx.database.db, webhook });
    actions = new SuggestionActions({ db: ctx.database.db, webhook });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** Two open suggestions (VIB from zone D, PDE from a run of anomalies) raised at `at`. */
  async function twoOpen(name: string, at: number) {
    const db = ctx.database.db;
    const assetId = await insertAsset(db, name);
    const ids: number[] = [];
    for (let i = 2; i >= 0; i--)
      ids.push(
        await insertForecast(
          db,
          assetId,
          { iso_zone: 'D', velocity_rms_mm_s: 9, anomaly_score: 0.95, health_index: 0.1 },
          at - i * HOUR,
        ),
      );
    const r = await evaluateSuggestions(deps(db), ids);
    expect(r.created).toHaveLength(2);
    return { assetId, suggestions: r.created };
  }
  const outbox = (ids: number[]) =>
    ctx.database.db
      .selectFrom('webhook_outbox')
      .select(['id', 'suggestion_id', 'event', 'payload'])
      .where('suggestion_id', 'in', ids)
      .orderBy('id')
      .execute();
  const report = (assetId: number, kind: string, at: number, ref = `WO-${kind}`) =>
    events.record({
      assetId,
      kind: kind as 'failure',
      occurredAt: new Date(at).toISOString(),
      workOrderRef: ref,
    });

  it('a failure closes the open ones with its time; the acknowledged one stays; a retry changes nothing', async () => {
    const {
      assetId,
      suggestions: [vib, pde],
    } = await twoOpen('life-fail', T);
    await actions.ack(pde!, { workOrderRef: 'WO-77' });
    const before = (await actions.list({ asset_id: assetId })).items.at(-1)!.updatedAt;
    const sent = dispatched.length;

    const { event, created } = await report(assetId, 'failure', T + HOUR);
    expect(created).toBe(true);
    expect(event.closedSuggestionIds).toEqual([vib]);
    expect(event.resolvedSuggestionId).toBeNull();
    const note = `closed: asset failed at ${new Date(T + HOUR).toISOString()}`;

    // The CMMS cursor: the change comes after what the CMMS had seen.
    const page = await actions.list({ updated_since: before });
    expect(page.items.map((s) => [s.id, s.status, s.statusNote, s.resolvedByEventId])).toEqual([
      [vib, 'resolved', note, event.id],
    ]);
    expect((await actions.get(pde!)).status).toBe('acknowledged');
    // The webhook: one suggestion.resolved event with the note, dispatched after commit.
    const rows = (await outbox([vib!])).filter((r) => r.event === 'suggestion.resolved');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({ suggestion: { id: vib, status: 'resolved', statusNote: note } });
    expect(dispatched.slice(sent)).toEqual([rows[0]!.id]);

    const revisions = (await suggestions(ctx.database.db, assetId)).map((s) => s.revision);
    const retry = await report(assetId, 'failure', T + HOUR);
    expect(retry.created).toBe(false);
    expect(retry.event).toEqual(event);
    expect((await suggestions(ctx.database.db, assetId)).map((s) => s.revision)).toEqual(revisions);
    expect((await outbox([vib!, pde!])).length).toBe(2); // the acknowledgement and the closure

    // Failed: a new zone-D forecast raises nothing.
    const zoneD = { iso_zone: 'D' as const, velocity_rms_mm_s: 9 };
    const f = await insertForecast(
      ctx.database.db,
      assetId,
      { ...zoneD, as_of: new Date(T + 2 * HOUR) },
      later(),
    );
    expect((await evaluateSuggestions(deps(ctx.database.db), [f])).created).toEqual([]);

    // The repair closes the acknowledged one: its work is done, a new life begins.
    const repair = await report(assetId, 'repair', T + 3 * HOUR);
    expect(repair.event.closedSuggestionIds).toEqual([pde]);
    expect(await actions.get(pde!)).toMatchObject({
      status: 'resolved',
      statusNote: `closed: repaired at ${new Date(T + 3 * HOUR).toISOString()}`,
    });
    // The old life's forecasts raise nothing; a new one after the repair does.
    expect((await evaluateSuggestions(deps(ctx.database.db), [f])).created).toEqual([]);
    const g = await insertForecast(
      ctx.database.db,
      assetId,
      { ...zoneD, as_of: new Date(T + 4 * HOUR) },
      later(),
    );
    expect((await evaluateSuggestions(deps(ctx.database.db), [g])).created).toHaveLength(1);
  });

  it('a replacement closes them as replaced; over HTTP the event lists what it closed', async () => {
    const { assetId, suggestions: ids } = await twoOpen('life-replace', T);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/maintenance-events',
      payload: {
        assetId,
        kind: 'replacement',
        occurredAt: new Date(T + HOUR).toISOString(),
        workOrderRef: 'WO-R',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().closedSuggestionIds).toEqual(ids);
    const rows = await suggestions(ctx.database.db, assetId);
    expect(rows.map((s) => s.status_note)).toEqual(
      ids.map(() => `closed: replaced at ${new Date(T + HOUR).toISOString()}`),
    );
  });

  it('an event older than the last repair is history: it closes nothing', async () => {
    const db = ctx.database.db;
    const { assetId } = await twoOpen('life-late', T);
    await report(assetId, 'repair', T + HOUR);
    const zoneD = { iso_zone: 'D' as const, velocity_rms_mm_s: 9, as_of: new Date(T + 2 * HOUR) };
    const g = await insertForecast(db, assetId, zoneD, later());
    const [fresh] = (await evaluateSuggestions(deps(db), [g])).created;
    // Reported late: the failure the repair answered.
    const late = await report(assetId, 'failure', T - HOUR, 'WO-late');
    expect(late.created).toBe(true);
    expect(late.event.closedSuggestionIds).toEqual([]);
    expect((await actions.get(fresh!)).status).toBe('open');
  });

  it('the demo’s observed failure closes them too, once', async () => {
    const { assetId, suggestions: ids } = await twoOpen('life-demo', T);
    const row = {
      asset_id: assetId,
      kind: 'failure' as const,
      occurred_at: new Date(T + HOUR),
      source: 'simulator' as const,
      dedup_key: `life-demo/failure`,
    };
    expect(await events.recordObserved(row)).toBe(true);
    expect(await events.recordObserved(row)).toBe(false);
    const rows = await suggestions(ctx.database.db, assetId);
    expect(rows.map((s) => [s.id, s.status, s.revision])).toEqual(ids.map((id) => [id, 'resolved', 2]));
  });
});
