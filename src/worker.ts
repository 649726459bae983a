/** The worker process: BullMQ processors for every queue. Needs REDIS_URL; in the embedded
 * mode the API process runs the same processors in-process instead. */
import {
  mqttSubscriberSettings,
  startMqttSubscriber,
  type MqttSubscriber,
} from './acquisition/mqtt-subscriber.js';
import type { OpcuaIngestor } from './acquisition/opcua/opcua-ingestor.js';
import { startSparkplugHost, type SparkplugHost } from './acquisition/sparkplug/sparkplug-host.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { startMetricsServer, type MetricsServer } from './http/metrics-server.js';
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
  /** GET /metrics on METRICS_PORT, when it is set. */
  metrics: MetricsServer | undefined;
  /** Live readings over OPC UA, when OPCUA_ENDPOINT is set. */
  opcua: OpcuaIngestor | undefined;
  /** Sparkplug B metrics, when SPARKPLUG_CONFIG is set. */
  sparkplug: SparkplugHost | undefined;
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
  // First: a worker waiting for Redis below is already visible to its scraper.
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer({
          host: config.host,
          port: config.metricsPort,
          token: config.metricsToken,
        }).catch(async (err: unknown) => {
          await ctx.close();
          throw err;
        });
  if (metrics)
    ctx.logger.info({ port: metrics.port }, `metrics at http://${config.host}:${metrics.port}/metrics`);
  // Before the job processors: a bad mapping stops start-up with nothing else to undo.
  const opcua = await startOpcua(config, ctx).catch(async (err: unknown) => {
    await metrics?.close();
    await ctx.close();
    throw err;
  });
  const sparkplug = await startSparkplug(config, ctx).catch(async (err: unknown) => {
    await opcua?.close();
    await metrics?.close();
    await ctx.close();
    throw err;
  });
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
        ...mqttSubscriberSettings(config),
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
    await opcua?.close(); // ends the subscription, then stores the pending window
    await sparkplug?.close(); // STATE offline, disconnects, then stores the pending window
    await pool.close();
    await metrics?.close();
    await ctx.close();
  };
  if (opts.handleSignals !== false) onShutdown(ctx.logger, config.shutdownTimeoutMs, [close]);
  return { ctx, pool, mqtt, metrics, opcua, sparkplug, close };
}

/** Loaded only when configured: node-opcua is large and prints a warning when imported. */
export async function startOpcua(config: Config, ctx: AppContext): Promise<OpcuaIngestor | undefined> {
  if (!config.opcua) return undefined;
  const { startOpcuaIngestor } = await import('./acquisition/opcua/opcua-ingestor.js');
  // Resolves once the mapping is checked, not once connected (its `ready`, not awaited): with
  // the server unreachable the client keeps trying while the jobs run.
  return startOpcuaIngestor({
    config: config.opcua,
    readings: ctx.readings,
    assets: ctx.assets,
    logger: ctx.logger,
    maxPerBatch: config.ingestLimits.maxReadingsPerBatch,
  });
}

/** Resolves once the mapping is checked against the assets, not once connected: with the broker
 * unreachable mqtt.js keeps reconnecting while the jobs run. */
export async function startSparkplug(config: Config, ctx: AppContext): Promise<SparkplugHost | undefined> {
  if (!config.sparkplug) return undefined;
  return startSparkplugHost({
    config: config.sparkplug,
    readings: ctx.readings,
    assets: ctx.assets,
    logger: ctx.logger,
    maxPerBatch: config.ingestLimits.maxReadingsPerBatch,
  });
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
