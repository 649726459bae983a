/**
 * The consumer side: one BullMQ Worker per queue, dispatching each job to its definition's
 * handler. Used by `prognos worker`. Cancellation requests arrive on a Redis channel because
 * the API process that receives them is not the one running the job.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { cancelChannel, logOutages, redisConnection } from './bullmq-queue.js';
import { QUEUES, type JobName, type QueueName } from './names.js';
import { validatePayload, type JobHandlers } from './handlers.js';

export interface WorkerPool {
  close(): Promise<void>;
}

export interface WorkerOptions {
  handlers: JobHandlers;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** Per-queue concurrency; training is CPU-bound and defaults to 1. */
  concurrency?: Partial<Record<QueueName, number>>;
  queues?: QueueName[];
  /** Job lock duration and stalled-job check interval (config JOB_LOCK_MS,
   * JOB_STALL_CHECK_MS); BullMQ's 30 s defaults when unset. */
  lockMs?: number;
  stalledIntervalMs?: number;
  /** How long close() lets running jobs finish before abandoning them (their lock expires and
   * another worker retries them). */
  closeTimeoutMs?: number;
}

export async function startWorkers(opts: WorkerOptions): Promise<WorkerPool> {
  const connection = redisConnection(opts.redisUrl, 'worker');
  const subscriber = redisConnection(opts.redisUrl, 'worker');
  // Workers wait for Redis to come back; say so once rather than on every reconnection attempt.
  const { onError: onRedisError } = logOutages(
    connection,
    opts.logger,
    'workers',
    'jobs wait until it is back',
  );
  subscriber.on('error', onRedisError);
  const workers = new Map<string, Worker>();
  const queues = opts.queues ?? Object.values(QUEUES);
  for (const queue of queues) {
    const worker = new Worker(
      queue,
      async (job: Job, _token?: string, signal?: AbortSignal) => {
        const def = opts.handlers.get(job.name as JobName);
        if (!def) throw new Error(`no handler for job ${job.name}`);
        validatePayload(def, job.data);
        const controller = new AbortController();
        signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
        try {
          return await def.handle(job.data as never, {
            id: `${queue}.${job.id}`,
            // Started attempts, so a retry after a crashed worker (a stalled job, which BullMQ
            // does not count in attemptsMade) still knows it is not the first.
            attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1),
            signal: signal ?? controller.signal,
            progress: (p) => job.updateProgress(p),
            log: async (m) => {
              await job.log(m);
            },
          });
        } catch (err) {
          // A cancelled job must not be retried: mark it unrecoverable.
          if (signal?.aborted) throw new UnrecoverableError(`cancelled: ${(err as Error).message}`);
          throw err;
        }
      },
      {
        connection,
        prefix: opts.prefix,
        concurrency: opts.concurrency?.[queue] ?? (queue === QUEUES.training ? 1 : 4),
        autorun: true,
        ...(opts.lockMs ? { lockDuration: opts.lockMs } : {}),
        ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}),
      },
    );
    worker.on('failed', (job, err) =>
      opts.logger.warn(
        { job: job?.id, queue, err: err.message, attempts: job?.attemptsMade },
        'job attempt failed',
      ),
    );
    worker.on('completed', (job) =>
      opts.logger.info({ job: job.id, queue, name: job.name }, 'job completed'),
    );
    worker.on('error', (err) => {
      if (connection.status === 'ready' && subscriber.status === 'ready')
        opts.logger.error({ err, queue }, 'worker error');
      else onRedisError(err);
    });
    workers.set(queue, worker);
  }
  await subscriber.subscribe(cancelChannel(opts.prefix));
  subscriber.on('message', (_channel, message) => {
    try {
      const { queue, jobId } = JSON.parse(message) as { queue: string; jobId: string };
      workers.get(queue)?.cancelJob(jobId, 'cancelled by request');
    } catch {
      opts.logger.warn({ message }, 'ignoring a malformed cancel message');
    }
  });
  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));
  opts.logger.info({ queues }, 'workers started');
  return {
    async close() {
      // Worker.close waits for active jobs to finish; their handlers see no abort, so a
      // training epoch completes cleanly or the job is retried by another worker.
      const grace = opts.closeTimeoutMs ?? 10_000;
      await Promise.allSettled(
        [...workers.values()].map(async (w) => {
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            w.close().then(() => false),
            new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace))),
          ]);
          clearTimeout(timer);
          if (timedOut) await w.close(true);
        }),
      );
      subscriber.disconnect();
      connection.disconnect();
    },
  };
}
