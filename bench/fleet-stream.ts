/**
 * The fleet-stream bench: `--assets` simulated pumps stream, `--speedup` times faster than real
 * time for `--seconds`, one vibration capture every `--capture-s` simulated seconds over HTTP
 * and the temperatures of that interval (one every `--reading-s`) over MQTT, into a fresh
 * PostgreSQL database, through the real processes: `prognos serve` and `--workers` `prognos
 * worker` processes (BullMQ on REDIS_URL, the MQTT subscriber in the workers, one share group),
 * with the live loop extracting and scoring on its own. After the stream it waits for the loop
 * to drain (no ingest mark left, two forecasts per capture) and reports:
 * - sustained captures/s: captures stored ÷ (last forecast − stream start), next to the offered rate;
 * - lag p50/p99/max: scored_at − data_received_at of the loop's forecasts (from the database);
 * - CPU-ms per capture: every Prognos process's process_cpu_seconds_total over the run ÷ captures
 *   (total), split by prognos_stage_cpu_seconds_total — ingest is the API process whole plus
 *   the workers' MQTT ingestion; extract, score, advice the workers' counters, scaled down to
 *   the workers' measured CPU when concurrent jobs made them overlap; what no stage claims is
 *   `unattributed` (queue handling, scheduled jobs, GC, idle polling). PostgreSQL backends' CPU
 *   (from /proc) and this client's CPU are reported beside it, not in the total;
 * - database bytes per asset-day: growth of the four partitioned tables over the run ÷ asset-days
 *   at the stated cadence (captures stored × `--capture-s`), and of the whole database;
 * - Redis: peak bytes under the run's queue prefix (MEMORY USAGE), per asset.
 * Without MQTT_URL the temperatures go over HTTP (said in the output). Logs are at warn: the
 * per-job info lines are not what is measured.
 *
 *   DATABASE_URL=postgres://... REDIS_URL=redis://... [MQTT_URL=mqtt://...] \
 *     npm run bench -- fleet-stream --assets 100 --seconds 60 --speedup 10 [--workers 2] --json
 */
import { quantileSorted } from '../src/maths/order-statistics.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createRng } from '../src/maths/random.js';
import { withDatabase } from '../tests/helpers/database.js';
import { startPrognos, type PrognosProcess } from '../tests/helpers/prognos-process.js';
import { capture, createPump, fleetHealthModel, loopForecasts, RATE, type PostJson } from './fleet-sim.js';
import {
  BackendCpu,
  cpuDelta,
  databaseBytes,
  prefixBytes,
  scrapeCpu,
  STAGES,
  type CpuSample,
  type Stage,
} from './fleet-probes.js';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    speedup: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1' },
    'capture-s': { type: 'string', default: '60' },
    'reading-s': { type: 'string', default: '10' },
    'debounce-ms': { type: 'string', default: '2000' },
    'drain-timeout-s': { type: 'string', default: '900' },
    json: { type: 'boolean', default: false },
  },
});
const ASSETS = Number(values.assets);
const SECONDS = Number(values.seconds);
const SPEEDUP = Number(values.speedup);
const WORKERS = Number(values.workers);
const CAPTURE_S = Number(values['capture-s']);
const READING_S = Number(values['reading-s']);
const INTERVAL_MS = (CAPTURE_S * 1000) / SPEEDUP;
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 2) => Number(x.toFixed(d));

const base = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const mqttUrl = process.env.MQTT_URL;
if (!base || !redisUrl) {
  console.error(
    'bench/fleet-stream.ts needs DATABASE_URL (PostgreSQL) and REDIS_URL: it runs the API and worker processes as deployed',
  );
  process.exit(2);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const tag = randomBytes(3).toString('hex');
const dbName = `prognos_bench_fleet_${tag}`;
const prefix = `prognos-fleet-${tag}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${dbName}`);
const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'prognos-bench-fleet-'));
const env = {
  DATABASE_URL: withDatabase(base, dbName),
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: prefix,
  PROGNOS_MODELS_DIR: modelsDir,
  PROGNOS_DATA_DIR: 'memory://',
  PROGNOS_AUTH: 'off',
  PROGNOS_SCORING_INTERVAL_MINUTES: '0',
  RATE_LIMIT_PER_MINUTE: '10000000',
  RATE_LIMIT_BURST: '10000000',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
};
// The bench's own context: migrations, the model; no loop of its own.
const ctx = await createContext(
  loadConfig({ ...env, NODE_ENV: 'production', LOG_LEVEL: 'silent', PROGNOS_LIVE_LOOP: 'off' }),
);
const db = ctx.database.db;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
const procs: PrognosProcess[] = [];
let broker: mqtt.MqttClient | undefined;

