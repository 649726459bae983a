/**
 * The process's Prometheus metrics: one registry, the metric definitions, and the small
 * functions stages call to feed them. Foundation, like logger.ts: every layer may record a
 * figure, and this module imports no stage, job or route (sources it cannot import, such as the
 * job queue or the database pool, are registered by the composition root as callbacks).
 *
 * Exposed by the API at GET /metrics (src/http/metrics.routes.ts) and by each worker on
 * METRICS_PORT (src/worker.ts). Names and labels are listed in README "Metrics"; the Grafana
 * dashboard (deploy/grafana/prognos-dashboard.json) is checked against them by a test.
 */
import { timingSafeEqual } from 'node:crypto';
import client from 'prom-client';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const registers = [registry];

// Request latency from sub-millisecond reads to captures of several megabytes.
const httpRequestDuration = new client.Histogram({
  name: 'prognos_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status code (the _count is the request rate)',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

/** One finished request; `route` is the pattern (`/v1/sensors/:id/readings`), never the URL,
 * so the series stay few whatever ids clients send. */
export function observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpRequestDuration.observe({ method, route, status: String(status) }, seconds);
}

/** Where stored data came from; `demo` is `prognos demo`'s live stream of the simulated fleet. */
export type IngestSource = 'http' | 'mqtt' | 'opcua' | 'sparkplug' | 'import' | 'demo';
export type IngestKind = 'readings' | 'captures';

const ingestRows = new client.Counter({
  name: 'prognos_ingest_rows_total',
  help: 'Rows stored by ingestion (duplicates not counted), by source and kind',
  labelNames: ['source', 'kind'] as const,
  registers,
});
const ingestBytes = new client.Counter({
  name: 'prognos_ingest_bytes_total',
  help: 'Bytes of data stored by ingestion: 4 per capture sample (float32), 16 per reading (timestamp and float64)',
  labelNames: ['source', 'kind'] as const,
  registers,
});

/** Bytes of one stored reading: its timestamp and its double-precision value. */
export const READING_BYTES = 16;

/** Rows and data bytes that a committed ingestion stored. */
export function countIngested(source: IngestSource, kind: IngestKind, rows: number, bytes: number): void {
  if (rows <= 0) return;
  ingestRows.inc({ source, kind }, rows);
  ingestBytes.inc({ source, kind }, bytes);
}

const jobDuration = new client.Histogram({
  name: 'prognos_job_duration_seconds',
  help: 'Job attempts by queue, job name and outcome (completed, failed, cancelled)',
  labelNames: ['queue', 'name', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
  registers,
});
const jobFailures = new client.Counter({
  name: 'prognos_job_failures_total',
  help: 'Failed job attempts (each retry counts; cancellations do not) by queue and job name',
  labelNames: ['queue', 'name'] as const,
  registers,
});

export function observeJob(
  queue: string,
  name: string,
  outcome: 'completed' | 'failed' | 'cancelled',
  seconds: number,
): void {
  jobDuration.observe({ queue, name, outcome }, seconds);
  if (outcome === 'failed') jobFailures.inc({ queue, name });
}

/** Jobs of one queue in each state, as BullMQ's getJobCounts or the in-process queue count them. */
export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}
type DepthSource = () => Promise<QueueDepth[]>;
const depthSources = new Set<DepthSource>();

new client.Gauge({
  name: 'prognos_queue_jobs',
  help: 'Jobs per queue and state (waiting, active, delayed, failed), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers,
  async collect() {
    this.reset();
    for (const source of depthSources) {
      // A queue that cannot answer (Redis down) leaves its series out rather than failing
      // the whole scrape: the other metrics are what tell the outage.
      const depths = await source().catch(() => []);
      for (const d of depths)
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const)
          this.set({ queue: d.queue, state }, d[state]);
    }
  },
});

/** Registers a job queue's counts for scraping; returns the function that removes it. */
export function trackQueueDepth(source: DepthSource): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}

/** What a pg Pool exposes of its use. */
export interface PoolUse {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}
const pools = new Set<PoolUse>();

