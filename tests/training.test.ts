import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { createLogger } from '../src/logger.js';
import { xyMarks } from '../src/plot/xml-check.js';
import { createTestContext } from './helpers/context.js';
import { REDIS_URL, skipReason } from './helpers/database.js';
import { seedRunToFailureFleet } from './helpers/run-to-failure.js';
import { finishedRun } from './helpers/training-runs.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
// Tiny on purpose: these tests check the machinery, not the model's accuracy.
const TINY = { members: 1, maxEpochs: 2, window: 5, samplesPerEpoch: 256, externalRefPrefix: 'fleet-a/' };

function suite(name: string, redis: boolean) {
  describe(name, () => {
    let ctx: Ctx;
    let pool: WorkerPool | undefined;
    beforeAll(async () => {
      ctx = await createTestContext({ redis });
      if (redis) {
        pool = await startWorkers({
          handlers: ctx.jobHandlers,
          redisUrl: REDIS_URL!,
          prefix: ctx.config.queuePrefix,
          logger: createLogger({ logLevel: 'silent' }),
        });
      }
      await seedRunToFailureFleet(ctx.database.db, { assets: 8, prefix: 'fleet-a', failureEvents: true });
    });
    afterAll(async () => {
      await pool?.close();
      await ctx?.close();
    });

    it('trains from stored histories and failure events, registers and auto-promotes the first version', async () => {
      const run = await ctx.training.start({
        modelName: 'fleet-rul',
        kind: 'rul',
        params: TINY,
        autoPromote: true,
      });
      expect(['queued', 'running']).toContain(run.status);
      const done = await finishedRun(ctx.training, run.id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('completed');
      expect(done.epochs.length).toBeGreaterThanOrEqual(1);
      expect(done.epochs[0]).toMatchObject({ epoch: expect.any(Number), loss: expect.any(Number) });
      expect(done.metrics).toMatchObject({ rmse: expect.any(Number), promoted: true });
      expect((done.data_range as { assets: number[] }).assets).toHaveLength(8);
      const active = await ctx.models.active('fleet-rul');
      expect(active?.version).toBe(1);
      expect(active?.training_run_id).toBe(run.id);
      expect(active?.feature_set_name).toBe('scalar-readings');
      // Its model card, drawn from the held-out predictions at registration.
      const dir = path.join(ctx.models.modelsDir, active!.artifact_dir);
      expect(
        readdirSync(dir)
          .filter((f) => f.startsWith('card-') || f === 'MODEL_CARD.md')
          .sort(),
      ).toEqual([
        'MODEL_CARD.md',
        'card-heldout.json',
        'card-interval-coverage.svg',
        'card-predicted-vs-true.svg',
        'card-residuals-by-rul.svg',
      ]);
      const card = readFileSync(path.join(dir, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain('# Model card: fleet-rul v1');
      expect(card).toContain(`| training run | ${run.id} |`);
      expect(card).toContain('| maxEpochs (requested) | 2 |');
      const units = (done.metrics as { holdout_units: number }).holdout_units;
      const scatter = readFileSync(path.join(dir, 'card-predicted-vs-true.svg'), 'utf8');
      expect(xyMarks(scatter).points).toBe(units);
    });

    it('does not auto-promote a candidate that is not better by the margin', async () => {
      const run = await ctx.training.start({
        modelName: 'fleet-rul',
        kind: 'rul',
        params: { ...TINY, autoPromoteMargin: 0.99 },
        autoPromote: true,
      });
      const done = await finishedRun(ctx.training, run.id);
      expect(done.status).toBe('completed');
      expect(done.metrics).toMatchObject({ promoted: false, baseline: { rmse: expect.any(Number) } });
      expect((await ctx.models.active('fleet-rul'))?.version).toBe(1);
      expect((await ctx.models.get('fleet-rul', 2)).status).toBe('candidate');
      expect(done.metrics).toMatchObject({ baselineVersion: 1 });
      // Both versions on v2's held-out data, in the card and in the comparison.
      const v2 = await ctx.models.get('fleet-rul', 2);
      const card = readFileSync(path.join(ctx.models.modelsDir, v2.artifact_dir, 'MODEL_CARD.md'), 'utf8');
      expect(card).toMatch(/\| \*\*rmse\*\* \(primary\) \| [\d.]+ \| [\d.]+ \| -?[\d.]+ \|/);
      expect(card).toContain('v1 (active then)');
      const cmp = await ctx.models.compare('fleet-rul', 1, 2);
      const base = (done.metrics as { baseline: { rmse: number } }).baseline.rmse;
      expect(cmp.sameData).toMatchObject({
        heldOutOf: 2,
        metrics: { rmse: { a: base, b: (done.metrics as { rmse: number }).rmse } },
      });
      expect(cmp.b).toMatchObject({
        trainingRunId: run.id,
        params: { autoPromoteMargin: 0.99 },
        dataRange: { rows: expect.any(Number) },
      });
    });

    it('cancels a running run without registering a version', async () => {
      const before = (await ctx.models.list({ name: 'fleet-rul' })).length;
      const run = await ctx.training.start({
        modelName: 'fleet-rul',
        kind: 'rul',
        params: { ...TINY, maxEpochs: 500, patience: 500, samplesPerEpoch: 2048 },
      });
      for (
        let r = await ctx.training.get(run.id);
        r.epochs.length === 0;
        r = await ctx.training.get(run.id)
      ) {
        if (['completed', 'failed', 'cancelled'].includes(r.status)) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await ctx.training.cancel(run.id);
      const done = await finishedRun(ctx.training, run.id);
      expect(done.status).toBe('cancelled');
      expect((await ctx.models.list({ name: 'fleet-rul' })).length).toBe(before);
    });

    it('refuses a run with too little labelled data, and bad requests over HTTP', async () => {
      const run = await ctx.training.start({
        modelName: 'empty-rul',
        kind: 'rul',
        params: { ...TINY, externalRefPrefix: 'nothing/' },
      });
      const done = await finishedRun(ctx.training, run.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/at least 4 assets/);
      const app = await buildApp(ctx);
      try {
        const bad = await app.inject({
          method: 'POST',
          url: '/v1/training-runs',
          payload: { modelName: 'x', kind: 'magic' },
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.message).toMatch(/kind/);
        const list = await app.inject('/v1/training-runs?modelName=fleet-rul');
        expect(list.json().items.length).toBeGreaterThanOrEqual(3);
        const one = await app.inject(`/v1/training-runs/${run.id}`);
        expect(one.json()).toMatchObject({ id: run.id, status: 'failed' });
        expect((await app.inject('/v1/training-runs/999999')).statusCode).toBe(404);
      } finally {
        await app.close();
      }
    });
  });
}

suite('training runs, in-process', false);
if (REDIS_URL) suite('training runs through BullMQ', true);
else skipReason('REDIS_URL', 'training runs through BullMQ');
