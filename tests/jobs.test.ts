import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { BullJobQueue } from '../src/jobs/bullmq-queue.js';
import { InlineJobQueue } from '../src/jobs/inline-queue.js';
import { JOBS, QUEUES } from '../src/jobs/names.js';
import { buildJobHandlers } from '../src/jobs/handlers.js';
import type { JobDefinition } from '../src/jobs/types.js';
import { createLogger } from '../src/logger.js';
import { createTestContext } from './helpers/context.js';
import { REDIS_URL, skipReason } from './helpers/database.js';

const logger = createLogger({ logLevel: 'silent' });

/** A controllable job for queue mechanics: fails `failTimes` times, or waits until aborted. */
const ProbePayload = Type.Object({ failTimes: Type.Integer(), block: Type.Boolean(), key: Type.String() });
function probeJob(state: { calls: number }): JobDefinition {
  const def: JobDefinition<typeof ProbePayload> = {
    name: JOBS.ensurePartitions,
    queue: QUEUES.maintenance,
    payload: ProbePayload,
    attempts: 3,
    backoffMs: 10,
    dedupKey: (p) => p.key,
    async handle(p, ctx) {
      state.calls += 1;
      await ctx.progress({ percent: 50, step: 'half' });
      if (p.block) {
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        throw new Error('aborted');
      }
      if (ctx.attempt <= p.failTimes) throw new Error(`attempt ${ctx.attempt} failed`);
      return { attempt: ctx.attempt };
    },
  };
  return def as unknown as JobDefinition;
}

/** The probe under its own name plus a stand-in for every other job, as start-up requires. */
function handlersWith(probe: JobDefinition) {
  const others = Object.values(JOBS)
    .filter((n) => n !== probe.name)
    .map((name) => ({ ...probe, name }));
  return buildJobHandlers([probe, ...others]);
}

describe('job handlers', () => {
  it('refuses to start when a job has no handler', () => {
    expect(() => buildJobHandlers([])).toThrow(/no handler registered for job\(s\): ensure-partitions/);
  });
  it('refuses two handlers for one job', () => {
    const d = probeJob({ calls: 0 });
    expect(() => buildJobHandlers([d, d])).toThrow(/two handlers/);
    expect(() => buildJobHandlers([d])).toThrow(/no handler registered for job\(s\): extract-features/);
  });
});

