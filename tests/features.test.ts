import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import {
  definitionHash,
  getFeatureSet,
  DEFAULT_STORED_FEATURE_SET,
} from '../src/features/stored-feature-sets.js';
import { extractForAsset, type ExtractResult } from '../src/features/features.service.js';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { JOBS } from '../src/jobs/names.js';
import { createLogger } from '../src/logger.js';
import { createTestContext } from './helpers/context.js';
import { REDIS_URL, skipReason } from './helpers/database.js';
import {
  BPFO,
  countRows,
  RPM,
  seedAsset,
  TEMP_SLOPE_PER_H,
  type SeededAsset,
} from './helpers/feature-fixtures.js';

const set = getFeatureSet(DEFAULT_STORED_FEATURE_SET)!;
const col = (name: string) => set.featureNames.indexOf(name);

async function expectSensibleRows(ctx: AppContext, seeded: SeededAsset) {
  const rows = await ctx.database.db
    .selectFrom('feature_rows')
    .innerJoin('feature_sets', 'feature_sets.id', 'feature_rows.feature_set_id')
    .select(['values', 'hash', 'definition', 'source', 'source_id', 'window_start', 'window_end'])
    .where('asset_id', '=', seeded.assetId)
    .orderBy('window_start')
    .execute();
  expect(rows).toHaveLength(12);
  for (const r of rows) {
    expect(r.hash).toBe(set.hash);
    expect(definitionHash(r.definition as never)).toBe(set.hash);
    expect(r.source).toBe('capture');
    expect(seeded.captureIds).toContain(r.source_id);
    expect(r.values).toHaveLength(set.featureNames.length);
    expect(r.values.every(Number.isFinite), 'all features finite').toBe(true);
    expect(+r.window_end - +r.window_start).toBeCloseTo((4096 / 12_000) * 1000, -1);
    const v = (name: string) => r.values[col(name)]!;
    expect(Math.abs(v('dominant_hz') - 60)).toBeLessThan(3);
    expect(v('rms')).toBeGreaterThan(0.7);
    expect(v('rms')).toBeLessThan(1.2);
    expect(v('env_bpfo')).toBeGreaterThan(2 * Math.max(v('env_bpfi'), v('env_bsf'), v('env_ftf')));
    expect(v('temp_slope_c_per_h')).toBeCloseTo(TEMP_SLOPE_PER_H, 3);
    expect(v('temp_rise_c')).toBeCloseTo(v('temp_mean_c') - 35, 3);
  }
  // Three windows per capture, consecutive within it.
  expect(+rows[1]!.window_start - +rows[0]!.window_start).toBe(341);
  expect(BPFO).toBeGreaterThan(100);
}

describe('extract-features job, in-process', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('writes one row per window, skips flagged and short captures, and re-runs exactly', async () => {
    const seeded = await seedAsset(ctx.database.db);
    const { id } = await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId });
    const done = await ctx.jobs.waitFor(id, 60_000);
    expect(done.error).toBeNull();
    expect(done.state).toBe('completed');
    const result = done.result as ExtractResult;
    expect(result).toMatchObject({
      windows: 12,
      rowsWritten: 12,
      rowsReplaced: 0,
      captures: 4,
      skipped: { flagged: 1, short: 1, sampleRate: 0, invalid: 0 },
      featureSet: { name: set.name, hash: set.hash },
    });
    expect(done.progress).toEqual({ percent: 100, windowsDone: 12, windowsTotal: 12 });
    expect(done.logs.join('\n')).toMatch(/12 window\(s\) from 4 capture\(s\)/);
    await expectSensibleRows(ctx, seeded);

    const again = await ctx.jobs.waitFor(
      (await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId })).id,
      60_000,
    );
    expect(again.result).toMatchObject({ windows: 12, rowsWritten: 12, rowsReplaced: 12 });
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });

    // A capture flagged after the fact loses its rows on the next run.
    await ctx.database.db
      .updateTable('captures')
      .set({ quality_flags: 2 })
      .where('id', '=', seeded.captureIds[1]!)
      .execute();
    const third = await ctx.jobs.waitFor(
      (await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId })).id,
      60_000,
    );
    expect(third.result).toMatchObject({ windows: 9, skipped: { flagged: 2 } });
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 9, distinct: 9 });
  });

  it('a run that dies midway leaves whole chunks; the re-run gives exactly one set of rows', async () => {
    const seeded = await seedAsset(ctx.database.db, { name: 'pump-2' });
    const controller = new AbortController();
    await expect(
      extractForAsset(ctx.database.db, {
        assetId: seeded.assetId,
        pageSize: 1,
        signal: controller.signal,
        onProgress: async () => controller.abort(new Error('worker killed')),
      }),
    ).rejects.toThrow(/worker killed/);
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 3, distinct: 3 });

    const progress: number[] = [];
    const full = await extractForAsset(ctx.database.db, {
      assetId: seeded.assetId,
      pageSize: 1,
      onProgress: async (p) => void progress.push(p.percent),
    });
    expect(full).toMatchObject({ windows: 12, rowsWritten: 12, rowsReplaced: 3 });
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });

    // A sub-range run replaces only its own windows.
    const part = await extractForAsset(ctx.database.db, {
      assetId: seeded.assetId,
      from: new Date('2024-03-10T00:10:00Z'),
      to: new Date('2024-03-10T00:20:00Z'),
    });
    expect(part).toMatchObject({ windows: 3, rowsReplaced: 3 });
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });
  });

  it('takes the shaft speed from a speed sensor when the asset has no nominal speed', async () => {
    const db = ctx.database.db;
    const seeded = await seedAsset(db, { name: 'pump-4', good: 1 });
    await db
      .updateTable('assets')
      .set({ nominal_speed_rpm: null })
      .where('id', '=', seeded.assetId)
      .execute();
    const envOf = async () => {
      await extractForAsset(db, { assetId: seeded.assetId });
      const row = await db
        .selectFrom('feature_rows')
        .select('values')
        .where('asset_id', '=', seeded.assetId)
        .orderBy('window_start')
        .executeTakeFirstOrThrow();
      return ['env_bpfo', 'env_bpfi'].map((n) => row.values[col(n)]!);
    };
    expect((await envOf()).every(Number.isNaN)).toBe(true);
    const speed = await db
      .insertInto('sensors')
      .values({ asset_id: seeded.assetId, name: 'tacho', kind: 'speed', unit: 'rpm' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('readings')
      .values({ sensor_id: speed.id, ts: new Date('2024-03-09T23:59:00Z'), value: RPM })
      .execute();
    const [bpfo, bpfi] = await envOf();
    expect(bpfo).toBeGreaterThan(2 * bpfi!);
  });

  it('a cancelled job stops at the next checkpoint and is not retried', async () => {
    const seeded = await seedAsset(ctx.database.db, { name: 'pump-3' });
    await cancelWhileBlocked(ctx, seeded.assetId);
    expect((await countRows(ctx.database.db, seeded.assetId)).n).toBeLessThan(12);
  });

  it('rejects a bad payload naming the field, and an unknown feature set', async () => {
    await expect(ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: 'x' })).rejects.toThrow(
      /payload\/assetId/,
    );
    await expect(ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: 1, from: 'yesterday' })).rejects.toThrow(
      /payload\/from/,
    );
    await expect(ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: 1, featureSet: 'nope' })).rejects.toThrow(
      /featureSet "nope"/,
    );
  });
});

