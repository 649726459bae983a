/**
 * The producer side of BullMQ: what the API and CLI use to enqueue jobs and read their status.
 * Processing happens in `prognos worker` (bullmq-workers.ts). Job ids are `<queue>.<id>` so a
 * status lookup knows which queue to ask.
 */
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { QueueDepth } from '../metrics.js';
import { QUEUES, type JobName, type QueueName } from './names.js';
import { validatePayload, type JobHandlers } from './handlers.js';
import type { EnqueueOptions, JobQueue, JobState, JobStatus } from './types.js';

export const cancelChannel = (prefix: string) => `${prefix}:cancel`;

export function redisConnection(url: string, role: 'producer' | 'worker'): Redis {
  return new Redis(url, {
    // Workers block on Redis and must never give up a command; producers fail fast so an API
    // request does not hang while Redis is down.
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
  });
}

/**
 * Logs a Redis outage once when it starts and once when the connection is ready again, instead
 * of once per reconnection attempt. Returns the handler for the 'error' events of everything
 * that uses `connection` (an error with no listener would print raw to stderr, or throw), and
 * whether an error came since the last 'ready' (Redis is known to be down).
 */
export function logOutages(
  connection: Redis,
  logger: Logger | undefined,
  who: string,
  meanwhile: string,
): { onError: (err: Error) => void; isDown: () => boolean } {
  let down = false;
  const onError = (err: Error) => {
    if (!down) logger?.warn({ err: err.message }, `${who}: Redis unreachable; ${meanwhile}`);
    down = true;
  };
  connection.on('error', onError);
  connection.on('ready', () => {
    if (down) logger?.info(`${who}: Redis reachable again`);
    down = false;
  });
  return { onError, isDown: () => down };
}

export class BullJobQueue implements JobQueue {
  readonly mode = 'bullmq' as const;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly connection: Redis;
  private readonly publisher: Redis;
  private readonly isDown: () => boolean;

  constructor(
    private readonly handlers: JobHandlers,
    private readonly redisUrl: string,
    private readonly prefix: string,
    logger?: Logger,
  ) {
    this.connection = redisConnection(redisUrl, 'producer');
    // Surfaced to clients through ping()/enqueue errors; logged once per outage, not once per
    // reconnection attempt and queue (BullMQ prints a queue's unhandled errors to stderr).
    const { onError, isDown } = logOutages(
      this.connection,
      logger,
      'job queue',
      'new jobs are refused (503) until it is back',
    );
    this.isDown = isDown;
    this.publisher = this.connection;
    for (const q of Object.values(QUEUES)) {
      const queue = new Queue(q, { connection: this.connection, prefix });
      queue.on('error', onError);
      this.queues.set(q, queue);
    }
  }

