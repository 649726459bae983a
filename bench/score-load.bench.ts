/**
 * Load benchmark of POST /v1/score on loopback, forecasts persisted to real PostgreSQL, against
 * a bare Fastify echo route in the same run, with the same load generator (autocannon, in a
 * child process so it does not share the server's event loop) and the same request bodies.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/score-load.bench.ts [--seconds 10] [--connections 32]
 *
 * Prints req/s, p50/p99 latency and the ratio score/echo for two payloads: a feature vector
 * (what a scheduled scorer or an edge gateway sends) and a raw 4096-sample capture.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { initSignal } from '../src/signal/fft.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } },
});
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('DATABASE_URL is required (the benchmark measures persistence to real PostgreSQL)');
  process.exit(2);
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

// Asynchronous on purpose: the servers under test run on this process's event loop.
async function cannon(url: string, body: string): Promise<Result> {
  const file = path.join(os.tmpdir(), `prognos-bench-${process.pid}.json`);
  writeFileSync(file, body);
  const { stdout: out } = await promisify(execFile)(
    process.execPath,
    [
      path.resolve('node_modules/autocannon/autocannon.js'),
      '-j',
      '-d',
      values.seconds!,
      '-c',
      values.connections!,
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-i',
      file,
      url,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

async function main() {
  await initSignal();
  const dbName = `prognos_bench_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(base!);
  url.pathname = `/${dbName}`;
  const ctx = await createContext(
    loadConfig({
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'silent',
      PROGNOS_AUTH: 'off',
      PROGNOS_MODELS_DIR: os.tmpdir(),
    }),
  );
  try {
    const asset = await ctx.database.db
      .insertInto('assets')
      .values({
        name: 'bench pump',
        type: 'pump',
        iso_machine_group: 2,
        iso_foundation: 'rigid',
        nominal_speed_rpm: 1800,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const app = await buildApp(ctx);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const scoreUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/score`;
    const echo = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
    echo.post('/echo', async (req) => req.body);
    await echo.listen({ host: '127.0.0.1', port: 0 });
    const echoUrl = `http://127.0.0.1:${(echo.server.address() as { port: number }).port}/echo`;

    const samples = Array.from({ length: 4096 }, (_, i) => Math.round(Math.sin(i / 7) * 1e4) / 1e4);
    const payloads = {
      'feature vector': JSON.stringify({
        assetId: asset.id,
        featureSet: 'prognos-vibration',
        features: {
          rms: 0.3,
          peak: 1.2,
          kurtosis: 3.4,
          crest_factor: 4,
          velocity_rms_mm_s: 2.2,
          env_bpfo: 0.01,
        },
      }),
      'capture, 4096 samples': JSON.stringify({
        assetId: asset.id,
        featureSet: 'prognos-vibration',
        capture: { ts: '2026-01-01T00:00:00Z', sampleRateHz: 12000, samples },
      }),
    };
    console.log(
      `loopback, ${values.connections} connections, ${values.seconds} s each, node ${process.version}, ${os.cpus().length} cores`,
    );
    for (const [name, body] of Object.entries(payloads)) {
      const before = Number(
        (
          await ctx.database.db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      await cannon(echoUrl, body); // warm-up of both paths (JIT, pools)
      await cannon(scoreUrl, body);
      const e = await cannon(echoUrl, body);
      const s = await cannon(scoreUrl, body);
      const after = Number(
        (
          await ctx.database.db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      console.log(`\n${name} (${(body.length / 1024).toFixed(1)} kB body)`);
      console.log(
        `  echo   ${e.rps.toFixed(0).padStart(7)} req/s   p50 ${e.p50} ms   p99 ${e.p99} ms   errors ${e.errors + e.non2xx}`,
      );
      console.log(
        `  score  ${s.rps.toFixed(0).padStart(7)} req/s   p50 ${s.p50} ms   p99 ${s.p99} ms   errors ${s.errors + s.non2xx}`,
      );
      console.log(
        `  ratio score/echo ${(s.rps / e.rps).toFixed(2)}   forecasts stored in this run: ${after - before}`,
      );
    }
    await echo.close();
    await app.close();
  } finally {
    await ctx.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();
