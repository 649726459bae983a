import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { activeHealthModel } from './helpers/health-artifact.js';
import { finishedRun } from './helpers/training-runs.js';
import { driftAsset, STEP_MS, writeRows } from './helpers/drift-rows.js';
import { deps as ruleDeps, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const SET = getFeatureSet('prognos-vibration')!;
const T0 = Date.UTC(2025, 0, 1);
const TRAIN_ROWS = 200;
const RECENT = 200;
const SHIFTED = ['rms', 'kurtosis', 'crest_factor'];
const HEALTH = { featureSet: SET.name, healthyFraction: 1, epochs: 3, seed: 1, externalRefPrefix: 'drift/' };

describe('drift and retraining suggestions over HTTP', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const assets: Array<{ assetId: number; sensorId: number }> = [];
  const get = (url: string) => app.inject({ url });
  const post = (url: string, payload: object = {}) => app.inject({ method: 'POST', url, payload });
  const check = () => ctx.retraining.check();
  const live = async () =>
    (await get('/v1/retraining-suggestions?limit=100'))
      .json()
      .items.filter((s: { status: string }) => ['open', 'acknowledged', 'retraining'].includes(s.status));

  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_DRIFT_WINDOW_ROWS: String(RECENT) } });
    app = await buildApp(ctx);
    const db = ctx.database.db;
    for (const [i, name] of ['steady-1', 'steady-2', 'shifting'].entries()) {
      const a = await driftAsset(db, name);
      assets.push(a);
      await writeRows(db, SET, a, { start: T0, count: TRAIN_ROWS, seed: 10 + i });
    }
    for (const modelName of ['drift-a', 'drift-b']) {
      const run = await ctx.training.start({ modelName, kind: 'health', params: HEALTH, autoPromote: true });
      const done = await finishedRun(ctx.training, run.id);
      expect(done.error).toBeNull();
    }
    // Registered without the trainers: no drift reference, as models from before drift checks.
    const healthy = Array.from({ length: 40 }, (_, k) =>
      SET.featureNames.map((_, j) => j + 1 + 0.01 * (k % 7)),
    );
    await activeHealthModel(ctx, 'legacy-health', SET, healthy, {
      seed: 2,
      epochs: 2,
      prefix: 'legacy-health-',
    });
    // Recent rows, after the training period: the same distribution everywhere.
    for (const [i, a] of assets.entries())
      await writeRows(db, SET, a, { start: T0 + TRAIN_ROWS * STEP_MS, count: RECENT, seed: 100 + i });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('unshifted recent rows: no drift, and no suggestion raised', async () => {
    const res = await get(`/v1/assets/${assets[0]!.assetId}/drift`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toMatchObject({
      name: 'drift-a',
      version: 1,
      kind: 'health',
      trainingRows: 3 * TRAIN_ROWS,
    });
    expect(body.otherModels).toEqual(['drift-b', 'legacy-health']);
    expect(body.rows).toBe(RECENT);
    expect(body.baseline).toBe('asset');
    expect(body.features).toHaveLength(SET.featureNames.length);
    expect(['ok', 'warn']).toContain(body.status);
    for (const f of body.features) {
      expect(f.status).not.toBe('drift');
      expect(Number.isFinite(f.psi) && Number.isFinite(f.ks) && Number.isFinite(f.ksPValue)).toBe(true);
    }
    const result = await check();
    expect(result).toMatchObject({ drifting: [], raised: [] });
    expect(result.skipped).toEqual([
      { model: 'legacy-health', reason: expect.stringMatching(/without a drift reference/) },
    ]);
    expect(await live()).toEqual([]);
  });

  it('a model without a reference says so, with status unknown', async () => {
    const res = await get(`/v1/assets/${assets[0]!.assetId}/drift?model=legacy-health`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/registered without a drift reference.*retrain/),
      model: { name: 'legacy-health', trainingRows: null },
      features: [],
    });
  });

  it('shifted rows: the asset drifts on the shifted features; the fleet ranks it first', async () => {
    const shifting = assets[2]!;
    const start = T0 + (TRAIN_ROWS + RECENT) * STEP_MS;
    for (const [i, a] of assets.entries()) {
      const shift = a === shifting ? { features: SHIFTED, sd: 1.5 } : undefined;
      await writeRows(ctx.database.db, SET, a, { start, count: RECENT, seed: 200 + i, shift });
    }
    const body = (await get(`/v1/assets/${shifting.assetId}/drift`)).json();
    expect(body.status).toBe('drift');
    const top = body.features.slice(0, SHIFTED.length);
    expect(top.map((f: { feature: string }) => f.feature).sort()).toEqual([...SHIFTED].sort());
    for (const f of top) {
      expect(f.status).toBe('drift');
      expect(f.psi).toBeGreaterThan(0.25);
      expect(f.ksPValue).toBeLessThan(1e-6);
    }
    const fleet = (await get('/v1/fleet/drift')).json();
    const a = fleet.models.find((m: { model: { name: string } }) => m.model.name === 'drift-a');
    expect(a.pooled.status).toBe('drift');
    expect(a.pooled.rows).toBe(3 * RECENT);
    expect(a.staleAssets).toBe(0);
    expect(a.assets[0]).toMatchObject({ assetId: shifting.assetId, status: 'drift' });
    expect(a.assets.slice(1).every((x: { status: string }) => x.status !== 'drift')).toBe(true);
    expect(
      a.features
        .slice(0, SHIFTED.length)
        .map((f: { feature: string }) => f.feature)
        .sort(),
    ).toEqual([...SHIFTED].sort());
    expect(a.features[0]).toMatchObject({ assetsDrift: 1 });
    const one = (await get('/v1/fleet/drift?limit=1&model=drift-a')).json();
    expect(one.models).toHaveLength(1);
    expect(one.models[0].assets).toHaveLength(1);
    expect(one.models[0].assets[0].assetId).toBe(shifting.assetId);
    const legacy = fleet.models.find((m: { model: { name: string } }) => m.model.name === 'legacy-health');
    expect(legacy.pooled).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/drift reference/),
    });
  });

  it('a faulty asset keeps its own drift but is left out of retraining: no suggestion', async () => {
    const db = ctx.database.db;
    const { assetId } = assets[2]!;
    const fleetA = async () => (await get('/v1/fleet/drift?model=drift-a')).json().models[0];
    // Forecasts the work-order rules call alarming (zone D, anomaly 0.8 three times running).
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await insertForecast(db, assetId, { iso_zone: 'D', velocity_rms_mm_s: 12, anomaly_score: 0.8 }),
      );
    let a = await fleetA();
    expect(a.excluded).toEqual([
      { assetId, assetName: 'shifting', reason: expect.stringMatching(/newest forecasts: .*zone D/) },
    ]);
    expect(a.pooled.rows).toBe(2 * RECENT);
    expect(a.pooled.status).not.toBe('drift');
    expect(a.assets[0]).toMatchObject({ assetId, status: 'drift', countsForRetraining: false });
    expect(a.assets.slice(1).every((x: { countsForRetraining: boolean }) => x.countsForRetraining)).toBe(
      true,
    );
    // The rules raise work-order suggestions from them: those are the reason now.
    expect((await evaluateSuggestions(ruleDeps(db), ids)).created.length).toBeGreaterThan(0);
    const own = (await get(`/v1/assets/${assetId}/drift`)).json();
    expect(own).toMatchObject({
      status: 'drift',
      countsForRetraining: false,
      retrainingExclusion: expect.stringMatching(/^work-order suggestion \d+ open: shifting: /),
    });
    expect((await get(`/v1/assets/${assets[0]!.assetId}/drift`)).json()).toMatchObject({
      countsForRetraining: true,
      retrainingExclusion: null,
    });
    expect(await check()).toMatchObject({ drifting: [], raised: [] });
    expect(await live()).toEqual([]);
    // Repaired: resolving the suggestions hides the forecasts before it, and the asset counts again...
    await db
      .updateTable('work_order_suggestions')
      .set({ status: 'resolved', status_changed_at: new Date() })
      .where('asset_id', '=', assetId)
      .execute();
    expect((await fleetA()).excluded).toEqual([]);
    // ...unless a failure was recorded after the training data.
    await db
      .insertInto('maintenance_events')
      .values({
        asset_id: assetId,
        kind: 'failure',
        component: 'bearing',
        occurred_at: new Date(T0 + 300 * STEP_MS),
      })
      .execute();
    a = await fleetA();
    expect(a.excluded).toEqual([
      {
        assetId,
        assetName: 'shifting',
        reason: expect.stringMatching(/^failure \(bearing\) recorded .*after the training data/),
      },
    ]);
    expect(a.pooled.status).not.toBe('drift');
    // A repair puts the machine back in service.
    await db
      .insertInto('maintenance_events')
      .values({ asset_id: assetId, kind: 'repair', occurred_at: new Date(T0 + 310 * STEP_MS) })
      .execute();
    expect((await fleetA()).excluded).toEqual([]);
    await db.deleteFrom('maintenance_events').where('asset_id', '=', assetId).execute();
  });

  it('raises one suggestion per model, deduplicated across checks; ack keeps it, dismiss suppresses it', async () => {
    const first = await check();
    expect(first.drifting.sort()).toEqual(['drift-a', 'drift-b']);
    expect(first.raised).toHaveLength(2);
    const second = await check();
    expect(second.raised).toEqual([]);
    expect(second.updated.sort()).toEqual([...first.raised].sort());
    const items = await live();
    expect(items).toHaveLength(2);
    const a = items.find((s: { modelName: string }) => s.modelName === 'drift-a');
    const b = items.find((s: { modelName: string }) => s.modelName === 'drift-b');
    expect(a).toMatchObject({ status: 'open', checks: 2, maxPsi: expect.any(Number) });
    expect(a.evidence.model).toMatchObject({ name: 'drift-a', version: 1, trainingRows: 3 * TRAIN_ROWS });
    // Healthy assets shifting: every one counts.
    expect(a.evidence).toMatchObject({ assets: 3, excluded: [], rows: 3 * RECENT });
    expect(a.evidence.features.map((f: { feature: string }) => f.feature)).toEqual(
      expect.arrayContaining(SHIFTED),
    );
    expect(a.evidence.driftingAssets[0]).toMatchObject({ assetId: assets[2]!.assetId, status: 'drift' });

    const ack = await post(`/v1/retraining-suggestions/${a.id}/acknowledge`, { note: 'looking' });
    expect(ack.json()).toMatchObject({ status: 'acknowledged', statusNote: 'looking' });
    expect((await post(`/v1/retraining-suggestions/${b.id}/dismiss`, {})).statusCode).toBe(400);
    const dismissed = await post(`/v1/retraining-suggestions/${b.id}/dismiss`, { reason: 'new pump model' });
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', statusNote: 'new pump model' });
    const third = await check();
    expect(third.raised).toEqual([]);
    expect(third.updated).toEqual([a.id]);
    expect((await get(`/v1/retraining-suggestions/${a.id}`)).json()).toMatchObject({
      status: 'acknowledged',
      checks: 3,
    });
    expect((await post(`/v1/retraining-suggestions/${b.id}/acknowledge`)).statusCode).toBe(409);
  });

  it('retrain starts a training run with the same parameters; a new active version resolves it', async () => {
    const [a] = await live();
    const res = await post(`/v1/retraining-suggestions/${a.id}/retrain`, { autoPromote: true });
    expect(res.statusCode).toBe(202);
    const { suggestion, trainingRunId } = res.json();
    expect(suggestion).toMatchObject({ status: 'retraining', trainingRunId });
    expect((await post(`/v1/retraining-suggestions/${a.id}/retrain`)).statusCode).toBe(409);
    const run = await finishedRun(ctx.training, trainingRunId);
    expect(run).toMatchObject({ status: 'completed', model_name: 'drift-a', kind: 'health' });
    expect(run.params).toMatchObject({ ...HEALTH, autoPromote: true });
    // Not promoted by itself (no failures, so no separation AUC to beat the baseline with).
    expect(run.metrics).toMatchObject({ promoted: false });
    expect((await post('/v1/models/drift-a/versions/2/promote')).statusCode).toBe(200);
    const after = await check();
    expect(after.resolved).toContain(a.id);
    const resolved = (await get(`/v1/retraining-suggestions/${a.id}`)).json();
    expect(resolved).toMatchObject({
      status: 'resolved',
      statusNote: expect.stringMatching(/another version/),
    });
    expect(
      (await live()).filter((s: { modelName: string }) => s.modelName === 'drift-a').length,
    ).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a retraining run that failed reopens its suggestion', async () => {
    const db = ctx.database.db;
    const version = (await ctx.models.active('drift-b'))!;
    const run = await db
      .insertInto('training_runs')
      .values({ model_name: 'drift-b', kind: 'health', status: 'failed', error: 'out of memory' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const s = await db
      .insertInto('retraining_suggestions')
      .values({
        model_name: 'drift-b',
        model_version_id: version.id,
        status: 'retraining',
        training_run_id: run.id,
        evidence: '{}',
        max_psi: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const result = await check();
    expect(result.reopened).toEqual([s.id]);
    expect((await get(`/v1/retraining-suggestions/${s.id}`)).json()).toMatchObject({
      status: 'open',
      statusNote: `training run ${run.id} failed: out of memory`,
    });
  });

  it('refuses bad input naming the field', async () => {
    const id = assets[0]!.assetId;
    const cases: Array<[string, number, RegExp]> = [
      ['/v1/assets/999999/drift', 404, /asset 999999/],
      [`/v1/assets/${id}/drift?window=1`, 400, /window/],
      [`/v1/assets/${id}/drift?model=Not_A_Name`, 400, /model/],
      [`/v1/assets/${id}/drift?model=nope`, 404, /query\/model: model nope/],
      [`/v1/assets/${id}/drift?colour=red`, 400, /colour/],
      ['/v1/fleet/drift?model=nope', 404, /query\/model/],
      ['/v1/fleet/drift?limit=0', 400, /limit/],
      ['/v1/retraining-suggestions?status=maybe', 400, /status/],
      ['/v1/retraining-suggestions/999999', 404, /retraining suggestion 999999/],
    ];
    for (const [url, status, message] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.message, url).toMatch(message);
    }
    // An asset the model was not trained on is compared with the whole training set.
    const newcomer = await driftAsset(ctx.database.db, 'newcomer');
    await writeRows(ctx.database.db, SET, newcomer, {
      start: T0 + 2 * TRAIN_ROWS * STEP_MS,
      count: RECENT,
      seed: 5,
    });
    const fresh = (await get(`/v1/assets/${newcomer.assetId}/drift`)).json();
    expect(fresh).toMatchObject({ baseline: 'fleet', rows: RECENT });
    expect(fresh.status).not.toBe('drift');

    const queued = await post('/v1/drift-checks');
    expect(queued.statusCode).toBe(202);
    expect((await ctx.jobs.waitFor(queued.json().jobId)).state).toBe('completed');
  });
});
