/**
 * A real `prognos worker` child is SIGKILLed in the middle of a job (no shutdown hook runs, its
 * transaction and Redis lock are simply cut off); another worker takes the stalled job over
 * (short JOB_LOCK_MS / JOB_STALL_CHECK_MS so this takes seconds, not
 * minutes) and finishes it: one model version, no half-written artifact, truthful attempts;
 * exactly one set of feature rows.
 */
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../src/jobs/names.js';
import type { TrainingRun } from '../src/db/schema.js';
import { createTestContext } from './helpers/context.js';
import { DATABASE_URL, REDIS_URL } from './helpers/database.js';
import { countRows, seedAsset } from './helpers/feature-fixtures.js';
import { startPrognos, type PrognosProcess } from './helpers/prognos-process.js';
import { seedRunToFailureFleet } from './helpers/run-to-failure.js';

const SUITE = 'faults: worker killed mid-job';
const why = !DATABASE_URL ? 'DATABASE_URL is not set' : !REDIS_URL ? 'REDIS_URL is not set' : undefined;
if (why) console.warn(`[skipped] ${SUITE}: ${why}`);

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

/** Every file and directory under `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => {
      const rel = path.posix.join(prefix, e.name);
      return e.isDirectory() ? [`${rel}/`, ...tree(dir, rel)] : [rel];
    })
    .sort();
}

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(!why)(SUITE, () => {
  let ctx: Ctx;
  let env: Record<string, string>;
  const workers: PrognosProcess[] = [];
  let modelsDir: string;
  const worker = async () => {
    const w = await startPrognos('worker', env);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    modelsDir = ctx.config.modelsDir; // a fresh temp dir, removed by ctx.close()
    env = {
      DATABASE_URL: ctx.testDb.url!,
      REDIS_URL: REDIS_URL!,
      QUEUE_PREFIX: ctx.config.queuePrefix,
      PROGNOS_MODELS_DIR: modelsDir,
      // Short, but not so short that a worker busy training on a loaded machine misses a renewal
      // (its job would be seen as stalled too).
      JOB_LOCK_MS: '5000',
      JOB_STALL_CHECK_MS: '1000',
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
    };
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await ctx?.close();
  });

  it('a training run whose worker is killed mid-epoch is retried by another and registers one version', async () => {
    await seedRunToFailureFleet(ctx.database.db, { assets: 8, prefix: 'fleet-k', failureEvents: true });
    const first = await worker();
    const run = await ctx.training.start({
      modelName: 'fleet-rul',
      kind: 'rul',
      params: {
        members: 1,
        maxEpochs: 6,
        patience: 100,
        window: 5,
        samplesPerEpoch: 256,
        externalRefPrefix: 'fleet-k/',
      },
    });
    const get = () => ctx.training.get(run.id);
    const finished = (r: TrainingRun) => ['completed', 'failed', 'cancelled'].includes(r.status);
    const training = await poll(get, (r) => r.epochs.length > 0 || finished(r), 'a first epoch');
    expect(training).toMatchObject({ status: 'running', attempts: 1 });
    const killedAt = Date.now();
    await first.kill();
    const orphan = await get();
    expect(orphan.status).toBe('running'); // nobody is left to say otherwise until the retry

    await worker();
    const retried = await poll(get, (r) => r.attempts === 2 || finished(r), 'the retry to start');
    const retryAfterMs = Date.now() - killedAt;
    const done = await poll(get, finished, 'the run to finish');
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(done.epochs.length).toBeGreaterThan(0); // this attempt's epochs, not both attempts'
    expect(retried.started_at!.getTime()).toBeGreaterThan(training.started_at!.getTime());

    const versions = await ctx.models.list({ name: 'fleet-rul' });
    expect(versions.map((v) => [v.version, v.training_run_id])).toEqual([[1, run.id]]);
    expect(done.model_version_id).toBe(versions[0]!.id);
    // Loads: the files hash to what was registered, and nothing else was left behind.
    expect((await ctx.models.load('fleet-rul', { version: 1 })).row.id).toBe(versions[0]!.id);
    const leftovers = tree(modelsDir).filter((p) => !p.startsWith('fleet-rul/1/') && p !== 'fleet-rul/1/');
    expect(leftovers.filter((p) => p !== 'fleet-rul/' && p !== '.staging/')).toEqual([]);
    // The run row is finished a moment before the job's own completion reaches Redis.
    const job = await poll(
      () => ctx.jobs.get(done.job_id!),
      (s) => s?.state !== 'active',
      'the job',
    );
    expect(job).toMatchObject({ state: 'completed', attemptsStarted: 2 });
    console.log(
      `[faults] worker killed mid-training after epoch ${training.epochs.length}: retry started ${retryAfterMs} ms ` +
        `after the kill, run completed with attempts=${done.attempts}, ${done.epochs.length} epoch(s), ` +
        `${versions.length} version registered; job attemptsStarted=${job?.attemptsStarted}`,
    );
  });

  it('a feature extraction whose worker is killed midway is retried and leaves exactly one set of rows', async () => {
    const captures = 90;
    const seeded = await seedAsset(ctx.database.db, { name: 'pump-k', good: captures });
    const windows = 3 * captures;
    const victim = await worker();
    // The other worker must not take the job first: stop it (gracefully, it is idle).
    await Promise.all(workers.filter((w) => w !== victim).map((w) => w.stop()));
    const { id } = await ctx.jobs.enqueue(JOBS.extractFeatures, { assetId: seeded.assetId });
    const progressOf = (s: Awaited<ReturnType<typeof ctx.jobs.get>>) =>
      (s?.progress as { windowsDone?: number } | undefined)?.windowsDone ?? 0;
    const mid = await poll(
      () => ctx.jobs.get(id),
      (s) => progressOf(s) > 0 || s?.state === 'completed' || s?.state === 'failed',
      'extraction progress',
    );
    await victim.kill();
    expect(mid?.state, 'the job was still running when its worker was killed').toBe('active');
    const atKill = await countRows(ctx.database.db, seeded.assetId);
    expect(atKill.n).toBeGreaterThan(0);
    expect(atKill.n).toBeLessThan(windows);
    expect(atKill.n).toBe(atKill.distinct);

    const killedAt = Date.now();
    await worker();
    const done = await poll(
      () => ctx.jobs.get(id),
      (s) => ['completed', 'failed', 'cancelled'].includes(s?.state ?? ''),
      'the retried extraction',
    );
    expect(done?.error ?? null).toBeNull();
    expect(done).toMatchObject({ state: 'completed', attemptsStarted: 2 });
    expect(done?.result).toMatchObject({ windows, captures });
    expect(await countRows(ctx.database.db, seeded.assetId)).toEqual({ n: windows, distinct: windows });
    console.log(
      `[faults] worker killed mid-extraction at ${progressOf(mid)}/${windows} windows (${atKill.n} rows committed): ` +
        `retried and completed ${Date.now() - killedAt} ms after the kill, ${windows} rows, none twice; ` +
        `job attemptsStarted=${done?.attemptsStarted}`,
    );
  });
});
