/**
 * The alarm lifecycle of work-order suggestions with the production defaults (raise on 3 of the
 * last 5 forecasts, clear after 3 in a row below): a spike raises nothing, a more urgent finding
 * supersedes, a cleared condition resolves, a failure closes — each change once on the CMMS
 * cursor and as a webhook event. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { MaintenanceEvents } from '../src/maintenance/maintenance-events.service.js';
import { DEFAULT_RULES } from '../src/maintenance/rule-settings.js';
import { SuggestionActions } from '../src/maintenance/suggestion-actions.service.js';
import { evaluateSuggestions, type SuggestionDeps } from '../src/maintenance/suggestions.service.js';
import { createTestDatabase } from './helpers/database.js';
import { insertAsset, insertForecast, suggestions } from './maintenance-helpers.js';

type Zone = 'A' | 'B' | 'C' | 'D';
const VELOCITY: Record<Zone, number> = { A: 1.1, B: 2.1, C: 3.2, D: 9.4 };

describe('suggestion lifecycle: persistence, supersede, clear, close', () => {
  let database: Database;
  let d: SuggestionDeps;
  let actions: SuggestionActions;
  let events: MaintenanceEvents;
  const dispatched: number[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const webhook = { dispatch: async (ids: number[]) => void dispatched.push(...ids) };
    d = { db: database.db, rules: { ...DEFAULT_RULES }, webhook };
    actions = new SuggestionActions({ db: database.db, webhook });
    events = new MaintenanceEvents({ db: database.db, webhook });
  });
  afterAll(async () => {
    await database?.close();
  });

  /** One forecast per zone (oldest first), each evaluated as its scoring batch would be. */
  async function feed(assetId: number, zones: Zone[]) {
    const results = [];
    for (const z of zones) {
      const id = await insertForecast(database.db, assetId, { iso_zone: z, velocity_rms_mm_s: VELOCITY[z] });
      results.push(await evaluateSuggestions(d, [id]));
    }
    return results;
  }
  const outboxEvents = (ids: number[]) =>
    database.db
      .selectFrom('webhook_outbox')
      .select(['id', 'suggestion_id', 'event', 'payload'])
      .where('suggestion_id', 'in', ids)
      .orderBy('id')
      .execute();
  const newestAsOf = async (assetId: number) =>
    (
      await database.db
        .selectFrom('forecasts')
        .select('as_of')
        .where('asset_id', '=', assetId)
        .orderBy('as_of', 'desc')
        .executeTakeFirstOrThrow()
    ).as_of;

  it('one spike raises nothing; 3 of the last 5 do, on the data clock; hysteresis, then clear', async () => {
    const a = await insertAsset(database.db, 'motor-spike', {
      iso_machine_group: 2,
      iso_foundation: 'rigid',
    });
    await feed(a, ['A', 'A', 'A', 'A', 'D', 'A', 'A', 'A', 'A', 'A']);
    expect(await suggestions(database.db, a)).toEqual([]);

    const raised = await feed(a, ['D', 'A', 'D', 'D']);
    expect(raised.map((r) => r.created.length)).toEqual([0, 0, 0, 1]);
    const [row] = await suggestions(database.db, a);
    const asOf = await newestAsOf(a);
    // Raised on the forecasts' clock (simulated 2024 history), not the wall clock; due later.
    expect(row).toMatchObject({ status: 'open', priority: 1, rules: ['iso_zone'] });
    expect(row!.created_at.getTime()).toBe(asOf.getTime());
    expect(row!.due_at.getTime()).toBe(asOf.getTime() + 3 * 86_400_000);
    expect(row!.recommended_action).toContain('correct within 3 days');
    expect(row!.description).toContain('zone D in 3 of the last 5 forecasts');

    // The band between raise and clear: zone C (less urgent) and a broken run change nothing.
    const band = await feed(a, ['A', 'A', 'C', 'A']);
    expect(band.flatMap((r) => [...r.created, ...r.resolved, ...r.superseded])).toEqual([]);
    expect((await suggestions(database.db, a)).map((s) => [s.status, s.revision])).toEqual([['open', 1]]);

    const before = (await actions.list({ asset_id: a })).items.at(-1)!.updatedAt;
    const cleared = await feed(a, ['B', 'A']);
    expect(cleared.map((r) => r.resolved)).toEqual([[], [row!.id]]);
    const note =
      `condition cleared: velocity 1.1 mm/s below 2.8 mm/s (zone C) for 3 forecasts ` +
      `(as of ${(await newestAsOf(a)).toISOString()})`;
    const page = await actions.list({ updated_since: before });
    expect(page.items.map((s) => [s.id, s.status, s.statusNote, s.revision])).toEqual([
      [row!.id, 'resolved', note, 2],
    ]);
    const sent = await outboxEvents([row!.id]);
    expect(sent.map((e) => e.event)).toEqual(['suggestion.created', 'suggestion.resolved']);
    expect(sent[1]!.payload).toMatchObject({ suggestion: { status: 'resolved', statusNote: note } });
    expect(dispatched).toEqual(expect.arrayContaining(sent.map((e) => e.id)));
  });

  it('a more urgent finding supersedes the open one; as urgent or less updates nothing; a failure closes', async () => {
    const a = await insertAsset(database.db, 'pump-escalate', {
      iso_machine_group: 2,
      iso_foundation: 'rigid',
    });
    await feed(a, ['C', 'C', 'C']);
    const [first] = await suggestions(database.db, a);
    expect(first).toMatchObject({ status: 'open', priority: 3 });
    await feed(a, ['C', 'C', 'B']); // same urgency again: no duplicate, no new revision
    expect((await suggestions(database.db, a)).map((s) => [s.id, s.revision])).toEqual([[first!.id, 1]]);

    const before = (await actions.list({ asset_id: a })).items.at(-1)!.updatedAt;
    const esc = await feed(a, ['D', 'D', 'D']);
    expect(esc.map((r) => r.superseded)).toEqual([[], [], [first!.id]]);
    const [old, next] = await suggestions(database.db, a);
    expect(next).toMatchObject({ status: 'open', priority: 1, supersedes_id: old!.id });
    expect(old).toMatchObject({
      status: 'superseded',
      superseded_by_id: next!.id,
      revision: 2,
      status_note: `superseded by suggestion ${next!.id} (P1): ${next!.title}`,
    });
    expect(next!.description).toContain(`Escalates suggestion ${old!.id} (P3, raised`);
    expect(next!.evidence).toMatchObject({ supersedes: [{ id: old!.id, priority: 3, title: old!.title }] });

    // The cursor: the superseded row, then its successor, each once; the DTO names both ends.
    const page = await actions.list({ updated_since: before });
    expect(page.items.map((s) => [s.id, s.status, s.supersedesId, s.supersededById])).toEqual([
      [old!.id, 'superseded', null, next!.id],
      [next!.id, 'open', old!.id, null],
    ]);
    const sent = await outboxEvents([old!.id, next!.id]);
    expect(sent.map((e) => [e.suggestion_id, e.event])).toEqual([
      [old!.id, 'suggestion.created'],
      [old!.id, 'suggestion.superseded'],
      [next!.id, 'suggestion.created'],
    ]);
    // Superseded is final for the CMMS too.
    await expect(actions.ack(old!.id, { workOrderRef: 'WO-1' })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    await expect(actions.dismiss(old!.id, { reason: 'x' })).rejects.toMatchObject({
      code: 'invalid_transition',
    });

    // A failure closes the open successor; the superseded row stays as it was.
    const { event } = await events.record({
      assetId: a,
      kind: 'failure',
      occurredAt: new Date((await newestAsOf(a)).getTime() + 3_600_000).toISOString(),
      workOrderRef: 'WO-FAIL',
    });
    expect(event.closedSuggestionIds).toEqual([next!.id]);
    const after = await suggestions(database.db, a);
    expect(after.map((s) => [s.id, s.status])).toEqual([
      [old!.id, 'superseded'],
      [next!.id, 'resolved'],
    ]);
    expect((await outboxEvents([next!.id])).map((e) => e.event).at(-1)).toBe('suggestion.resolved');

    // Walking the whole feed by cursor, one row a page, yields every row of the asset once.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const p = await actions.list({ asset_id: a, limit: 1, cursor });
      seen.push(...p.items.map((s) => s.id));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([old!.id, next!.id]);
  });
});
