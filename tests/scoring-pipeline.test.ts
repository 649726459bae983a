/**
 * The one scoring pipeline over stored features (ScoringService.scoreNewRows), which the
 * scheduled score-fleet job and the demo set-up both call: exactly the feature rows no forecast
 * covers yet, of active assets only, the newest N of each asset, scored oldest first, each
 * forecast carrying its row's key; a row that fails is reported and the others still scored.
 * The truth is the rows the test writes and the one forecast it stores beforehand.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forecast } from '../src/db/schema.js';
import { ensureFeatureSet } from '../src/features/features.repository.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { JOBS } from '../src/jobs/names.js';
import { createTestContext } from './helpers/context.js';
import { STEP_MS, driftAsset, writeRows } from './helpers/drift-rows.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const SET = getFeatureSet('prognos-vibration')!;
const T0 = Date.parse('2026-01-05T00:00:00Z');
const windowStart = (k: number) => new Date(T0 + k * STEP_MS).toISOString();
const windowEnd = (k: number) => new Date(T0 + k * STEP_MS + 1000).toISOString();

describe('scoring the feature rows not scored yet', () => {
  let ctx: Ctx;
  const ids: Record<'a' | 'b' | 'retired', { assetId: number; sensorId: number }> = {} as never;

  const forecasts = (assetId: number): Promise<Forecast[]> =>
    ctx.database.db
      .selectFrom('forecasts')
      .selectAll()
      .where('asset_id', '=', assetId)
      .orderBy('id')
      .execute();
  const window = (f: Forecast) =>
    (f.lineage as { inputs?: { featureRow?: { windowStart: string } } }).inputs?.featureRow?.windowStart;

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.database.db;
    for (const [i, name] of (['a', 'b', 'retired'] as const).entries()) {
      ids[name] = await driftAsset(db, `pipeline-${name}`);
      await writeRows(db, SET, ids[name], { start: T0, count: 5, seed: i + 1 });
    }
    await db.updateTable('assets').set({ status: 'retired' }).where('id', '=', ids.retired.assetId).execute();
    // Asset a's windows 0..2 are covered by a forecast as of window 2's end.
    await ctx.scoring.score({ assetId: ids.a.assetId, features: {}, asOf: new Date(windowEnd(2)) });
    await ctx.scoring.settled();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('scores each active asset’s unscored rows, newest N, oldest first; nothing twice', async () => {
    const progress: Array<{ total: number; scored: number; failed: number }> = [];
    const r = await ctx.scoring.scoreNewRows({
      featureSetHash: SET.hash,
      perAsset: 4,
      source: 'demo',
      onProgress: (p) => void progress.push(p),
    });
    // a: windows 3, 4 (0..2 covered); b: the newest four of five, 1..4; the retired asset none.
    expect(r).toEqual({ rows: 6, scored: 6, failed: 0 });
    expect(progress.map((p) => p.scored)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6 && p.failed === 0)).toBe(true);
    const a = (await forecasts(ids.a.assetId)).slice(1);
    expect(a.map(window)).toEqual([windowStart(3), windowStart(4)]);
    expect(a.map((f) => f.as_of.toISOString())).toEqual([windowEnd(3), windowEnd(4)]);
    const b = await forecasts(ids.b.assetId);
    expect(b.map(window)).toEqual([1, 2, 3, 4].map(windowStart));
    expect(b.every((f) => f.source === 'demo')).toBe(true);
    expect(b[0]!.lineage).toMatchObject({
      featureSet: { hash: SET.hash },
      inputs: { featureRow: { sensorId: ids.b.sensorId } },
    });
    expect(await forecasts(ids.retired.assetId)).toEqual([]);

    const again = await ctx.scoring.scoreNewRows({ featureSetHash: SET.hash, perAsset: 4, source: 'demo' });
    expect(again).toEqual({ rows: 0, scored: 0, failed: 0 });
  });

  it('the scheduled job scores only the newest new row of each asset, and reports progress', async () => {
    const db = ctx.database.db;
    await writeRows(db, SET, ids.a, { start: T0 + 5 * STEP_MS, count: 3, seed: 7 });
    await writeRows(db, SET, ids.b, { start: T0 + 5 * STEP_MS, count: 1, seed: 8 });
    const { id } = await ctx.jobs.enqueue(JOBS.scoreFleet, {});
    const status = await ctx.jobs.waitFor(id, 60_000);
    expect(status.state).toBe('completed');
    expect(status.result).toEqual({ assets: 2, scored: 2, failed: 0 });
    expect(status.progress).toEqual({ percent: 100, scored: 2, failed: 0 });
    const a = await forecasts(ids.a.assetId);
    expect(a.at(-1)!.source).toBe('scheduled');
    expect(window(a.at(-1)!)).toBe(windowStart(7));
    expect(a).toHaveLength(1 + 2 + 1);
    expect(window((await forecasts(ids.b.assetId)).at(-1)!)).toBe(windowStart(5));
  });

  it('a row that cannot be scored is reported and the others still are; without a handler it throws', async () => {
    const db = ctx.database.db;
    // Rows of a stored set no longer registered: scoring refuses its name.
    const legacyId = await ensureFeatureSet(db, {
      ...SET,
      name: 'retired-set',
      hash: createHash('sha256').update('retired-set').digest('hex'),
    });
    await db
      .insertInto('feature_rows')
      .values({
        asset_id: ids.a.assetId,
        sensor_id: ids.a.sensorId,
        feature_set_id: legacyId,
        window_start: new Date(T0 + 9 * STEP_MS),
        window_end: new Date(T0 + 9 * STEP_MS + 1000),
        source: 'readings',
        source_id: null,
        values: `{${SET.featureNames.map(() => 1).join(',')}}`,
      })
      .execute();
    await writeRows(db, SET, ids.b, { start: T0 + 9 * STEP_MS, count: 1, seed: 9 });

    await expect(
      ctx.scoring.scoreNewRows({ assetIds: [ids.a.assetId], source: 'scheduled' }),
    ).rejects.toMatchObject({ code: 'unknown_feature_set' });
    const failures: string[] = [];
    const r = await ctx.scoring.scoreNewRows({
      source: 'scheduled',
      onFailure: (row, err) => void failures.push(`${row.asset_id}: ${err.message}`),
    });
    expect(r).toEqual({ rows: 2, scored: 1, failed: 1 });
    expect(failures).toEqual([`${ids.a.assetId}: featureSet "retired-set" is not a registered feature set`]);
    expect(window((await forecasts(ids.b.assetId)).at(-1)!)).toBe(windowStart(9));
  });
});
