/**
 * What a training attempt killed at the worst moments leaves for its retry, in-process with a
 * trainer that only writes files (the real-kill test is faults-worker.test.ts): killed after
 * registering its version but before recording it, and killed mid-write of its staging
 * directory or of the artifact copy. The retry ends with one version and nothing stale on disk.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobContext } from '../src/jobs/types.js';
import type { TrainerInput } from '../src/training/trainer.js';
import { trainingRepository } from '../src/training/training.repository.js';
import { executeTrainingRun, type TrainingDeps } from '../src/training/training.service.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

function writeArtifact(dir: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      kind: 'rul',
      featureSet: { name: 'scalar-readings', version: '1', hash: 'f'.repeat(64) },
    }),
  );
}

const jobCtx = (): JobContext => ({
  id: 'training.test',
  attempt: 2,
  signal: new AbortController().signal,
  progress: async () => {},
  log: async () => {},
});

describe('faults: training attempt killed around registration', () => {
  let ctx: Ctx;
  let deps: TrainingDeps;
  const seen: string[][] = [];
  let modelsDir: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    modelsDir = ctx.config.modelsDir; // a fresh temp dir, removed by ctx.close()
    deps = {
      db: ctx.database.db,
      models: ctx.models,
      autoPromoteMargin: 0.02,
      trainers: {
        rul: {
          kind: 'rul',
          async train(input: TrainerInput) {
            seen.push(readdirSync(input.workDir)); // what the retry starts from
            writeArtifact(input.workDir);
            return { metrics: { rmse: 3 }, primary: { name: 'rmse', lowerIsBetter: true }, dataRange: {} };
          },
        },
      },
    };
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const newRun = (modelName: string, params: Record<string, unknown> = {}) =>
    trainingRepository.create(ctx.database.db, { modelName, kind: 'rul', params });

  it('a retry after the version was registered records that version instead of training again', async () => {
    const run = await newRun('crash-after-register', { autoPromote: true });
    // The first attempt got as far as registering, then died: the run still says running.
    await trainingRepository.start(ctx.database.db, run.id);
    const src = mkdtempSync(path.join(os.tmpdir(), 'prognos-artifact-'));
    writeArtifact(src);
    const v1 = await ctx.models.register({ name: run.model_name, sourceDir: src, trainingRunId: run.id });
    // A lingering duplicate of that attempt registering again gets the same version back.
    expect(
      (await ctx.models.register({ name: run.model_name, sourceDir: src, trainingRunId: run.id })).id,
    ).toBe(v1.id);

    const before = seen.length;
    const result = await executeTrainingRun(deps, run.id, jobCtx());
    // Asked to auto-promote and the first version of its model: promoted by the retry.
    expect(result).toMatchObject({ modelVersion: 1, promoted: true });
    expect((await ctx.models.active(run.model_name))?.id).toBe(v1.id);
    expect(seen.length).toBe(before); // not retrained
    const done = await ctx.training.get(run.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 2, model_version_id: v1.id, error: null });
    expect((await ctx.models.list({ name: run.model_name })).map((v) => v.version)).toEqual([1]);
    rmSync(src, { recursive: true, force: true });
  });

  it('a retry starts from an empty staging directory and removes a half-copied artifact', async () => {
    const run = await newRun('crash-mid-write');
    await trainingRepository.start(ctx.database.db, run.id);
    const staging = path.join(modelsDir, '.staging', `run-${run.id}`);
    mkdirSync(staging, { recursive: true });
    writeFileSync(path.join(staging, 'weights.bin'), Buffer.alloc(7)); // the killed attempt's
    const halfCopied = path.join(modelsDir, run.model_name, '1.tmp-4242-1700000000000');
    mkdirSync(halfCopied, { recursive: true });
    writeFileSync(path.join(halfCopied, 'model.json'), '{"modelTo');

    const result = await executeTrainingRun(deps, run.id, jobCtx());
    expect(result).toMatchObject({ modelVersion: 1 });
    expect(seen.at(-1)).toEqual([]);
    expect(existsSync(staging)).toBe(false);
    expect(readdirSync(path.join(modelsDir, run.model_name))).toEqual(['1']);
    expect((await ctx.models.load(run.model_name, { version: 1 })).row.training_run_id).toBe(run.id);
    expect(await ctx.training.get(run.id)).toMatchObject({ status: 'completed', attempts: 2 });
  });
});
