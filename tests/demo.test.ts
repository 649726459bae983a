/**
 * The demo's set-up end to end on a small fleet (6 machines, 45 days, one 0.1 s capture every
 * 6 h; seed 2: four failures in the history, one machine degrading, one healthy) with tiny
 * training settings: forecasts for every asset, work-order suggestions, the riskiest asset one
 * the twin made degrade, and a second run that stores nothing twice. PGlite by default,
 * PostgreSQL with DATABASE_URL; with REDIS_URL the jobs go through BullMQ with the workers in
 * this process, as `prognos demo` runs them. No listener; the live stream plays one simulated
 * day unpaced.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { liveStartDay, streamDemoLive, type LiveTick } from '../src/demo/live.js';
import { DEMO_DEFAULTS, type DemoOptions } from '../src/demo/plan.js';
import { issueDemoKey, runDemoSetup, type DemoSetupResult } from '../src/demo/setup.js';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { DEFAULT_START } from '../src/twin/index.js';
import { createTestContext } from './helpers/context.js';
import { REDIS_URL } from './helpers/database.js';

const SMALL: DemoOptions = {
  ...DEMO_DEFAULTS,
  machines: 6,
  seed: 2,
  fleetDays: 60,
  historyDays: 45,
  captureEveryMin: 360,
  readingEveryMin: 30,
  prefix: 'demo-test',
  healthParams: { healthyHours: 96, epochs: 15, patience: 5, seed: 3 },
  rulParams: {
    members: 1,
    maxEpochs: 3,
    window: 12,
    cap: 120,
    samplesPerEpoch: 800,
    maxTrainSeconds: 15,
    seed: 3,
  },
  scoreRows: 4,
};

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

describe('demo set-up', () => {
  let ctx: Ctx;
  let pool: WorkerPool | undefined;
  let first: DemoSetupResult;

  beforeAll(async () => {
    if (!REDIS_URL) console.info('demo test: REDIS_URL not set, jobs run in-process (BullMQ path skipped)');
    ctx = await createTestContext({ redis: Boolean(REDIS_URL) });
    if (ctx.config.redisUrl) {
      pool = await startWorkers({
        handlers: ctx.jobHandlers,
        redisUrl: ctx.config.redisUrl,
        prefix: ctx.config.queuePrefix,
        logger: ctx.logger,
      });
    }
    first = await runDemoSetup(ctx, SMALL);
  }, 180_000);

  afterAll(async () => {
    await pool?.close();
    await ctx?.close();
  });

  it('stores the fleet, trains both models and scores every asset', async () => {
    expect(first.assets).toHaveLength(SMALL.machines);
    const db = ctx.database.db;
    const active = await db
      .selectFrom('model_versions')
      .select(['name', 'kind', 'artifact_dir'])
      .where('status', '=', 'active')
      .where('name', 'in', [SMALL.healthModel, SMALL.rulModel])
      .execute();
    expect(active.map((m) => m.kind).sort()).toEqual(['health', 'rul']);
    // Each trained version got its model card with the figures of its kind.
    const figures = {
      health: ['card-roc.svg', 'card-score-distribution.svg'],
      rul: ['card-interval-coverage.svg', 'card-predicted-vs-true.svg', 'card-residuals-by-rul.svg'],
    };
    for (const m of active) {
      const files = readdirSync(path.join(ctx.models.modelsDir, m.artifact_dir));
      expect(files).toContain('MODEL_CARD.md');
      expect(files.filter((f) => f.endsWith('.svg')).sort()).toEqual(figures[m.kind as 'health' | 'rul']);
    }
    const scored = await db
      .selectFrom('forecasts')
      .select(['asset_id', 'health_index', 'rul_hours', 'rul_lower_hours', 'rul_upper_hours'])
      .where(
        'asset_id',
        'in',
        first.assets.map((a) => a.id),
      )
      .execute();
    expect(new Set(scored.map((f) => f.asset_id)).size).toBe(SMALL.machines);
    // Both models served the forecasts.
    expect(scored.every((f) => f.health_index !== null && f.rul_hours !== null)).toBe(true);
    // Every interval brackets its point estimate.
    for (const f of scored) {
      expect(f.rul_lower_hours!).toBeLessThanOrEqual(f.rul_hours!);
      expect(f.rul_upper_hours!).toBeGreaterThanOrEqual(f.rul_hours!);
    }
    expect(first.suggestions).toBeGreaterThan(0);
  });

  it('ranks a machine the simulator made degrade first', async () => {
    const app = await buildApp(ctx);
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/fleet/risk' });
      expect(res.statusCode).toBe(200);
      const items = (res.json() as { items: Array<{ asset: { id: number } }> }).items;
      expect(items.length).toBe(SMALL.machines);
      const top = first.assets.find((a) => a.id === items[0]!.asset.id)!;
      expect(top.mode).toBeDefined();
      expect(top.mode).not.toBe('none');
    } finally {
      await app.close();
    }
  });

  it('checks drift once; the degrading machine is left out, so no suggestion rests on it', async () => {
    const { drift } = first;
    expect(first.timings.drift).toBeGreaterThanOrEqual(0);
    expect(drift.compared.map((c) => c.model).sort()).toEqual([SMALL.healthModel, SMALL.rulModel].sort());
    const mode = new Map(first.assets.map((a) => [a.id, a.mode]));
    const report = await ctx.drift.fleetDrift({});
    for (const m of report.models) {
      const reporting = m.assets.map((a) => a.assetId);
      const faulty = reporting.filter((id) => mode.get(id) !== 'none');
      // The twin's degrading machine is still reporting; the failed ones stopped (stale).
      expect(faulty.length, m.model.name).toBeGreaterThan(0);
      // Every one of them is left out (a healthy machine with a false alarm may be too).
      expect(
        m.excluded.map((e) => e.assetId),
        m.model.name,
      ).toEqual(expect.arrayContaining(faulty));
      expect(m.pooled.rows, m.model.name).toBe(
        m.assets.filter((a) => a.countsForRetraining).reduce((n, a) => n + a.rows, 0),
      );
      const c = drift.compared.find((x) => x.model === m.model.name)!;
      console.info(
        `demo drift ${m.model.name}: pooled ${m.pooled.status} over ${m.pooled.rows} rows ` +
          `(${c.drift} drifting, ${c.warn} warn features); stale ${m.staleAssets}; excluded: ` +
          m.excluded.map((e) => `${e.assetName} [${mode.get(e.assetId)}] ${e.reason}`).join(' | '),
      );
    }
    const live = await ctx.retraining.list({});
    for (const s of live) {
      const drifting = (s.evidence.driftingAssets as Array<{ assetId: number }>).map((a) => a.assetId);
      expect(drifting.every((id) => mode.get(id) === 'none')).toBe(true);
    }
    expect(live.length).toBe(drift.raised.length);
  });

  it('reuses everything on a second run', async () => {
    const count = async (table: 'captures' | 'forecasts' | 'training_runs' | 'feature_rows' | 'assets') =>
      Number(
        (
          await ctx.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await Promise.all(
      (['assets', 'captures', 'feature_rows', 'training_runs', 'forecasts'] as const).map(count),
    );
    const again = await runDemoSetup(ctx, SMALL);
    const after = await Promise.all(
      (['assets', 'captures', 'feature_rows', 'training_runs', 'forecasts'] as const).map(count),
    );
    expect(after).toEqual(before);
    expect(again.suggestions).toBe(first.suggestions);
  }, 120_000);

  it('issues an admin key and revokes the previous demo key', async () => {
    const a = await issueDemoKey(ctx);
    const b = await issueDemoKey(ctx);
    expect(b.scopes).toEqual(['admin']);
    const rows = await ctx.database.db.selectFrom('api_keys').select(['id', 'revoked_at']).execute();
    expect(rows.find((r) => r.id === a.id)!.revoked_at).not.toBeNull();
    expect(rows.find((r) => r.id === b.id)!.revoked_at).toBeNull();
  });
});

describe('demo live stream', () => {
  let ctx: Ctx;

  beforeAll(async () => {
    ctx = await createTestContext();
    await runDemoSetup(ctx, SMALL);
  }, 180_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('scores, stores and extracts each live capture, and resumes after the last one', async () => {
    const db = ctx.database.db;
    const countForecasts = async () =>
      Number(
        (
          await db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('source', '=', 'demo')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countForecasts();
    const ticks: LiveTick[] = [];
    let from: Date | undefined;
    const result = await streamDemoLive(ctx, SMALL, {
      speedup: Infinity,
      days: 1,
      onStart: (f) => (from = f),
      onTick: (t) => ticks.push(t),
    });
    expect(from?.toISOString()).toBe(
      new Date(Date.parse(DEFAULT_START) + SMALL.historyDays * 86_400_000).toISOString(),
    );
    expect(result.captures).toBeGreaterThan(0);
    expect(ticks.reduce((n, t) => n + t.errors, 0)).toBe(0);
    expect(ticks.reduce((n, t) => n + t.captures, 0)).toBe(result.captures);
    expect(ticks.at(-1)!.top.length).toBeGreaterThan(0);
    expect(await countForecasts()).toBe(before + result.captures);
    const last = await db
      .selectFrom('captures')
      .select(['sensor_id', 'ts'])
      .orderBy('ts', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('feature_rows')
      .select('window_start')
      .where('sensor_id', '=', last.sensor_id)
      .where('window_start', '=', last.ts)
      .execute();
    expect(rows).toHaveLength(1);
    const nextDay = liveStartDay(SMALL, last.ts);
    expect(nextDay).toBeGreaterThan(SMALL.historyDays);
    expect(nextDay).toBeLessThanOrEqual(SMALL.historyDays + 1.01);
  }, 120_000);
});