  private queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /**
   * BullMQ holds every call on a connection that has never been ready (a process started while
   * Redis is down) until it is, however long that takes. Answer 503 at once when Redis is known
   * to be down; a first connection still in progress gets a short wait.
   */
  private async connected(): Promise<void> {
    const c = this.connection;
    if (c.status === 'ready') return;
    if (this.isDown()) throw queueUnavailable(new Error(`Redis connection is ${c.status}`));
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        c.off('ready', onReady);
        c.off('error', done);
        if (err) reject(queueUnavailable(err));
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(
        () => done(new Error(`Redis not ready within ${FIRST_CONNECT_MS} ms`)),
        FIRST_CONNECT_MS,
      );
      c.once('ready', onReady);
      c.once('error', done);
    });
  }

  async enqueue(name: JobName, payload: unknown, options: EnqueueOptions = {}) {
    const def = this.handlers.get(name);
    if (!def) throw new AppError('unknown_job', 400, `no job named ${name}`);
    validatePayload(def, payload);
    const dedupKey = def.dedupKey?.(payload as never);
    const dedupId = dedupKey ? `${name}:${dedupKey}` : undefined;
    await this.connected();
    try {
      if (options.debounceKey !== undefined) {
        // keepLastIfActive: joins a waiting or delayed job; behind a running one, BullMQ keeps
        // one follow-up and adds it when the running one ends. One round trip, no look-up first:
        // this is on every ingest's path.
        const job = await this.queue(def.queue).add(name, payload, {
          attempts: def.attempts,
          backoff: { type: 'exponential', delay: def.backoffMs },
          removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
          removeOnFail: { count: 5000 },
          ...(options.delayMs ? { delay: options.delayMs } : {}),
          deduplication: { id: `${name}:${options.debounceKey}`, keepLastIfActive: true },
        });
        return { id: `${def.queue}.${job.id}`, deduplicated: false };
      }
      if (dedupId) {
        // BullMQ dedups by itself; asking first lets us tell the caller it got an existing job.
        const existing = await this.queue(def.queue).getDeduplicationJobId(dedupId);
        const state = existing ? await this.queue(def.queue).getJobState(existing) : undefined;
        if (existing && state && !['completed', 'failed', 'unknown'].includes(state)) {
          return { id: `${def.queue}.${existing}`, deduplicated: true };
        }
      }
      const job = await this.queue(def.queue).add(name, payload, {
        attempts: def.attempts,
        backoff: { type: 'exponential', delay: def.backoffMs },
        removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
        removeOnFail: { count: 5000 },
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        ...(dedupId ? { deduplication: { id: dedupId } } : {}),
      });
      return { id: `${def.queue}.${job.id}`, deduplicated: false };
    } catch (err) {
      throw queueUnavailable(err);
    }
  }

  /** Runs a Redis read or write; a Redis that is down is a 503, not an internal error. */
  private async redis<T>(op: () => Promise<T>): Promise<T> {
    await this.connected();
    try {
      return await op();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (this.connection.status !== 'ready' || REDIS_DOWN.test((err as Error).message ?? ''))
        throw queueUnavailable(err);
      throw err;
    }
  }

  private split(id: string): { queue: Queue; jobId: string } | undefined {
    const dot = id.indexOf('.');
    const q = this.queues.get(id.slice(0, dot) as QueueName);
    return q && dot > 0 ? { queue: q, jobId: id.slice(dot + 1) } : undefined;
  }

  get(id: string): Promise<JobStatus | undefined> {
    return this.redis(() => this.read(id));
  }

  private async read(id: string): Promise<JobStatus | undefined> {
    const where = this.split(id);
    if (!where) return undefined;
    // State first, then the job: a job seen finished is then read with its result. The other
    // order could see it completed with the result it did not have a moment earlier.
    const state = (await where.queue.getJobState(where.jobId)) as string;
    const job = await Job.fromId(where.queue, where.jobId);
    if (!job) return undefined;
    const { logs } = await where.queue.getJobLogs(where.jobId, 0, 199);
    const cancelled = state === 'failed' && /cancel/i.test(job.failedReason ?? '');
    // BullMQ flips the state to failed a moment before it records why and when: report it
    // as still active until it has, so a poller never sees a failure with no reason.
    const settling = state === 'failed' && !job.finishedOn;
    return {
      id,
      name: job.name,
      queue: where.queue.name,
      state: settling ? 'active' : cancelled ? 'cancelled' : mapState(state),
      progress: job.progress,
      result: job.returnvalue ?? null,
      error: state === 'completed' ? null : job.failedReason || null,
      attemptsMade: job.attemptsMade,
      attemptsStarted: Math.max(job.attemptsStarted ?? 0, job.attemptsMade),
      createdAt: new Date(job.timestamp),
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      logs,
    };
  }

  cancel(id: string): Promise<boolean> {
    return this.redis(() => this.signalCancel(id));
  }

  private async signalCancel(id: string): Promise<boolean> {
    const where = this.split(id);
    if (!where) return false;
    const job = await Job.fromId(where.queue, where.jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      await job.remove();
      return true;
    }
    if (state !== 'active') return false;
    // The job runs in some worker process: tell them all; the one holding it aborts it.
    await this.publisher.publish(
      cancelChannel(this.prefix),
      JSON.stringify({ queue: where.queue.name, jobId: where.jobId }),
    );
    return true;
  }

  async waitFor(id: string, timeoutMs = 600_000): Promise<JobStatus> {
    const deadline = Date.now() + timeoutMs;
    // Polling keeps this independent of QueueEvents streams (which need their own connection).
    for (;;) {
      const s = await this.get(id);
      if (!s) throw new AppError('not_found', 404, `job ${id} does not exist`);
      if (s.state === 'completed' || s.state === 'failed' || s.state === 'cancelled') return s;
      if (Date.now() > deadline) throw new Error(`job ${id} did not finish within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async schedule(name: JobName, payload: unknown, everyMs: number): Promise<void> {
    const def = this.handlers.get(name);
    if (!def) throw new AppError('unknown_job', 400, `no job named ${name}`);
    validatePayload(def, payload);
    // Through redis(): a connection lost mid-call is queue_unavailable, which the worker's
    // start-up retries, rather than a raw ioredis error that ends the process.
    // One scheduler per job name: every worker may call this at start-up, Redis keeps one.
    await this.redis(() =>
      this.queue(def.queue).upsertJobScheduler(
        name,
        { every: everyMs },
        {
          name,
          data: payload,
          opts: { attempts: def.attempts, backoff: { type: 'exponential', delay: def.backoffMs } },
        },
      ),
    );
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  depths(): Promise<QueueDepth[]> {
    return this.redis(() =>
      Promise.all(
        [...this.queues.entries()].map(async ([queue, q]) => {
          const c = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
          return {
            queue,
            waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            failed: c.failed ?? 0,
          };
        }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

const FIRST_CONNECT_MS = 5_000;

// ioredis' messages for a connection that is down or gave up: with the offline queue off they
// come at once instead of after a timeout.
const REDIS_DOWN =
  /Stream isn't writeable|Connection is closed|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET/i;

function queueUnavailable(cause: unknown): AppError {
  return new AppError('queue_unavailable', 503, 'the job queue (Redis) is unavailable; retry later', {
    cause,
    headers: { 'retry-after': '5' },
  });
}

function mapState(s: string): JobState {
  switch (s) {
    case 'waiting':
    case 'waiting-children':
    case 'prioritized':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return s;
    default:
      return 'unknown';
  }
}
