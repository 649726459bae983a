import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { SuggestionActions } from '../src/maintenance/suggestion-actions.service.js';
import { lockSuggestionWrites, suggestionsRepository } from '../src/maintenance/suggestions.repository.js';
import { DATABASE_URL, createTestDatabase, skipReason } from './helpers/database.js';
import { deps, insertAsset, insertForecast, nowClock, suggestions } from './maintenance-helpers.js';

describe('evaluateSuggestions', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates nothing for healthy forecasts', async () => {
    const db = database.db;
    const a = await insertAsset(db, 'healthy');
    const ids = [];
    for (let i = 0; i < 8; i++)
      ids.push(
        await insertForecast(db, a, {
          rul_hours: 3000,
          rul_lower_hours: 2000,
          rul_upper_hours: 4000,
          indicators: { env_bpfo: 1 },
        }),
      );
    const r = await evaluateSuggestions(deps(db), ids);
    expect(r).toMatchObject({ assets: 1, created: [], superseded: [], failedAssets: [] });
    expect(await suggestions(db, a)).toEqual([]);
    expect(await evaluateSuggestions(deps(db), [])).toMatchObject({ assets: 0 });
  });

  it('each rule fires from stored forecasts, one suggestion per failure mode', async () => {
    const db = database.db;
    const a = await insertAsset(db, 'pump-bad', { iso_machine_group: 2, iso_foundation: 'rigid' });
    const ids = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        await insertForecast(db, a, {
          anomaly_score: i < 2 ? 0.2 : 0.85,
          health_index: 0.15,
          iso_zone: i === 5 ? 'D' : 'B',
          velocity_rms_mm_s: i === 5 ? 7.3 : 2,
          indicators: { env_bpfo: i < 3 ? 1 : 2.4 + i / 10 },
          rul_hours: 400 - i * 40,
          rul_lower_hours: 250 - i * 40,
          rul_upper_hours: 500,
          rul_interval_level: 0.9,
        }),
      );
    }
    const r = await evaluateSuggestions(deps(db), [ids.at(-1)!]);
    expect(r.created).toHaveLength(3);
    const rows = await suggestions(db, a);
    const byMode = Object.fromEntries(rows.map((s) => [s.failure_mode, s]));
    expect(Object.keys(byMode).sort()).toEqual(['BRD', 'PDE', 'VIB']);
    expect(byMode.BRD).toMatchObject({ priority: 1, failure_mechanism: '2.0', status: 'open', revision: 1 });
    const latest = await db
      .selectFrom('forecasts')
      .select('as_of')
      .where('id', '=', ids.at(-1)!)
      .executeTakeFirstOrThrow();
    expect(byMode.BRD!.due_at.getTime()).toBe(latest.as_of.getTime() + 50 * 3_600_000);
    expect(byMode.BRD!.description).toContain('90% interval 50–500 h');
    expect(byMode.VIB).toMatchObject({
      priority: 1,
      failure_mechanism: '2.6',
      rules: ['iso_zone', 'bearing_defect_trend'],
    });
    expect(byMode.VIB!.description).toContain('7.3 mm/s');
    expect(byMode.VIB!.description).toContain('BPFO');
    expect(byMode.PDE).toMatchObject({ priority: 3, failure_mechanism: '6.4' });
    expect(byMode.PDE!.forecast_ids.map(Number)).toEqual(ids.slice(2).sort((x, y) => x - y));
    expect(byMode.PDE!.evidence).toMatchObject({ persistent_anomaly: { consecutive: 4 } });
  });

  it('dedups: the same evidence changes nothing, a more urgent finding supersedes the open one', async () => {
    const db = database.db;
    const a = await insertAsset(db, 'pump-dedup');
    const f1 = await insertForecast(db, a, { iso_zone: 'C', velocity_rms_mm_s: 5 });
    const first = await evaluateSuggestions(deps(db), [f1]);
    expect(first.created).toHaveLength(1);
    const again = await evaluateSuggestions(deps(db), [f1]);
    expect(again).toMatchObject({ created: [], superseded: [], unchanged: first.created });
    const [before] = await suggestions(db, a);
    expect(before).toMatchObject({ revision: 1, priority: 3 });

    const f2 = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 8.2 });
    const second = await evaluateSuggestions(deps(db), [f2]);
    expect(second.superseded).toEqual(first.created);
    const rows = await suggestions(db, a);
    expect(rows.map((r) => [r.status, r.priority, r.revision])).toEqual([
      ['superseded', 3, 2],
      ['open', 1, 1],
    ]);
    expect(rows[1]!.forecast_ids.map(Number)).toEqual([f2]);
    expect(rows[1]!.description).toContain('8.2 mm/s');
    expect(rows[1]!.updated_at.getTime()).toBeGreaterThan(rows[0]!.updated_at.getTime());
    expect(rows[1]!.due_at.getTime()).toBeLessThan(before!.due_at.getTime());
  });

  it('a dismissal is not undone by the same evidence; new evidence after it opens a new one', async () => {
    const db = database.db;
    const actions = new SuggestionActions({ db });
    const a = await insertAsset(db, 'pump-dismiss');
    const f1 = await insertForecast(db, a, { iso_zone: 'C', velocity_rms_mm_s: 5 });
    const [id] = (await evaluateSuggestions(deps(db), [f1])).created;
    await actions.dismiss(id!, { reason: 'sensor loose, fixed' });
    expect(await evaluateSuggestions(deps(db), [f1])).toMatchObject({ created: [], superseded: [] });
    expect(await suggestions(db, a)).toHaveLength(1);

    nowClock();
    const f2 = await insertForecast(db, a, { iso_zone: 'C', velocity_rms_mm_s: 5.5 });
    const later = await evaluateSuggestions(deps(db), [f2]);
    expect(later.created).toHaveLength(1);
    const rows = await suggestions(db, a);
    expect(rows.map((r) => r.status)).toEqual(['dismissed', 'open']);
    expect(rows[1]!.forecast_ids.map(Number)).toEqual([f2]);
  });

  it('after an acknowledgement only an escalation opens a new suggestion', async () => {
    const db = database.db;
    const actions = new SuggestionActions({ db });
    const a = await insertAsset(db, 'pump-ack');
    const f1 = await insertForecast(db, a, { iso_zone: 'C', velocity_rms_mm_s: 5 });
    const [id] = (await evaluateSuggestions(deps(db), [f1])).created;
    await actions.ack(id!, { workOrderRef: 'WO-1' });
    nowClock();
    const f2 = await insertForecast(db, a, { iso_zone: 'C', velocity_rms_mm_s: 5.2 });
    expect(await evaluateSuggestions(deps(db), [f2])).toMatchObject({ created: [], suppressed: 1 });
    const f3 = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9 });
    const esc = await evaluateSuggestions(deps(db), [f3]);
    expect(esc.created).toHaveLength(1);
    expect((await suggestions(db, a)).map((r) => [r.status, r.priority])).toEqual([
      ['acknowledged', 3],
      ['open', 1],
    ]);
  });

  it('the partial unique index allows one open suggestion per asset and failure mode', async () => {
    const db = database.db;
    const a = await insertAsset(db, 'pump-unique');
    const f = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9 });
    await evaluateSuggestions(deps(db), [f]);
    const [row] = await suggestions(db, a);
    const { id: _id, created_at: _c, ...copy } = row!;
    await expect(
      db
        .insertInto('work_order_suggestions')
        .values({
          ...copy,
          evidence: JSON.stringify(copy.evidence),
          forecast_ids: copy.forecast_ids.map(Number),
        })
        .execute(),
    ).rejects.toThrow(/work_order_suggestions_open_uq|duplicate key/);
  });
});

