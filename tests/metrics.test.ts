/**
 * GET /metrics on the API and the worker's METRICS_PORT endpoint: the exposition is valid
 * Prometheus text (tests/helpers/prometheus-text.ts, written from the format's specification),
 * the counters move by what the requests did, and METRICS_TOKEN is enforced.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startMetricsServer } from '../src/http/metrics-server.js';
import { JOBS } from '../src/jobs/names.js';
import { startWorker } from '../src/worker.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { createTestDatabase, DATABASE_URL, MQTT_URL, REDIS_URL, skipReason } from './helpers/database.js';
import { startTestSubscriber } from './helpers/mqtt-subscriber.js';
import { parsePrometheusText, valueOf } from './helpers/prometheus-text.js';

const TOKEN = 'metrics-token-0123456789';

describe('the Prometheus text reader used below', () => {
  it('reads the specification’s example and refuses what a Prometheus server would', () => {
    const example = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
    ].join('\n');
    // The spec allows runs of blanks there; prom-client never writes them, so the reader is
    // stricter (one space) and must refuse the example as is, and read it once normalised.
    expect(() => parsePrometheusText(`${example}\n`)).toThrow(/not a sample line/);
    const fams = parsePrometheusText(`${example.replace(/ {2,}/g, ' ')}\n`);
    expect(valueOf(fams, 'http_requests_total', { code: '400' })).toBe(3);
    const histogram = [
      '# TYPE h histogram',
      'h_bucket{le="0.1"} 2',
      'h_bucket{le="+Inf"} 3',
      'h_sum 0.4',
      'h_count 3',
      '',
    ].join('\n');
    expect(parsePrometheusText(histogram).get('h')?.samples).toHaveLength(4);
    for (const [bad, why] of [
      [histogram.replace('h_count 3', 'h_count 4'), /\+Inf bucket differs/],
      [histogram.replace('le="0.1"} 2', 'le="0.1"} 5'), /not cumulative/],
      ['# TYPE c counter\nc -1\n', /negative/],
      ['m{a="x",a="y"} 1\n', /twice/],
      ['m{a="\\q"} 1\n', /not a sample line/],
      ['m 1\nn 1\nm{b="1"} 2\n', /not contiguous/],
      ['m 1', /line feed/],
    ] as const)
      expect(() => parsePrometheusText(bad), bad).toThrow(why);
  });
});

describe('GET /metrics on the API', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const scrape = async () => {
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(res.body);
  };

  it('is valid exposition text with the service’s families and the default process metrics', async () => {
    const fams = await scrape();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'prognos_http_request_duration_seconds',
      'prognos_ingest_rows_total',
      'prognos_queue_jobs',
      'prognos_job_duration_seconds',
      'prognos_capture_to_forecast_lag_seconds',
      'prognos_scoring_duration_seconds',
      'prognos_drift_level',
      'prognos_connection_up',
      'prognos_db_pool_connections',
    ])
      expect(fams.has(name), name).toBe(true);
    expect(fams.get('prognos_http_request_duration_seconds')?.type).toBe('histogram');
    // Every queue reports its four states, read from the in-process queue.
    const depths = fams.get('prognos_queue_jobs')!.samples;
    expect(new Set(depths.map((s) => s.labels.state))).toEqual(
      new Set(['waiting', 'active', 'delayed', 'failed']),
    );
    expect(new Set(depths.map((s) => s.labels.queue))).toContain('maintenance');
    if (DATABASE_URL)
      expect(valueOf(fams, 'prognos_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
  });

  it('counts requests by route pattern and status, and ingested rows and bytes by source', async () => {
    const assetId = await createAsset(app);
    const temp = await createSensor(app, assetId);
    const vib = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: 25_600 });
    const route = { route: '/v1/sensors/:id/readings', method: 'POST' };
    const before = await scrape();
    const readings = [1, 2, 3].map((i) => ({ ts: `2024-05-01T00:00:0${i}Z`, value: 20 + i }));
    expect(
      (await app.inject({ method: 'POST', url: `/v1/sensors/${temp}/readings`, payload: { readings } }))
        .statusCode,
    ).toBe(201);
    // A retry stores nothing: the rows counter must not move for it.
    expect(
      (await app.inject({ method: 'POST', url: `/v1/sensors/${temp}/readings`, payload: { readings } }))
        .statusCode,
    ).toBe(200);
    const samples = Buffer.from(new Float32Array(1000).fill(0.5).buffer);
    const cap = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures`,
      query: { ts: '2024-05-01T00:00:00Z' },
      headers: { 'content-type': 'application/octet-stream' },
      payload: samples,
    });
    expect(cap.statusCode).toBe(201);
    expect((await app.inject('/v1/sensors/999999/readings')).statusCode).toBe(404);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    const count = 'prognos_http_request_duration_seconds_count';
    expect(delta(count, { ...route, status: '201' })).toBe(1);
    expect(delta(count, { ...route, status: '200' })).toBe(1);
    expect(delta(count, { route: '/v1/sensors/:id/readings', method: 'GET', status: '404' })).toBe(1);
    // Labels carry the pattern only: no series names a concrete id.
    const routes = after.get('prognos_http_request_duration_seconds')!.samples.map((s) => s.labels.route!);
    expect(routes.filter((r) => /\/\d+(\/|$)/.test(r))).toEqual([]);

    expect(delta('prognos_ingest_rows_total', { source: 'http', kind: 'readings' })).toBe(3);
    expect(delta('prognos_ingest_bytes_total', { source: 'http', kind: 'readings' })).toBe(3 * 16);
    expect(delta('prognos_ingest_rows_total', { source: 'http', kind: 'captures' })).toBe(1);
    expect(delta('prognos_ingest_bytes_total', { source: 'http', kind: 'captures' })).toBe(samples.length);
  });

  it('records the capture-to-forecast lag and the scoring time when a stored capture is scored', async () => {
    const assetId = await createAsset(app, { name: 'lag-pump' });
    // The default feature set's rate and window (12 kHz, 4096 samples).
    const vib = await createSensor(app, assetId, { kind: 'vibration', unit: 'g', sampleRateHz: 12_000 });
    const samples = Array.from({ length: 8192 }, (_, i) => Math.sin(i / 3) + ((i * 7919) % 13) / 26);
    const storedBy = Date.now();
    const cap = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${vib}/captures`,
      payload: { ts: '2024-05-01T00:00:00Z', samples },
    });
    expect(cap.statusCode).toBe(201);
    const before = await scrape();
    expect((await ctx.features.extract({ assetId })).rowsWritten).toBeGreaterThan(0);
    const { scored } = await ctx.scoring.scoreNewRows({ source: 'scheduled', assetIds: [assetId] });
    expect(scored).toBe(1);
    await ctx.scoring.settled();
    const scoredBy = Date.now();
    const lag = (f: Awaited<ReturnType<typeof scrape>>, s: string) =>
      valueOf(f, `prognos_capture_to_forecast_lag_seconds_${s}`);
    // Recorded as the forecast commits, from the capture time its feature row carried.
    await vi.waitFor(async () => expect(lag(await scrape(), 'count')).toBe(lag(before, 'count') + 1), {
      timeout: 10_000,
    });
    const after = await scrape();
    // The one lag observed lies between the capture's storage and the end of scoring.
    const seconds = lag(after, 'sum') - lag(before, 'sum');
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual((scoredBy - storedBy) / 1000);
    const scoring = (f: typeof after) =>
      valueOf(f, 'prognos_scoring_duration_seconds_count', { source: 'scheduled' });
    expect(scoring(after)).toBe(scoring(before) + 1);
  });

  it.skipIf(!MQTT_URL)(
    'shows the MQTT subscriber’s connection: 1 once connected, 0 once closed',
    async () => {
      const prefix = `metrics-${randomBytes(4).toString('hex')}`;
      const mqtt = startTestSubscriber(ctx, prefix);
      await mqtt.ready;
      expect(valueOf(await scrape(), 'prognos_connection_up', { source: 'mqtt' })).toBe(1);
      await mqtt.close();
      expect(valueOf(await scrape(), 'prognos_connection_up', { source: 'mqtt' })).toBe(0);
    },
  );
  if (!MQTT_URL) skipReason('MQTT_URL', 'metrics: the MQTT connection gauge');

  it('times jobs by queue and name, and shows the queue depth', async () => {
    const labels = { queue: 'maintenance', name: JOBS.ensurePartitions, outcome: 'completed' };
    const before = valueOf(await scrape(), 'prognos_job_duration_seconds_count', labels);
    const { id } = await ctx.jobs.enqueue(JOBS.ensurePartitions, { monthsBack: 0, monthsAhead: 0 });
    expect((await ctx.jobs.waitFor(id, 30_000)).state).toBe('completed');
    expect(valueOf(await scrape(), 'prognos_job_duration_seconds_count', labels)).toBe(before + 1);
  });
});

describe('METRICS_TOKEN', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ ctx, app } = await startApp({ METRICS_TOKEN: TOKEN }));
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('refuses a scrape without the token or with another one (401, error shape), serves it with the token', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ]) {
      const res = await app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json().error.code).toBe('unauthorized');
    }
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(parsePrometheusText(ok.body).has('prognos_http_request_duration_seconds')).toBe(true);
  });

  it('is not an API key: /v1 still wants a key of its own when auth is on', async () => {
    const { ctx: authCtx, app: authApp } = await startApp({ PROGNOS_AUTH: 'on' });
    try {
      expect((await authApp.inject('/metrics')).statusCode).toBe(200);
      const v1 = await authApp.inject({ url: '/v1/assets', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(v1.statusCode).toBe(401);
    } finally {
      await authApp.close();
      await authCtx.close();
    }
  });
});

describe('the worker’s metrics endpoint', () => {
  it('answers GET /metrics on its port with valid text, enforces the token, and closes', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(parsePrometheusText(await res.text()).has('process_cpu_seconds_total')).toBe(true);
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it.skipIf(!REDIS_URL)(
    'is served by `prognos worker` on METRICS_PORT, with BullMQ queue depths',
    async () => {
      // Its own PostgreSQL database when there is a server (quicker than migrating a PGlite).
      const testDb = DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
      const config = loadConfig({
        NODE_ENV: 'test',
        PROGNOS_DATA_DIR: 'memory://',
        ...(testDb?.url ? { DATABASE_URL: testDb.url } : {}),
        REDIS_URL: REDIS_URL!,
        QUEUE_PREFIX: `metrics-test-${randomBytes(4).toString('hex')}`,
        METRICS_PORT: '0',
        PROGNOS_SCORING_INTERVAL_MINUTES: '0',
        PROGNOS_DRIFT_INTERVAL_MINUTES: '0',
      });
      const worker = await startWorker(config, { handleSignals: false });
      try {
        const res = await fetch(`http://127.0.0.1:${worker.metrics!.port}/metrics`);
        expect(res.status).toBe(200);
        const fams = parsePrometheusText(await res.text());
        const states = fams.get('prognos_queue_jobs')!.samples.filter((s) => s.labels.queue === 'training');
        expect(states.map((s) => s.labels.state).sort()).toEqual(['active', 'delayed', 'failed', 'waiting']);
      } finally {
        await worker.close();
        await testDb?.close();
      }
    },
  );
  if (!REDIS_URL) skipReason('REDIS_URL', 'metrics: the worker process endpoint');
});