describe('in-process jobs (no Redis)', () => {
  it('run the real ensure-partitions job against the database', async () => {
    const ctx = await createTestContext();
    try {
      expect(ctx.jobs.mode).toBe('inline');
      const { id } = await ctx.jobs.enqueue(JOBS.ensurePartitions, { monthsBack: 0, monthsAhead: 2 });
      const done = await ctx.jobs.waitFor(id, 30_000);
      expect(done.state).toBe('completed');
      expect(done.progress).toBe(100);
      expect((done.result as { created: number }).created).toBeGreaterThanOrEqual(2);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_inherits i
        join pg_class p on p.oid = i.inhparent where p.relname = 'captures'`.execute(ctx.database.db);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(4); // default + 3 months
    } finally {
      await ctx.close();
    }
  });

  it('retry with backoff, deduplicate and cancel', async () => {
    const state = { calls: 0 };
    const q = new InlineJobQueue(handlersWith(probeJob(state)), logger);
    const ok = await q.enqueue(JOBS.ensurePartitions, { failTimes: 2, block: false, key: 'a' });
    const s = await q.waitFor(ok.id, 5_000);
    expect(s.state).toBe('completed');
    expect(s.attemptsMade).toBe(3);
    expect(s.result).toEqual({ attempt: 3 });

    const blocked = await q.enqueue(JOBS.ensurePartitions, { failTimes: 0, block: true, key: 'b' });
    const again = await q.enqueue(JOBS.ensurePartitions, { failTimes: 0, block: true, key: 'b' });
    expect(again).toEqual({ id: blocked.id, deduplicated: true });
    while ((await q.get(blocked.id))!.state !== 'active') await new Promise((r) => setTimeout(r, 5));
    expect(await q.cancel(blocked.id)).toBe(true);
    expect((await q.waitFor(blocked.id, 5_000)).state).toBe('cancelled');
    await q.close();
  });

  it('reject a payload that does not match the job schema, naming the field', async () => {
    const q = new InlineJobQueue(handlersWith(probeJob({ calls: 0 })), logger);
    await expect(
      q.enqueue(JOBS.ensurePartitions, { failTimes: 'x', block: false, key: 'a' }),
    ).rejects.toThrow(/payload\/failTimes/);
    await q.close();
  });
});

describe.runIf(REDIS_URL)('BullMQ jobs on Redis', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let pool: WorkerPool;
  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    pool = await startWorkers({
      handlers: ctx.jobHandlers,
      redisUrl: REDIS_URL!,
      prefix: ctx.config.queuePrefix,
      logger,
    });
  });
  afterAll(async () => {
    await pool?.close();
    await ctx?.close();
  });

  it('a job enqueued through Redis is processed by the worker', async () => {
    expect(ctx.jobs.mode).toBe('bullmq');
    const { id } = await ctx.jobs.enqueue(JOBS.ensurePartitions, { monthsBack: 0, monthsAhead: 1 });
    const done = await ctx.jobs.waitFor(id, 30_000);
    expect(done.state).toBe('completed');
    expect(done.progress).toBe(100);
    expect(done.logs.join('\n')).toMatch(/created \d+ partition/);
  });

  it('retries, deduplicates and cancels a running job across processes', async () => {
    const state = { calls: 0 };
    const handlers = handlersWith(probeJob(state));
    const prefix = `${ctx.config.queuePrefix}-probe`;
    const q = new BullJobQueue(handlers, REDIS_URL!, prefix);
    const workers = await startWorkers({
      handlers,
      redisUrl: REDIS_URL!,
      prefix,
      logger,
      queues: [QUEUES.maintenance],
    });
    try {
      const ok = await q.enqueue(JOBS.ensurePartitions, { failTimes: 1, block: false, key: 'r' });
      const s = await q.waitFor(ok.id, 20_000);
      expect(s.state).toBe('completed');
      expect(s.attemptsMade).toBe(2);

      const blocked = await q.enqueue(JOBS.ensurePartitions, { failTimes: 0, block: true, key: 'c' });
      const again = await q.enqueue(JOBS.ensurePartitions, { failTimes: 0, block: true, key: 'c' });
      expect(again.id).toBe(blocked.id);
      expect(again.deduplicated).toBe(true);
      while ((await q.get(blocked.id))?.state !== 'active') await new Promise((r) => setTimeout(r, 20));
      expect(await q.cancel(blocked.id)).toBe(true);
      const cancelled = await q.waitFor(blocked.id, 20_000);
      expect(['cancelled', 'failed']).toContain(cancelled.state);
      expect(cancelled.state).toBe('cancelled');
    } finally {
      await workers.close();
      await q.close();
    }
  });

  it('a Redis error while scheduling is queue_unavailable, as for enqueue, so start-up retries it', async () => {
    const q = new BullJobQueue(ctx.jobHandlers, REDIS_URL!, `${ctx.config.queuePrefix}-sched`);
    try {
      expect(await q.get('no.such-job')).toBeUndefined(); // waits until the connection is ready
      // The connection drops between the readiness check and the call (ioredis' message).
      for (const queue of q['queues'].values())
        queue.upsertJobScheduler = () => Promise.reject(new Error('Connection is closed.'));
      await expect(q.schedule(JOBS.scoreFleet, {}, 60_000)).rejects.toMatchObject({
        code: 'queue_unavailable',
        statusCode: 503,
      });
    } finally {
      await q.close();
    }
  });
});
if (!REDIS_URL) skipReason('REDIS_URL', 'BullMQ jobs on Redis');
