/**
 * Experiments: a training run records its parameters, data range and held-out metrics, and a
 * candidate is promoted automatically only when it beats the active version on the same
 * held-out data by the configured margin. The trainer here is a stand-in with chosen scores,
 * so the decision is tested exactly, around the margin, without training a network.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatsBaseline, type Trainer, type TrainerInput } from '../src/training/trainer.js';
import { executeTrainingRun, type TrainingDeps } from '../src/training/training.service.js';
import { trainingRepository } from '../src/training/training.repository.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

/** Scores the candidate `rmse`, and the baseline `baselineRmse` on the same held-out data. */
function scripted(rmse: number, baselineRmse: number): Trainer {
  return {
    kind: 'rul',
    async train(input: TrainerInput) {
      // A well-formed artifact (the registry checks weight files against model.json): one float.
      const weightsManifest = [
        { paths: ['weights.bin'], weights: [{ name: 'w', shape: [1], dtype: 'float32' }] },
      ];
      writeFileSync(
        path.join(input.workDir, 'model.json'),
        JSON.stringify({ modelTopology: {}, weightsManifest, rmse }),
      );
      writeFileSync(path.join(input.workDir, 'weights.bin'), Buffer.from(new Float32Array([rmse]).buffer));
      writeFileSync(
        path.join(input.workDir, 'manifest.json'),
        JSON.stringify({ kind: 'rul', featureSet: { name: 'f', version: '1', hash: 'c'.repeat(64) } }),
      );
      return {
        metrics: { rmse },
        baselineMetrics: input.baseline ? { rmse: baselineRmse } : undefined,
        primary: { name: 'rmse', lowerIsBetter: true },
        dataRange: { assets: [1, 2], rows: 10, from: '2026-01-01T00:00:00.000Z' },
        heldOut: {
          kind: 'rul',
          source: 'two units',
          unitName: 'cycles',
          cap: 100,
          level: 0.8,
          trueRul: [10, 50],
          predicted: [12, 45],
          lower: [5, 40],
          upper: [20, 60],
        },
      };
    },
  };
}

describe('experiments and automatic promotion', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  async function train(trainer: Trainer, params: Record<string, unknown>) {
    const deps: TrainingDeps = {
      db: ctx.database.db,
      models: ctx.models,
      trainers: { rul: trainer },
      autoPromoteMargin: 0.1,
    };
    const run = await trainingRepository.create(ctx.database.db, {
      modelName: 'exp-rul',
      kind: 'rul',
      params,
    });
    const job = {
      id: 'j',
      attempt: 1,
      signal: new AbortController().signal,
      progress: async () => {},
      log: async () => {},
    };
    await executeTrainingRun(deps, run.id, job);
    return (await trainingRepository.get(ctx.database.db, run.id))!;
  }

  it('promotes the first version, then only a candidate better by the margin on the same data', async () => {
    const first = await train(scripted(20, NaN), { autoPromote: true, seed: 1 });
    expect(first.metrics).toMatchObject({ promoted: true });
    expect(first.params).toMatchObject({ seed: 1 });
    expect(first.data_range).toMatchObject({ assets: [1, 2], rows: 10 });
    // 9 % better with a 10 % margin: registered, not promoted.
    const close = await train(scripted(18.2, 20), { autoPromote: true });
    expect(close.metrics).toMatchObject({ promoted: false, baseline: { rmse: 20 }, baselineVersion: 1 });
    expect((await ctx.models.active('exp-rul'))?.version).toBe(1);
    // Better by exactly the margin counts.
    const enough = await train(scripted(18, 20), { autoPromote: true });
    expect(enough.metrics).toMatchObject({ promoted: true, baselineVersion: 1 });
    expect((await ctx.models.active('exp-rul'))?.version).toBe(3);
    const event = (await ctx.models.events('exp-rul')).find(
      (e) => e.action === 'auto-promote' && e.model_version_id === enough.model_version_id,
    );
    expect(event?.reason).toMatch(/rmse 18\.000 vs active 20\.000 on the same held-out data \(margin 0\.1\)/);
    // A run's own margin overrides the configured one; without autoPromote nothing moves.
    const strict = await train(scripted(10, 18), { autoPromote: true, autoPromoteMargin: 0.5 });
    expect(strict.metrics).toMatchObject({ promoted: false });
    const manual = await train(scripted(1, 18), {});
    expect(manual.metrics).toMatchObject({ promoted: false });
    expect((await ctx.models.active('exp-rul'))?.version).toBe(3);
  });

  it('compares two versions on the held-out data the later one was trained against', async () => {
    const cmp = await ctx.models.compare('exp-rul', 1, 3);
    expect(cmp.metrics.rmse).toEqual({ a: 20, b: 18, delta: -2 });
    expect(cmp.sameData).toEqual({ heldOutOf: 3, metrics: { rmse: { a: 20, b: 18, delta: -2 } } });
    // Either order gives the same figures, a and b swapped.
    expect((await ctx.models.compare('exp-rul', 3, 1)).sameData).toEqual({
      heldOutOf: 3,
      metrics: { rmse: { a: 18, b: 20, delta: 2 } },
    });
    expect(cmp.a).toMatchObject({ version: 1, params: { seed: 1 }, dataRange: { rows: 10 } });
    // Versions 2 and 3 were never scored together.
    expect((await ctx.models.compare('exp-rul', 2, 3)).sameData).toBeNull();
  });

  it('beatsBaseline: relative margin, either direction, never on missing or non-finite scores', () => {
    const r = (cand: number, base: number | undefined, lowerIsBetter = true) => ({
      metrics: { m: cand },
      baselineMetrics: base === undefined ? undefined : { m: base },
      primary: { name: 'm', lowerIsBetter },
      dataRange: {},
    });
    expect(beatsBaseline(r(9, 10), 0.1)).toBe(true);
    expect(beatsBaseline(r(9.01, 10), 0.1)).toBe(false);
    expect(beatsBaseline(r(0.88, 0.8, false), 0.1)).toBe(true);
    expect(beatsBaseline(r(0.87, 0.8, false), 0.1)).toBe(false);
    expect(beatsBaseline(r(9, undefined), 0.1)).toBe(false);
    expect(beatsBaseline(r(NaN, 10), 0)).toBe(false);
    expect(beatsBaseline(r(1, Infinity), 0)).toBe(false);
  });
});
