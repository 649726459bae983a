/**
 * Capture-to-forecast lag of the live loop (src/forecasting/live-loop.ts): a simulated fleet of
 * `--assets` pumps streams vibration captures over the HTTP API, sped up (one capture per asset
 * every `--interval-ms`, asset clocks offset at random), with no extraction or scoring call; the
 * loop turns each into feature rows and forecasts (an active health model, bearing diagnosis).
 * Reported: the forecasts' lag (scored_at − the capture's storage time, from the database)
 * p50/p99/max, and forecasts per second. Embedded (PGlite, in-process jobs) by default; with
 * DATABASE_URL on a fresh PostgreSQL database of its own, and with REDIS_URL through BullMQ with
 * workers in this process.
 *
 *   npm run bench -- live-loop [--assets 100] [--captures 4] [--interval-ms 5000]
 *   DATABASE_URL=postgres://... REDIS_URL=redis://... npm run bench -- live-loop --assets 1000
 */
import { quantileSorted } from '../src/maths/order-statistics.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { startWorkers, type WorkerPool } from '../src/jobs/bullmq-workers.js';
import { createRng } from '../src/maths/random.js';
import { withDatabase } from '../tests/helpers/database.js';
import { capture, createPump, fleetHealthModel, loopForecasts, RATE, type PostJson } from './fleet-sim.js';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '100' },
    captures: { type: 'string', default: '4' },
    'interval-ms': { type: 'string', default: '5000' },
    'debounce-ms': { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});
const ASSETS = Number(values.assets);
const CAPTURES = Number(values.captures);
const INTERVAL_MS = Number(values['interval-ms']);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const base = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const dbName = `prognos_bench_loop_${randomBytes(3).toString('hex')}`;
  let admin: pg.Client | undefined;
  if (base) {
    admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
  }
  const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'prognos-bench-models-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PROGNOS_DATA_DIR: 'memory://',
    PROGNOS_MODELS_DIR: modelsDir,
    PROGNOS_AUTH: 'off',
    PROGNOS_SCORING_INTERVAL_MINUTES: '0',
    PROGNOS_LIVE_LOOP: 'on',
    PROGNOS_LOOP_DEBOUNCE_MS: String(values['debounce-ms']),
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_BURST: '10000000',
    QUEUE_PREFIX: `prognos-bench-${randomBytes(3).toString('hex')}`,
    ...(base ? { DATABASE_URL: withDatabase(base, dbName), DB_POOL_MAX: '20' } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const ctx = await createContext(config);
  let pool: WorkerPool | undefined;
  const mode = `${base ? 'PostgreSQL' : 'embedded PGlite'} + ${redisUrl ? 'BullMQ' : 'in-process jobs'}`;
  try {
    if (redisUrl)
      pool = await startWorkers({
        handlers: ctx.jobHandlers,
        redisUrl,
        prefix: config.queuePrefix,
        logger: ctx.logger,
        concurrency: { scoring: 8 },
      });
    const app = await buildApp(ctx);
    log(`live-loop bench (${mode}): ${ASSETS} assets, ${CAPTURES} captures each every ${INTERVAL_MS} ms`);
    await fleetHealthModel(ctx, 'bench-loop-health');
    const post: PostJson = async (url, payload) => {
      const res = await app.inject({ method: 'POST', url, payload: payload as object });
      return { statusCode: res.statusCode, body: res.body };
    };
    const sensors: number[] = [];
    for (let a = 0; a < ASSETS; a++) sensors.push((await createPump(post, a + 1)).vibration);

    const rng = createRng(3);
    const t0 = Date.parse('2026-06-01T00:00:00Z');
    const started = Date.now();
    let errors = 0;
    // Each asset on its own clock: the first capture at a random offset within the interval.
    await Promise.all(
      sensors.map(async (sensorId, a) => {
        await new Promise((r) => setTimeout(r, rng() * INTERVAL_MS));
        for (let k = 0; k < CAPTURES; k++) {
          const samples = capture(a * 1000 + k, k / CAPTURES);
          const body = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
          const res = await app.inject({
            method: 'POST',
            url: `/v1/sensors/${sensorId}/captures`,
            query: { ts: new Date(t0 + k * 600_000).toISOString(), sampleRateHz: String(RATE) },
            headers: { 'content-type': 'application/octet-stream' },
            payload: body,
          });
          if (res.statusCode !== 201) errors++;
          if (k < CAPTURES - 1) await new Promise((r) => setTimeout(r, INTERVAL_MS));
        }
      }),
    );
    const streamed = Date.now();
    const expected = ASSETS * CAPTURES * 2;
    const db = ctx.database.db;
    for (;;) {
      const n = Number(
        (
          await db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('input_key', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
      if (n >= expected) break;
      if (Date.now() - streamed > 600_000) throw new Error(`only ${n} of ${expected} forecasts after 10 min`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows, lags, lastScored } = await loopForecasts(db);
    const figures = {
      assets: ASSETS,
      captures: ASSETS * CAPTURES,
      forecasts: rows.length,
      with_health: rows.filter((r) => r.health_index !== null).length,
      errors,
      debounce_ms: Number(values['debounce-ms']),
      lag_p50_s: Number((quantileSorted(lags, 0.5) / 1000).toFixed(2)),
      lag_p99_s: Number((quantileSorted(lags, 0.99) / 1000).toFixed(2)),
      lag_max_s: Number((lags.at(-1)! / 1000).toFixed(2)),
      forecasts_per_s: Number((rows.length / ((lastScored - started) / 1000)).toFixed(1)),
      drain_after_stream_s: Number(((lastScored - streamed) / 1000).toFixed(2)),
    };
    log(
      `  ${figures.forecasts} forecasts (${figures.with_health} with a health score) from ${figures.captures} captures, ${errors} errors`,
    );
    log(
      `  lag p50 ${figures.lag_p50_s} s, p99 ${figures.lag_p99_s} s, max ${figures.lag_max_s} s; ${figures.forecasts_per_s} forecasts/s`,
    );
    if (values.json) console.log(JSON.stringify({ mode, ...figures }));
    await app.close();
  } finally {
    await pool?.close();
    await ctx.close();
    await rm(modelsDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await admin.end();
    }
  }
}

await main();
