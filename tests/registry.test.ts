import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

/** A small artifact directory shaped like the real ones (the registry never parses weights). */
function fakeArtifact(opts: { featureHash?: string; rmse?: number; kind?: string } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-artifact-'));
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
  writeFileSync(path.join(dir, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      kind: opts.kind ?? 'rul',
      featureSet: { name: 'vibration-basic', version: '1', hash: opts.featureHash ?? 'a'.repeat(64) },
      metrics: { rmse: opts.rmse ?? 15 },
    }),
  );
  return dir;
}

describe('model registry', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('registers versions, promotes, rolls back and archives', async () => {
    const v1 = await ctx.models.register({ name: 'pump-rul', sourceDir: fakeArtifact({ rmse: 15 }) });
    const v2 = await ctx.models.register({ name: 'pump-rul', sourceDir: fakeArtifact({ rmse: 12 }) });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1.status).toBe('candidate');
    expect(v1.kind).toBe('rul');

    await ctx.models.promote('pump-rul', 1);
    expect((await ctx.models.active('pump-rul'))?.version).toBe(1);
    await ctx.models.promote('pump-rul', 2, { reason: 'better rmse' });
    expect((await ctx.models.active('pump-rul'))?.version).toBe(2);
    expect((await ctx.models.get('pump-rul', 1)).status).toBe('candidate');

    const back = await ctx.models.rollback('pump-rul', 'regression in the field');
    expect(back.version).toBe(1);
    expect((await ctx.models.active('pump-rul'))?.version).toBe(1);

    await expect(ctx.models.archive('pump-rul', 1)).rejects.toMatchObject({ code: 'model_active' });
    expect((await ctx.models.archive('pump-rul', 2)).status).toBe('archived');
    await expect(ctx.models.promote('pump-rul', 2)).rejects.toMatchObject({ code: 'model_archived' });

    const cmp = await ctx.models.compare('pump-rul', 1, 2);
    expect(cmp.metrics.rmse).toEqual({ a: 15, b: 12, delta: -3 });
    const actions = (await ctx.models.events('pump-rul')).map((e) => e.action);
    expect(actions).toEqual(['archive', 'rollback', 'promote', 'promote', 'register', 'register']);
  });

  it('refuses to load a model for another feature set, naming both', async () => {
    await ctx.models.register({
      name: 'fan-health',
      sourceDir: fakeArtifact({ featureHash: 'b'.repeat(64), kind: 'health' }),
    });
    await ctx.models.promote('fan-health', 1);
    const ok = await ctx.models.load('fan-health', { featureSetHash: 'b'.repeat(64) });
    expect(ok.row.version).toBe(1);
    await expect(ctx.models.load('fan-health', { featureSetHash: 'c'.repeat(64) })).rejects.toMatchObject({
      code: 'feature_set_mismatch',
      statusCode: 409,
      message: expect.stringMatching(
        /trained on feature set vibration-basic v1 \(bbbbbbbbbbbb\), not cccccccccccc/,
      ),
    });
  });

  it('refuses a corrupt or missing artifact and keeps the active version', async () => {
    await ctx.models.register({ name: 'motor-rul', sourceDir: fakeArtifact() });
    await ctx.models.register({ name: 'motor-rul', sourceDir: fakeArtifact() });
    await ctx.models.promote('motor-rul', 1);
    writeFileSync(path.join(ctx.config.modelsDir, 'motor-rul', '2', 'weights.bin'), Buffer.from([9, 9]));
    await expect(ctx.models.promote('motor-rul', 2)).rejects.toMatchObject({ code: 'artifact_corrupt' });
    expect((await ctx.models.active('motor-rul'))?.version).toBe(1);
    mkdirSync(path.join(ctx.config.modelsDir, 'gone'), { recursive: true });
    await ctx.models.register({ name: 'gone', sourceDir: fakeArtifact() });
    await ctx.models.promote('gone', 1);
    const { rmSync } = await import('node:fs');
    rmSync(path.join(ctx.config.modelsDir, 'gone', '1'), { recursive: true });
    await expect(ctx.models.load('gone')).rejects.toMatchObject({ code: 'artifact_missing' });
  });

  it('registers artifacts found on disk and activates them (a fresh install scores at once)', async () => {
    const src = fakeArtifact();
    const target = path.join(ctx.config.modelsDir, 'baseline-rul', '1');
    mkdirSync(path.dirname(target), { recursive: true });
    const { cpSync } = await import('node:fs');
    cpSync(src, target, { recursive: true });
    const added = await ctx.models.syncFromDisk();
    expect(added.map((r) => `${r.name}@${r.version}`)).toContain('baseline-rul@1');
    expect((await ctx.models.active('baseline-rul'))?.version).toBe(1);
    expect(await ctx.models.syncFromDisk()).toEqual([]);
  });

  it('serves the registry over HTTP with clear errors', async () => {
    const app = await buildApp(ctx);
    try {
      const list = await app.inject('/v1/models?name=pump-rul');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((i: { version: number }) => i.version)).toEqual([2, 1]);
      const show = await app.inject('/v1/models/pump-rul/versions/1');
      expect(show.json().manifest.featureSet.name).toBe('vibration-basic');
      expect((await app.inject('/v1/models/pump-rul/versions/99')).json().error.code).toBe('not_found');
      const bad = await app.inject('/v1/models/Bad Name!/versions/x');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/params\/name|params\/version/);
      await ctx.models.register({ name: 'pump-rul', sourceDir: fakeArtifact({ rmse: 10 }) });
      const promoted = await app.inject({
        method: 'POST',
        url: '/v1/models/pump-rul/versions/3/promote',
        payload: { reason: 'x' },
      });
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json().status).toBe('active');
      const rolled = await app.inject({ method: 'POST', url: '/v1/models/pump-rul/rollback' });
      expect(rolled.json()).toMatchObject({ version: 1 });
      const cmp = await app.inject('/v1/models/pump-rul/compare?a=1&b=3');
      expect(cmp.json().metrics.rmse.delta).toBe(-5);
    } finally {
      await app.close();
    }
  });
});