/**
 * Holds feature_sets locked (PostgreSQL) / the single PGlite session (embedded) so the job is
 * deterministically stuck before its first chunk; meanwhile a duplicate request is deduplicated
 * and the job is cancelled, then let go.
 */
async function cancelWhileBlocked(ctx: AppContext, assetId: number) {
  let jobId = '';
  await ctx.database.db.transaction().execute(async (trx) => {
    await sql`lock table feature_sets in access exclusive mode`.execute(trx);
    jobId = (await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId })).id;
    for (let i = 0; (await ctx.jobs.get(jobId))?.state !== 'active'; i++) {
      if (i > 600) throw new Error('job never became active');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId })).toEqual({
      id: jobId,
      deduplicated: true,
    });
    expect(await ctx.jobs.cancel(jobId)).toBe(true);
    // On BullMQ the cancel reaches the worker over Redis pub/sub: give it time to arrive before
    // the job can run on (a margin for message delivery, not a performance threshold).
    if (ctx.jobs.mode === 'bullmq') await new Promise((r) => setTimeout(r, 500));
  });
  const s = await ctx.jobs.waitFor(jobId, 60_000);
  expect(s.state).toBe('cancelled');
  expect(s.attemptsMade).toBe(1);
}

describe.runIf(REDIS_URL)('extract-features job on BullMQ', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let pool: WorkerPool;
  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    pool = await startWorkers({
      handlers: ctx.jobHandlers,
      redisUrl: REDIS_URL!,
      prefix: ctx.config.queuePrefix,
      logger: createLogger({ logLevel: 'silent' }),
      queues: ['features'],
    });
  });
  afterAll(async () => {
    await pool?.close();
    await ctx?.close();
  });

  it('runs through a worker, re-runs exactly, deduplicates while running and cancels', async () => {
    expect(ctx.jobs.mode).toBe('bullmq');
    const seeded = await seedAsset(ctx.database.db);
    const first = await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId });
    const done = await ctx.jobs.waitFor(first.id, 60_000);
    expect(done.state).toBe('completed');
    expect(done.result).toMatchObject({ windows: 12, rowsWritten: 12 });
    expect(done.progress).toMatchObject({ percent: 100, windowsDone: 12 });
    await expectSensibleRows(ctx, seeded);

    const again = await ctx.jobs.waitFor(
      (await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId })).id,
      60_000,
    );
    expect(again.result).toMatchObject({ windows: 12, rowsReplaced: 12 });
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });

    const other = await seedAsset(ctx.database.db, { name: 'pump-b' });
    await cancelWhileBlocked(ctx, other.assetId);
  });
});
if (!REDIS_URL) skipReason('REDIS_URL', 'extract-features job on BullMQ');
