/** The worker process: BullMQ processors for every queue. Needs REDIS_URL; in the embedded
 * mode the API process runs the same processors in-process instead. */
import { startMqttSubscriber, type MqttSubscriber } from './acquisition/mqtt-subscriber.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { startWorkers, type WorkerPool } from './jobs/bullmq-workers.js';
import { startHeartbeat } from './jobs/heartbeat.js';
import { scheduleJobs } from './jobs/schedules.js';
import { onShutdown } from './lifecycle.js';
import { AppError } from './errors.js';

export interface RunningWorker {
  ctx: AppContext;
  pool: WorkerPool;
  /** Live readings over MQTT, when MQTT_URL is set. */
  mqtt: MqttSubscriber | undefined;
  close(): Promise<void>;
}

export async function startWorker(
  config: Config,
  opts: { handleSignals?: boolean } = {},
): Promise<RunningWorker> {
  if (!config.redisUrl) {
    throw new Error('prognos worker needs REDIS_URL; without it `prognos serve` runs the jobs in-process');
  }
  const ctx = await createContext(config);
  const pool = await startWorkers({
    handlers: ctx.jobHandlers,
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    logger: ctx.logger,
    lockMs: config.jobLockMs,
    stalledIntervalMs: config.jobStalledIntervalMs,
  });
  await scheduleWhenQueueReachable(ctx);
  // Not awaited: with the broker down the subscriber keeps reconnecting; jobs still run.
  const mqtt = config.mqttUrl
    ? startMqttSubscriber({
        url: config.mqttUrl,
        readings: ctx.readings,
        assets: ctx.assets,
        logger: ctx.logger,
      })
    : undefined;
  // After scheduling: a beat means this worker is processing and both its servers answer.
  const heartbeat =
    config.workerHeartbeatFile === undefined
      ? undefined
      : startHeartbeat({
          file: config.workerHeartbeatFile,
          check: async () => {
            await ctx.database.ping(2_000);
            await ctx.jobs.ping();
          },
          onChange: (healthy, error) =>
            healthy
              ? ctx.logger.info({ file: config.workerHeartbeatFile }, 'worker heartbeat: beating')
              : ctx.logger.warn({ err: error }, 'worker heartbeat: paused (database or Redis not answering)'),
        });
  const close = async () => {
    await heartbeat?.stop(); // first: a worker that is stopping is no longer healthy
    await mqtt?.close(); // then stop taking messages (unacknowledged ones are redelivered)
    await pool.close();
    await ctx.close();
  };
  if (opts.handleSignals !== false) onShutdown(ctx.logger, config.shutdownTimeoutMs, [close]);
  return { ctx, pool, mqtt, close };
}

/**
 * A worker started while Redis is down waits in startWorkers; when Redis returns, the workers'
 * connections and the producer's (which fails fast, no offline queue) reconnect each on its own
 * backoff, so scheduling can be refused for a moment after the workers are ready. That is not
 * a reason to exit: retry until the queue answers, as the workers themselves wait.
 */
async function scheduleWhenQueueReachable(ctx: AppContext): Promise<void> {
  for (;;) {
    try {
      return await scheduleJobs(ctx);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'queue_unavailable')) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