skipReason('DATABASE_URL', 'suggestion stamps follow commit order (needs concurrent PostgreSQL sessions)');
describe.runIf(DATABASE_URL)('suggestion stamps follow commit order', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('a change committed late is never behind a cursor that already passed later changes', async () => {
    const db = database.db;
    const actions = new SuggestionActions({ db });
    const ids: number[] = [];
    for (const name of ['late-a', 'late-b']) {
      const a = await insertAsset(db, name, { site: 'race' });
      ids.push(
        ...(
          await evaluateSuggestions(deps(db), [
            await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9 }),
          ])
        ).created,
      );
    }
    const first = await actions.list({ site: 'race', limit: 10 });
    const since = first.items.at(-1)!.updatedAt;

    // W1 changes A and holds its transaction open; W2 (ack of B) starts after it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let w1Locked!: () => void;
    const locked = new Promise<void>((r) => (w1Locked = r));
    const w1 = db.transaction().execute(async (tx) => {
      await lockSuggestionWrites(tx);
      await suggestionsRepository.setStatus(tx, ids[0]!, { status: 'dismissed', note: 'slow writer' });
      w1Locked();
      await gate;
    });
    await locked;
    const w2 = actions.ack(ids[1]!, { workOrderRef: 'WO-FAST' });
    await new Promise((r) => setTimeout(r, 200));
    // Neither is visible: W2 waits for W1, so it cannot commit a later stamp first.
    expect((await actions.list({ site: 'race', updated_since: since })).items).toEqual([]);
    release();
    await Promise.all([w1, w2]);
    const after = await actions.list({ site: 'race', updated_since: since });
    expect(after.items.map((s) => [s.id, s.status])).toEqual([
      [ids[0], 'dismissed'],
      [ids[1], 'acknowledged'],
    ]);
  });
});