try {
  await fleetHealthModel(ctx, 'bench-fleet-health', { temperature: true });
  const loop = { PROGNOS_LIVE_LOOP: 'on', PROGNOS_LOOP_DEBOUNCE_MS: String(values['debounce-ms']) };
  const apiPort = await freePort();
  const api = await startPrognos('serve', { ...env, ...loop, PORT: String(apiPort) }, { awaitReady: false });
  procs.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const workerMetrics: string[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const port = await freePort();
    procs.push(
      await startPrognos(
        'worker',
        {
          ...env,
          ...loop,
          METRICS_PORT: String(port),
          ...(mqttUrl
            ? { MQTT_URL: mqttUrl, MQTT_SHARE_GROUP: `fleet-${tag}`, MQTT_CLIENT_ID: `fleet-${tag}-${w}` }
            : {}),
        },
        { awaitReady: false },
      ),
    );
    workerMetrics.push(`http://127.0.0.1:${port}/metrics`);
  }
  const metricsUrls = [`${apiUrl}/metrics`, ...workerMetrics];
  for (const u of metricsUrls) await until(u, async () => (await fetch(u)).ok);
  if (procs.some((p) => p.exited())) throw new Error('a prognos process exited at start-up');

  const post: PostJson = async (url, payload) => {
    const res = await fetch(`${apiUrl}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return { statusCode: res.status, body: await res.text() };
  };
  const pumps: Array<{ ref: string; vibration: number; temperature: number }> = [];
  for (let a = 0; a < ASSETS; a += 20) {
    // Twenty at a time: set-up, not measured.
    const made = await Promise.all(
      Array.from({ length: Math.min(20, ASSETS - a) }, async (_, i) => {
        const ref = `fleet-${tag}-${a + i}`;
        const p = await createPump(post, a + i + 1, { ref, temperature: true });
        return { ref, vibration: p.vibration, temperature: p.temperature! };
      }),
    );
    pumps.push(...made);
  }
  if (mqttUrl) {
    broker = await mqtt.connectAsync(mqttUrl, { clientId: `fleet-bench-${tag}`, protocolVersion: 5 });
    // The workers' subscriptions are in place once a message to an unknown asset is refused.
    const errors = `prognos/fleet-${tag}-probe/temp/errors`;
    await broker.subscribeAsync(errors, { qos: 1 });
    let refused = false;
    broker.on('message', (topic) => {
      if (topic === errors) refused = true;
    });
    await until(
      'the workers to subscribe',
      async () => {
        await broker!.publishAsync(`prognos/fleet-${tag}-probe/temp`, '{}', { qos: 1 });
        await sleep(300);
        return refused;
      },
      30_000,
    );
  }
  log(
    `fleet-stream bench: ${ASSETS} assets, ${SECONDS} s at ${SPEEDUP}× (a capture every ${CAPTURE_S} s simulated, every ${INTERVAL_MS} ms real;` +
      ` a temperature every ${READING_S} s simulated over ${mqttUrl ? 'MQTT' : 'HTTP (MQTT_URL unset)'}), ${WORKERS} worker process${WORKERS > 1 ? 'es' : ''}`,
  );

  // Simulated time starts far enough back that it never runs into the future.
  const started = Date.now();
  const simStart = started - 86_400_000 - SECONDS * SPEEDUP * 1000;
  const simAt = (real: number) => simStart + (real - started) * SPEEDUP;
  const bytesBefore = await databaseBytes(db);
  const backends = new BackendCpu(db, dbName);
  await backends.sample();
  const cpuBefore = await Promise.all(metricsUrls.map(scrapeCpu));
  const clientBefore = process.cpuUsage();
  let redisPeak = 0;
  let redisKeysPeak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await backends.sample().catch(() => {});
      const r = await prefixBytes(redis, prefix).catch(() => ({ bytes: 0, keys: 0 }));
      if (r.bytes > redisPeak) [redisPeak, redisKeysPeak] = [r.bytes, r.keys];
      await sleep(2_000);
    }
  })();

  const rng = createRng(3);
  let captures = 0;
  let errors = 0;
  const errorStatuses: Record<number, number> = {};
  let readings = 0;
  const streamEnd = started + SECONDS * 1000;
  await Promise.all(
    pumps.map(async (pump, a) => {
      await sleep(rng() * INTERVAL_MS);
      let lastSim = simAt(Date.now()) - CAPTURE_S * 1000;
      for (let k = 0; Date.now() < streamEnd; k++) {
        const tick = Date.now();
        const sim = simAt(tick);
        // The temperatures since the last capture, then the capture.
        const temps = [];
        for (let t = lastSim + READING_S * 1000; t <= sim; t += READING_S * 1000)
          temps.push({ ts: new Date(t).toISOString(), value: 40 + 5 * rng() });
        lastSim = sim;
        if (temps.length > 0) {
          readings += temps.length;
          if (broker)
            await broker.publishAsync(`prognos/${pump.ref}/temp`, JSON.stringify({ readings: temps }), {
              qos: 1,
            });
          else if (
            (await post(`/v1/sensors/${pump.temperature}/readings`, { readings: temps })).statusCode >= 300
          )
            errors++;
        }
        const samples = capture(a * 100_000 + k, Math.min(1, k / 1000));
        const res = await fetch(
          `${apiUrl}/v1/sensors/${pump.vibration}/captures?ts=${new Date(sim).toISOString()}&sampleRateHz=${RATE}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: samples.buffer as ArrayBuffer, // a fresh array: its buffer is exactly its samples
          },
        );
        await res.arrayBuffer();
        if (res.status === 201) captures++;
        else {
          errors++;
          errorStatuses[res.status] = (errorStatuses[res.status] ?? 0) + 1;
        }
        if (tick + INTERVAL_MS >= streamEnd) break;
        const next = tick + INTERVAL_MS - Date.now();
        if (next > 0) await sleep(next);
      }
    }),
  );
  const streamed = Date.now();
  const clientCpu = process.cpuUsage(clientBefore);
  log(
    `  streamed ${captures} captures and ${readings} readings in ${round((streamed - started) / 1000, 1)} s; draining`,
  );

  const count = async () => {
    const f = await db
      .selectFrom('forecasts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('input_key', 'is not', null)
      .executeTakeFirstOrThrow();
    const m = await db
      .selectFrom('ingest_marks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { forecasts: Number(f.n), marks: Number(m.n) };
  };
  let drained = false;
  for (;;) {
    const c = await count();
    if (c.marks === 0 && c.forecasts >= 2 * captures) {
      drained = true;
      break;
    }
    if (Date.now() - streamed > Number(values['drain-timeout-s']) * 1000) {
      log(`  NOT DRAINED: ${c.forecasts} forecasts, ${c.marks} assets still marked after the drain timeout`);
      break;
    }
    await sleep(500);
  }
  // The loop's last commits are in; the CPU of the whole run, ingestion to the last advice.
  const cpuAfter = await Promise.all(metricsUrls.map(scrapeCpu));
  sampling = false;
  await sampler;
  await backends.sample();
  const { rows, lags, lastScored } = await loopForecasts(db);
  await sql`vacuum analyze`.execute(db);
  const bytesAfter = await databaseBytes(db);

  const deltas: CpuSample[] = cpuBefore.map((b, i) => cpuDelta(b, cpuAfter[i]!));
  const apiCpu = deltas[0]!.cpu;
  const workerCpu = deltas.slice(1).reduce((s, d) => s + d.cpu, 0);
  const workerStages = Object.fromEntries(
    STAGES.map((s) => [s, deltas.slice(1).reduce((t, d) => t + d.stages[s], 0)]),
  ) as Record<Stage, number>;
  const claimed = STAGES.reduce((t, s) => t + workerStages[s], 0);
  // Overlapping stages (concurrent jobs) claim more than the workers used: scale them to it.
  const scale = claimed > workerCpu ? workerCpu / claimed : 1;
  const perCapture = (s: number) => round((s * 1000) / captures, 3);
  const cpuMs = {
    ingest: perCapture(apiCpu + workerStages.ingest * scale),
    extract: perCapture(workerStages.extract * scale),
    score: perCapture(workerStages.score * scale),
    advice: perCapture(workerStages.advice * scale),
    unattributed: perCapture(workerCpu - claimed * scale),
    total: perCapture(apiCpu + workerCpu),
  };
  // At the stated cadence: a client that fell behind stored fewer captures per simulated day,
  // so the day is counted in captures (each brought its interval's temperatures).
  const assetDays = (captures * CAPTURE_S) / 86_400;
  const tableGrowth =
    Object.values(bytesAfter.tables).reduce((s, b) => s + b, 0) -
    Object.values(bytesBefore.tables).reduce((s, b) => s + b, 0);
  const pgCpu = backends.seconds();
  const elapsed = (lastScored - started) / 1000;
  const figures = {
    assets: ASSETS,
    captures,
    captures_per_s: round(captures / elapsed, 1),
    lag_p50_s: round(quantileSorted(lags, 0.5) / 1000),
    lag_p99_s: round(quantileSorted(lags, 0.99) / 1000),
    cpu_ms_per_capture: {
      ingest: cpuMs.ingest,
      extract: cpuMs.extract,
      score: cpuMs.score,
      advice: cpuMs.advice,
      total: cpuMs.total,
    },
    db_bytes_per_asset_day: Math.round(tableGrowth / assetDays),
    // Beyond the line: the context of the figures above.
    workers: WORKERS,
    speedup: SPEEDUP,
    seconds: SECONDS,
    readings_transport: mqttUrl ? 'mqtt' : 'http',
    offered_captures_per_s: round(ASSETS / (INTERVAL_MS / 1000), 1),
    streamed_captures_per_s: round(captures / ((streamed - started) / 1000), 1),
    drained,
    drain_after_stream_s: round((lastScored - streamed) / 1000, 1),
    forecasts: rows.length,
    with_health: rows.filter((r) => r.health_index !== null).length,
    readings,
    errors,
    error_statuses: errorStatuses,
    lag_max_s: round((lags.at(-1) ?? NaN) / 1000),
    cpu_ms_unattributed_per_capture: cpuMs.unattributed,
    cpu_stage_overlap_scale: round(scale, 3),
    cpu_ms_api_per_capture: perCapture(apiCpu),
    cpu_ms_workers_per_capture: perCapture(workerCpu),
    cpu_ms_postgres_per_capture: pgCpu === null ? null : perCapture(pgCpu),
    cpu_ms_client_per_capture: perCapture((clientCpu.user + clientCpu.system) / 1e6),
    cpu_cores_busy: round((apiCpu + workerCpu) / elapsed),
    db_table_bytes_per_asset_day: Object.fromEntries(
      Object.entries(bytesAfter.tables).map(([t, b]) => [
        t,
        Math.round((b - bytesBefore.tables[t]!) / assetDays),
      ]),
    ),
    db_total_bytes_per_asset_day: Math.round((bytesAfter.database - bytesBefore.database) / assetDays),
    redis_peak_bytes: redisPeak,
    redis_peak_keys: redisKeysPeak,
    redis_bytes_per_asset: Math.round(redisPeak / ASSETS),
    load_average_1m: round(os.loadavg()[0]!),
  };
  log(
    `  ${captures} captures (${figures.offered_captures_per_s}/s offered, ${figures.streamed_captures_per_s}/s streamed, ${figures.captures_per_s}/s through to forecasts), ${rows.length} forecasts (${figures.with_health} with a health score), ${errors} errors`,
  );
  log(
    `  lag p50 ${figures.lag_p50_s} s, p99 ${figures.lag_p99_s} s, max ${figures.lag_max_s} s; drained ${figures.drain_after_stream_s} s after the stream`,
  );
  log(
    `  CPU-ms per capture: ingest ${cpuMs.ingest}, extract ${cpuMs.extract}, score ${cpuMs.score}, advice ${cpuMs.advice}, unattributed ${cpuMs.unattributed}; total ${cpuMs.total}` +
      ` (API ${figures.cpu_ms_api_per_capture}, workers ${figures.cpu_ms_workers_per_capture}; PostgreSQL backends ${figures.cpu_ms_postgres_per_capture}, this client ${figures.cpu_ms_client_per_capture})`,
  );
  log(
    `  database: ${figures.db_bytes_per_asset_day} B/asset-day in the partitioned tables (${figures.db_total_bytes_per_asset_day} whole database); Redis peak ${redisPeak} B in ${redisKeysPeak} keys`,
  );
  if (values.json) console.log(JSON.stringify(figures));
} finally {
  await broker?.endAsync().catch(() => {});
  for (const p of procs) await p.stop(15_000);
  redis.disconnect();
  await ctx.close();
  await rm(modelsDir, { recursive: true, force: true });
  // The queue's keys of this run.
  const cleaner = new Redis(redisUrl);
  for (let cursor = '0'; ;) {
    const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await cleaner.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  cleaner.disconnect();
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end();
}