new client.Gauge({
  name: 'prognos_db_pool_connections',
  help: 'PostgreSQL pool: connections open (total), idle, and clients waiting for one (waiting)',
  labelNames: ['state'] as const,
  registers,
  collect() {
    this.reset();
    if (pools.size === 0) return;
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const p of pools) {
      total += p.totalCount;
      idle += p.idleCount;
      waiting += p.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

/** Registers a database pool for scraping (none on PGlite); returns the function that removes it. */
export function trackPool(pool: PoolUse): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

const lag = new client.Histogram({
  name: 'prognos_capture_to_forecast_lag_seconds',
  help: 'From a capture being stored to the commit of the forecast that rests on it',
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400],
  registers,
});

export function observeCaptureToForecastLag(seconds: number): void {
  if (Number.isFinite(seconds) && seconds >= 0) lag.observe(seconds);
}

const scoringDuration = new client.Histogram({
  name: 'prognos_scoring_duration_seconds',
  help: 'Scoring one forecast, features to committed row, by source (api, scheduled, demo)',
  labelNames: ['source'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

export function observeScoring(source: string, seconds: number): void {
  scoringDuration.observe({ source }, seconds);
}

/** The stages of the data path whose CPU is counted (README "Sizing"). */
export type CpuStage = 'ingest' | 'extract' | 'score' | 'advice';

const stageCpu = new client.Counter({
  name: 'prognos_stage_cpu_seconds_total',
  help: 'Process CPU (user + system) spent in each data-path stage: ingest, extract, score, advice; a stage spanning awaits also counts what ran meanwhile',
  labelNames: ['stage'] as const,
  registers,
});

/**
 * Runs `work`, counting the process CPU used from its start to its end against `stage`. The
 * process is one thread, so a stage that awaits also counts whatever other job or request ran
 * during the wait: with concurrent jobs the stages overlap and their sum can exceed
 * process_cpu_seconds_total (the fleet-stream bench scales them to it).
 */
export async function inStage<T>(stage: CpuStage, work: () => Promise<T>): Promise<T> {
  const start = process.cpuUsage();
  try {
    return await work();
  } finally {
    const d = process.cpuUsage(start);
    stageCpu.inc({ stage }, (d.user + d.system) / 1e6);
  }
}

const DRIFT_LEVELS = { unknown: -1, ok: 0, warn: 1, drift: 2 } as const;

const driftLevel = new client.Gauge({
  name: 'prognos_drift_level',
  help: 'Pooled drift of each active model at the last drift check: -1 unknown, 0 ok, 1 warn, 2 drift',
  labelNames: ['model'] as const,
  registers,
});
const driftPsi = new client.Gauge({
  name: 'prognos_drift_max_psi',
  help: 'Largest feature PSI of each active model at the last drift check',
  labelNames: ['model'] as const,
  registers,
});

/** The models compared by one drift check; models no longer compared are dropped. */
export function setDriftLevels(
  models: ReadonlyArray<{ model: string; status: keyof typeof DRIFT_LEVELS; maxPsi: number | null }>,
): void {
  driftLevel.reset();
  driftPsi.reset();
  for (const m of models) {
    driftLevel.set({ model: m.model }, DRIFT_LEVELS[m.status]);
    if (m.maxPsi !== null && Number.isFinite(m.maxPsi)) driftPsi.set({ model: m.model }, m.maxPsi);
  }
}

const connectionUp = new client.Gauge({
  name: 'prognos_connection_up',
  help: 'Live-data connections: 1 connected, 0 not, by source (mqtt, opcua…)',
  labelNames: ['source'] as const,
  registers,
});

/** A live-data client's connection state (the MQTT subscriber; OPC UA and others alike). */
export function connectionState(source: string, up: boolean): void {
  connectionUp.set({ source }, up ? 1 : 0);
}

const sparkplugOnline = new client.Gauge({
  name: 'prognos_sparkplug_online',
  help: 'Sparkplug B edge nodes and devices (device "" is the node itself): 1 online, 0 stale (sequence gap, death, awaiting rebirth)',
  labelNames: ['group', 'node', 'device'] as const,
  registers,
});
const sparkplugDropped = new client.Counter({
  name: 'prognos_sparkplug_dropped_total',
  help: 'Sparkplug B metric values not stored, by reason (stale, no_birth, unknown_alias, unmapped, not_numeric…)',
  labelNames: ['reason'] as const,
  registers,
});
const sparkplugRebirths = new client.Counter({
  name: 'prognos_sparkplug_rebirths_total',
  help: 'Rebirth requests (NCMD Node Control/Rebirth) sent to Sparkplug B edge nodes, by group',
  labelNames: ['group'] as const,
  registers,
});

/** Whether a Sparkplug B node's (device undefined) or device's data is trusted. */
export function sparkplugState(
  groupId: string,
  edgeNode: string,
  device: string | undefined,
  online: boolean,
): void {
  sparkplugOnline.set({ group: groupId, node: edgeNode, device: device ?? '' }, online ? 1 : 0);
}

export function countSparkplugDropped(reason: string, n: number): void {
  if (n > 0) sparkplugDropped.inc({ reason }, n);
}

export function countSparkplugRebirth(groupId: string): void {
  sparkplugRebirths.inc({ group: groupId });
}

const mqttMessages = new client.Counter({
  name: 'prognos_mqtt_messages_total',
  help: 'MQTT messages handled, by outcome: stored (duplicates included), rejected (invalid), failed (internal error)',
  labelNames: ['outcome'] as const,
  registers,
});

/** MQTT messages acknowledged with an outcome (a message not yet stored is not counted). */
export function countMqttMessages(outcome: 'stored' | 'rejected' | 'failed', n = 1): void {
  if (n > 0) mqttMessages.inc({ outcome }, n);
}

/** The exposition: Prometheus text format 0.0.4. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Whether an `Authorization` header carries the metrics token (constant-time comparison);
 * always true when no token is configured. */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const m = /^bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
