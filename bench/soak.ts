/**
 * Bounded soak on loopback: the real app on a listening port of 127.0.0.1 (PostgreSQL when
 * DATABASE_URL is set, in a database of its own that is dropped afterwards; else embedded PGlite
 * in a temporary directory), an admin key, four pumps with a vibration and a temperature sensor
 * each, an active health model; then, for a fixed time, a mix of readings and capture ingestion,
 * scoring and CMMS polling with ETags over a fixed number of connections (bench/soak-client.ts,
 * a child process).
 *
 *   npm run soak -- [--seconds 60] [--connections 8] [--max-heap-growth-mb 32] [--max-rss-growth-mb 128]
 *
 * Reports throughput, error rate and p50/p99 latency per kind, and memory: RSS and heapUsed
 * sampled after a forced GC, the mean of the last third of the run against the first third
 * (after a warm-up), and a least-squares slope. Checks that every reading and capture the
 * server acknowledged is in the database. Exits 1 on any error, any loss, or memory growth past
 * the bounds (heapUsed always; RSS too, except that PGlite's page cache grows with the data).
 * Then prints what `GET /metrics` shows (behind a METRICS_TOKEN) and fails if its counters
 * disagree with the client's count or the stored rows (bench/soak-metrics.ts).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { InlineJobQueue } from '../src/jobs/inline-queue.js';
import { initSignal } from '../src/signal/fft.js';
import { KINDS, type ClientPlan, type ClientReport } from './soak-client.js';
import { memoryGrowth, percentile, type MemorySample } from './soak-stats.js';
import { reportMetrics } from './soak-metrics.js';
import { promoteHealthModel } from './soak-model.js';
import { adminQuery, withDatabase } from '../tests/helpers/database.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '8' },
    'max-heap-growth-mb': { type: 'string', default: '32' },
    'max-rss-growth-mb': { type: 'string', default: '128' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const heapBoundMb = Number(values['max-heap-growth-mb']);
const rssBoundMb = Number(values['max-rss-growth-mb']);
const SAMPLE_RATE = 12_000;
const CAPTURE_SAMPLES = 4096;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function main(): Promise<number> {
  await initSignal();
  const base = process.env.DATABASE_URL;
  const metricsToken = randomBytes(16).toString('hex');
  const dbName = `prognos_soak_${randomBytes(3).toString('hex')}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'prognos-soak-'));
  let url: string | undefined;
  if (base) {
    await adminQuery(`create database ${dbName}`);
    url = withDatabase(base, dbName);
  }
  const config = loadConfig({
    ...(url ? { DATABASE_URL: url } : { PROGNOS_DATA_DIR: path.join(tmp, 'data') }),
    LOG_LEVEL: 'warn',
    PROGNOS_AUTH: 'on',
    // The limiter stays on the request path, far above what this load reaches.
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_BURST: '1000000',
    PROGNOS_MODELS_DIR: path.join(tmp, 'models'),
    PROGNOS_SCORING_INTERVAL_MINUTES: '0',
    METRICS_TOKEN: metricsToken,
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  try {
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const key = (await createApiKey(ctx.database.db, 'soak', ['admin'])).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${origin}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: number };
    };
    const assets: ClientPlan['assets'] = [];
    for (let i = 0; i < 4; i++) {
      const asset = await post('/v1/assets', {
        name: `Soak pump ${i}`,
        type: 'pump',
        isoMachineGroup: 2,
        isoFoundation: 'rigid',
        nominalSpeedRpm: 1796,
        bearing: { nBalls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04 },
      });
      const vib = await post(`/v1/assets/${asset.id}/sensors`, {
        name: 'DE',
        kind: 'vibration',
        unit: 'g',
        sampleRateHz: SAMPLE_RATE,
      });
      const temp = await post(`/v1/assets/${asset.id}/sensors`, {
        name: 'T',
        kind: 'temperature',
        unit: '°C',
      });
      assets.push({ id: asset.id, vibration: vib.id, temperature: temp.id });
    }
    await promoteHealthModel(ctx, tmp);
    console.log(
      `soak: ${seconds} s, ${connections} connections, ${ctx.database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, node ${process.version}, ${os.cpus().length} cores`,
    );

    const samples: MemorySample[] = [];
    const t0 = Date.now();
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      samples.push({ tS: (Date.now() - t0) / 1000, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 });
    };
    sample();
    const timer = setInterval(sample, Math.max(1000, (seconds * 1000) / 40));
    const plan: ClientPlan = {
      url: origin,
      key,
      seconds,
      connections,
      assets,
      baseMs: Date.now() - 30 * 86_400_000,
      sampleRateHz: SAMPLE_RATE,
      captureSamples: CAPTURE_SAMPLES,
      readingsPerBatch: 50,
    };
    const client = fork(fileURLToPath(new URL('./soak-client.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
    });
    const report = await new Promise<ClientReport>((resolve, reject) => {
      client.once('message', (m) => resolve(m as ClientReport));
      client.once('exit', (code) => reject(new Error(`load client exited with ${code}`)));
      client.send(plan);
    });
    clearInterval(timer);
    sample();

    // Nothing lost: what the server acknowledged is stored, once the background work is over.
    await ctx.scoring.settled();
    if (ctx.jobs instanceof InlineJobQueue) await ctx.jobs.idle();
    const count = async (table: 'readings' | 'captures') =>
      Number(
        (
          await ctx.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const stored = { readings: await count('readings'), captures: await count('captures') };

    let failed = false;
    let totalRequests = 0;
    let totalErrors = 0;
    console.log(
      `\n${'kind'.padEnd(12)} ${'req/s'.padStart(8)} ${'requests'.padStart(9)} errors  p50 ms  p99 ms`,
    );
    for (const k of KINDS) {
      const r = report[k];
      const lat = r.latenciesMs.sort((a, b) => a - b);
      totalRequests += r.requests;
      totalErrors += r.errors;
      console.log(
        `${k.padEnd(12)} ${(r.requests / report.elapsedS).toFixed(1).padStart(8)} ${String(r.requests).padStart(9)} ${String(r.errors).padStart(6)} ${percentile(lat, 0.5).toFixed(1).padStart(7)} ${percentile(lat, 0.99).toFixed(1).padStart(7)}`,
      );
    }
    const all = KINDS.flatMap((k) => report[k].latenciesMs).sort((a, b) => a - b);
    console.log(
      `${'all'.padEnd(12)} ${(totalRequests / report.elapsedS).toFixed(1).padStart(8)} ${String(totalRequests).padStart(9)} ${String(totalErrors).padStart(6)} ${percentile(all, 0.5).toFixed(1).padStart(7)} ${percentile(all, 0.99).toFixed(1).padStart(7)}`,
    );
    console.log(`error rate ${((100 * totalErrors) / Math.max(1, totalRequests)).toFixed(3)} %`);
    if (totalErrors > 0) {
      failed = true;
      console.log(`errors (first ${report.errorSamples.length}): ${report.errorSamples.join('; ')}`);
    }

    for (const t of ['readings', 'captures'] as const) {
      const ok = stored[t] === report[t].inserted;
      console.log(
        `${t}: ${report[t].inserted} acknowledged, ${stored[t]} stored${ok ? '' : '  LOST OR EXTRA ROWS'}`,
      );
      if (!ok) failed = true;
    }

    const metricProblems = await reportMetrics(origin, metricsToken, {
      stored,
      scoresOk: report.score.requests - report.score.errors,
    });
    for (const p of metricProblems) console.log(`metrics: ${p}`);
    if (metricProblems.length > 0) failed = true;

    const g = memoryGrowth(samples);
    const pglite = ctx.database.kind === 'pglite';
    console.log(
      `memory (after GC, ${samples.length} samples, warm-up ${g.warmupS.toFixed(0)} s excluded): ` +
        `heapUsed ${g.heap.first.toFixed(1)} → ${g.heap.last.toFixed(1)} MB (${fmt(g.heap.growth)} MB, slope ${fmt(g.heap.slopePerMin)} MB/min), ` +
        `RSS ${g.rss.first.toFixed(1)} → ${g.rss.last.toFixed(1)} MB (${fmt(g.rss.growth)} MB, slope ${fmt(g.rss.slopePerMin)} MB/min)`,
    );
    console.log(
      `bounds: heapUsed growth ≤ ${heapBoundMb} MB${pglite ? '' : `, RSS growth ≤ ${rssBoundMb} MB`} (last third against first third)`,
    );
    if (g.heap.growth > heapBoundMb) {
      failed = true;
      console.log('heapUsed grew past its bound');
    }
    if (!pglite && g.rss.growth > rssBoundMb) {
      failed = true;
      console.log('RSS grew past its bound');
    }
    console.log(failed ? 'soak FAILED' : 'soak passed');
    return failed ? 1 : 0;
  } finally {
    await app.close();
    await ctx.close();
    rmSync(tmp, { recursive: true, force: true });
    if (base) await adminQuery(`drop database if exists ${dbName} with (force)`);
  }
}

const fmt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

process.exitCode = await main();
