/**
 * The live loop (src/forecasting/live-loop.ts), in both job modes: stored captures become
 * feature rows and forecasts with no extraction or scoring call; a replayed ingest and a re-run
 * refresh add nothing; a bulk import wakes it too; a burst collapses into few refreshes; each
 * forecast reports its capture-to-forecast lag. The truth is independent of the loop: windows
 * per capture from the sample count and the feature set's window length, the capture's storage
 * time read from the captures table, and job counts from the metrics.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeImport, planImport } from '../src/acquisition/importers/run-import.js';
import { CapturesService } from '../src/acquisition/captures.service.js';
import { ingestMarksRepository } from '../src/acquisition/ingest-marks.repository.js';
import { buildApp } from '../src/app.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { JOBS } from '../src/jobs/names.js';
import { createLogger } from '../src/logger.js';
import { metricsText } from '../src/metrics.js';
import { createAsset, createSensor } from './acquisition-helpers.js';
import { createTestContext } from './helpers/context.js';
import { REDIS_URL } from './helpers/database.js';
import { sampleDir } from './helpers/datasets.js';
import { parsePrometheusText, valueOf } from './helpers/prometheus-text.js';
import { gaussianNoise, sine } from './helpers/signals.js';
import { until } from './helpers/until.js';
import { BASE } from './import-helpers.js';

const RATE = 12_000;
const WINDOW = getFeatureSet('prognos-vibration')!.vibration.params.windowLength;
const SAMPLES = 2 * WINDOW + 100; // two whole windows per capture
const T0 = Date.parse('2026-03-02T08:00:00Z');
const DEBOUNCE_MS = 1_000;

async function refreshesDone(): Promise<number> {
  const families = parsePrometheusText((await metricsText()).body);
  return valueOf(families, 'prognos_job_duration_seconds_count', {
    name: JOBS.refreshAsset,
    outcome: 'completed',
  });
}

for (const mode of ['inline', 'bullmq'] as const) {
  describe.skipIf(mode === 'bullmq' && !REDIS_URL)(`live loop (${mode}; BullMQ needs REDIS_URL)`, () => {
    let ctx: Awaited<ReturnType<typeof createTestContext>>;
    let app: FastifyInstance;
    let pool: WorkerPool | undefined;

    beforeAll(async () => {
      ctx = await createTestContext({
        redis: mode === 'bullmq',
        env: { PROGNOS_LIVE_LOOP: 'on', PROGNOS_LOOP_DEBOUNCE_MS: String(DEBOUNCE_MS) },
      });
      if (mode === 'bullmq')
        pool = await startWorkers({
          handlers: ctx.jobHandlers,
          redisUrl: REDIS_URL!,
          prefix: ctx.config.queuePrefix,
          logger: createLogger(ctx.config),
        });
      app = await buildApp(ctx);
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await pool?.close();
      await ctx?.close();
    });

    const db = () => ctx.database.db;
    const count = async (table: 'feature_rows' | 'forecasts', assetId: number) =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('asset_id', '=', assetId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const pump = async () => {
      const assetId = await createAsset(app, { name: `loop-${mode}-${Math.random()}` });
      const sensorId = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: RATE });
      return { assetId, sensorId };
    };
    const postCapture = (sensorId: number, k: number) =>
      app.inject({
        method: 'POST',
        url: `/v1/sensors/${sensorId}/captures`,
        payload: {
          ts: new Date(T0 + k * 60_000).toISOString(),
          sampleRateHz: RATE,
          samples: Array.from(gaussianNoise(SAMPLES, 100 + k, 0.5)),
        },
      });
    const idle = async () => {
      await until(
        'no pending mark',
        async () => (await db().selectFrom('ingest_marks').selectAll().execute()).length === 0,
        60_000,
      );
      await ctx.scoring.settled();
    };

    it('a capture over HTTP becomes feature rows and forecasts with their lag, no call needed', async () => {
      const { assetId, sensorId } = await pump();
      const res = await postCapture(sensorId, 0);
      expect(res.statusCode).toBe(201);
      // Marked in the ingest's transaction.
      expect((await ingestMarksRepository.get(db(), assetId))?.capture_from?.getTime()).toBe(T0);
      await until('two forecasts', async () => (await count('forecasts', assetId)) === 2, 60_000);
      await idle();
      expect(await count('feature_rows', assetId)).toBe(2);
      const capture = await db()
        .selectFrom('captures')
        .select('created_at')
        .where('sensor_id', '=', sensorId)
        .executeTakeFirstOrThrow();
      const forecasts = await db()
        .selectFrom('forecasts')
        .selectAll()
        .where('asset_id', '=', assetId)
        .execute();
      for (const f of forecasts) {
        expect(f.input_key).toMatch(/^[0-9a-f]{32}$/);
        expect(f.data_received_at?.getTime()).toBe(capture.created_at.getTime());
      }
      const health = (await app.inject({ url: `/v1/assets/${assetId}/health` })).json();
      const latest = forecasts.find((f) => f.id === health.latest.id)!;
      expect(health.latest.receivedAt).toBe(capture.created_at.toISOString());
      expect(health.latest.lagMs).toBe(latest.scored_at.getTime() - capture.created_at.getTime());
      expect(health.latest.lagMs).toBeGreaterThan(0);
      const risk = (await app.inject({ url: '/v1/fleet/risk?limit=500' })).json();
      const mine = (risk.items as Array<{ asset: { id: number }; forecast: { lagMs: number | null } }>).find(
        (i) => i.asset.id === assetId,
      );
      expect(mine?.forecast.lagMs).toBe(health.latest.lagMs);
    }, 90_000);

    it('a replayed ingest and a re-run refresh add no feature row and no forecast', async () => {
      const { assetId, sensorId } = await pump();
      await postCapture(sensorId, 1);
      await until('forecasts', async () => (await count('forecasts', assetId)) === 2, 60_000);
      await idle();
      const replay = await postCapture(sensorId, 1);
      expect(replay.json()).toMatchObject({ inserted: 0, duplicates: 1 });
      expect(await ingestMarksRepository.get(db(), assetId)).toBeUndefined();
      // A refresh that runs again over the same data (a retry, a redelivered job).
      await db()
        .transaction()
        .execute((trx) =>
          ingestMarksRepository.mark(trx, [{ sensorId, kind: 'captures', fromMs: T0, toMs: T0 + 3_600_000 }]),
        );
      const { id } = await ctx.jobs.enqueue(JOBS.refreshAsset, { assetId });
      const done = await ctx.jobs.waitFor(id, 60_000);
      expect(done.state).toBe('completed');
      expect(done.result).toMatchObject({ pending: true, scored: 0, skipped: 2, cleared: true });
      expect(await count('feature_rows', assetId)).toBe(2);
      expect(await count('forecasts', assetId)).toBe(2);
    }, 90_000);

    it('a burst of captures collapses into a few refreshes, every window scored', async () => {
      const { assetId, sensorId } = await pump();
      const before = await refreshesDone();
      const burst = 8;
      const results = await Promise.all(
        Array.from({ length: burst }, (_, k) => postCapture(sensorId, 10 + k)),
      );
      expect(results.every((r) => r.statusCode === 201)).toBe(true);
      await until('all forecasts', async () => (await count('forecasts', assetId)) === 2 * burst, 60_000);
      await idle();
      expect(await count('feature_rows', assetId)).toBe(2 * burst);
      // One refresh for the burst, one more if a capture came while it ran; never one each.
      const refreshes = (await refreshesDone()) - before;
      expect(refreshes).toBeGreaterThanOrEqual(1);
      expect(refreshes).toBeLessThan(burst / 2);
    }, 90_000);

    it('the work-order rules run on the loop’s forecasts (advice, no call)', async () => {
      // ISO 20816 group 1, rigid: C/D at 7.1 mm/s. 2 g at 30 Hz is ~100 mm/s RMS, zone D.
      const assetId = await createAsset(app, {
        name: `loop-${mode}-zone-d`,
        isoMachineGroup: 1,
        isoFoundation: 'rigid',
      });
      const sensorId = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: RATE });
      for (let k = 0; k < 2; k++) {
        const samples = Array.from(sine(SAMPLES, RATE, 30, 2), (x, i) => x + 0.01 * Math.sin(i));
        const res = await app.inject({
          method: 'POST',
          url: `/v1/sensors/${sensorId}/captures`,
          payload: { ts: new Date(T0 + k * 60_000).toISOString(), sampleRateHz: RATE, samples },
        });
        expect(res.statusCode).toBe(201);
      }
      await until('four forecasts', async () => (await count('forecasts', assetId)) === 4, 60_000);
      await idle();
      const zones = await db()
        .selectFrom('forecasts')
        .select('iso_zone')
        .where('asset_id', '=', assetId)
        .execute();
      expect(zones.map((z) => z.iso_zone)).toEqual(['D', 'D', 'D', 'D']);
      const suggestions = await db()
        .selectFrom('work_order_suggestions')
        .select(['rules', 'status'])
        .where('asset_id', '=', assetId)
        .execute();
      expect(suggestions).toHaveLength(1);
      expect(suggestions[0]!.rules).toContain('iso_zone');
    }, 90_000);

    it('a lost wake-up is caught by the refresh-pending sweep', async () => {
      const { assetId, sensorId } = await pump();
      // Stored and marked, but never enqueued (as when Redis is down at ingest time).
      const unhooked = new CapturesService(db());
      await unhooked.ingestJson(sensorId, {
        ts: new Date(T0).toISOString(),
        sampleRateHz: RATE,
        samples: Array.from(gaussianNoise(SAMPLES, 7, 0.5)),
      });
      await db()
        .transaction()
        .execute((trx) =>
          ingestMarksRepository.mark(trx, [
            { sensorId, kind: 'captures', fromMs: T0, toMs: T0 + (1000 * SAMPLES) / RATE },
          ]),
        );
      expect(await count('forecasts', assetId)).toBe(0);
      const { id } = await ctx.jobs.enqueue(JOBS.refreshPending, { olderThanMs: 0 });
      expect((await ctx.jobs.waitFor(id, 30_000)).result).toMatchObject({ enqueued: 1 });
      await until('forecasts', async () => (await count('forecasts', assetId)) === 2, 60_000);
      await idle();
    }, 90_000);

    it('a bulk import wakes it too (no HTTP)', async () => {
      const file = join(sampleDir('cwru-sample'), '12k_Drive_End_IR007_0_105.mat');
      const plan = await planImport('cwru', [file], {
        site: null,
        assetPrefix: `loop-${mode}`,
        batchSize: 10_000,
        baseEpochSec: BASE,
        captureSeconds: 1,
      });
      const summary = await executeImport(ctx.database, plan, { ingestHook: ctx.ingestHook! });
      expect(summary.captures).toBe(6);
      const asset = await db()
        .selectFrom('assets')
        .select('id')
        .where('external_ref', '=', `loop-${mode}/12k_Drive_End_IR007_0_105`)
        .executeTakeFirstOrThrow();
      // Six 1 s captures of 12,000 samples: two 4096-sample windows each.
      await until('import forecasts', async () => (await count('forecasts', asset.id)) === 12, 60_000);
      await idle();
      expect(await count('feature_rows', asset.id)).toBe(12);
    }, 90_000);
  });
}
