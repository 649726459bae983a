/**
 * Throughput of POST /v1/score as production runs it, against a baseline route of the same app
 * that does everything but score. Set-up (bench/score-bench-fleet.ts): a fresh PostgreSQL
 * database, the demo's twin fleet with its health and RUL models plus a failure classifier, all
 * active, cloned to `--assets` machines; API keys on (an `ingest` key), the rate limiter on with
 * limits the load never reaches. Every request scores its own asset in rotation, with that
 * asset's newest stored feature vector: the asset lookup, the three models, the RUL model's read
 * of recent windows and the forecast's group-committed write all run.
 *
 * The baseline, `POST /v1/bench/score-baseline`, is registered by this bench only: same hooks
 * (auth, rate limit, input guard), same body schema and checks (parseScoreBody), and it answers
 * the asset's own forecast from the warm-up through the same response schema: the same bytes on
 * the wire. The difference between the two is the cost of scoring and storing.
 *
 * Checked: the warm-up scores every asset once and fails unless each answer has a health index,
 * a failure probability and a RUL (the models really ran); forecasts are counted after the
 * warm-ups and after the measured run, and the difference must equal the run's 2xx count.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/score-load.bench.ts \
 *     [--seconds 10] [--connections 8] [--assets 200] [--json] [--profile FILE.cpuprofile]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { notFound } from '../src/errors.js';
import { ForecastBody } from '../src/forecasting/forecast-body.js';
import { parseScoreBody, ScoreBody } from '../src/forecasting/forecasting.routes.js';
import { errorResponses } from '../src/http/schemas.js';
import { withDatabase } from '../tests/helpers/database.js';
import { runLoad, type LoadResult } from './http-load.js';
import { prepareBenchFleet } from './score-bench-fleet.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    assets: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the server during the measured score run (not the set-up). */
    profile: { type: 'string' },
  },
});
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('DATABASE_URL is required (the benchmark measures persistence to real PostgreSQL)');
  process.exit(2);
}
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function startProfile() {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      log(`  CPU profile of the score run: ${file}`);
    },
  };
}

async function main() {
  const dbName = `prognos_bench_score_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'prognos-bench-models-'));
  const ctx = await createContext(
    loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: withDatabase(base!, dbName),
      LOG_LEVEL: 'silent',
      PROGNOS_MODELS_DIR: modelsDir,
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
      // The limiter runs on every request, as in production, with limits the load never reaches.
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_BURST: '10000000',
    }),
  );
  try {
    log(`score bench: set-up on ${dbName}`);
    const fleet = await prepareBenchFleet(ctx, Number(values.assets), log);
    const key = await createApiKey(ctx.database.db, 'score bench', ['ingest']);
    const headers = { 'content-type': 'application/json', 'x-api-key': key.key };

    const app = await buildApp(ctx);
    const answers = new Map<number, unknown>();
    app.post(
      '/v1/bench/score-baseline',
      {
        config: { scope: 'ingest' },
        schema: { hide: true, body: ScoreBody, response: { 200: ForecastBody, ...errorResponses } },
      },
      async (req) => {
        const r = parseScoreBody(req.body as Parameters<typeof parseScoreBody>[0]);
        const answer = answers.get(r.assetId);
        if (!answer) throw notFound('asset', r.assetId);
        return answer;
      },
    );
    const origin = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');

    // Warm-up 1: every asset once, checking the three models answered.
    const kinds = { health: 0, failure: 0, rul: 0 };
    for (const id of fleet.assetIds) {
      const res = await fetch(`${origin}/v1/score`, { method: 'POST', headers, body: fleet.bodies.get(id)! });
      if (res.status !== 200) throw new Error(`warm-up of asset ${id}: ${res.status} ${await res.text()}`);
      const f = (await res.json()) as { healthIndex: unknown; failureProbability: unknown; rul: unknown };
      if (f.healthIndex !== null) kinds.health++;
      if (f.failureProbability !== null) kinds.failure++;
      if (f.rul !== null) kinds.rul++;
      answers.set(id, f);
    }
    const n = fleet.assetIds.length;
    const missing = Object.entries(kinds).filter(([, c]) => c < n);
    if (missing.length > 0) {
      throw new Error(
        `models did not answer for every asset: ${missing.map(([k, c]) => `${k} ${c}/${n}`).join(', ')}`,
      );
    }
    const modelsLoaded = Object.keys(kinds).length;

    // Warm-ups run for a time; measured runs send a fixed number of requests (what the warm-up
    // rate gives in `--seconds`), so none is in flight when the run ends and every stored
    // forecast belongs to a counted 2xx.
    const plan = (route: string, run: { seconds: number } | { amount: number }) => ({
      origin,
      headers,
      connections,
      ...run,
      requests: fleet.assetIds.map((id) => ({ path: route, body: fleet.bodies.get(id)! })),
    });
    const amount = (r: LoadResult) => Math.max(connections * 10, Math.round(r.rps * seconds));
    const forecasts = async () =>
      Number(
        (
          await ctx.database.db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // Warm-up 2: a few seconds of load on both routes (JIT, pools), not counted.
    const baselineWarm = await runLoad(plan('/v1/bench/score-baseline', { seconds: 3 }));
    const scoreWarm = await runLoad(plan('/v1/score', { seconds: 3 }));

    const baseline = await runLoad(plan('/v1/bench/score-baseline', { amount: amount(baselineWarm) }));
    const before = await forecasts();
    const profiler = values.profile ? await startProfile() : undefined;
    const score = await runLoad(plan('/v1/score', { amount: amount(scoreWarm) }));
    if (profiler) await profiler.stop(values.profile!);
    await ctx.scoring.settled();
    const stored = (await forecasts()) - before;

    const row = (name: string, r: LoadResult) =>
      `  ${name.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50Ms).padStart(3)} ms   p99 ${String(r.p99Ms).padStart(3)} ms   2xx ${r.ok2xx}   non-2xx ${r.non2xx}   errors ${r.errors}`;
    const ratio = score.rps / baseline.rps;
    log(
      `\nPOST /v1/score, ${n} assets, models ${fleet.models.join(', ')}, API keys on; ${connections} connections, ${seconds} s each; node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    log(row('baseline', baseline));
    log(row('score', score));
    log(
      `  ratio score/baseline ${ratio.toFixed(2)}   forecasts stored ${stored} for ${score.ok2xx} acknowledged`,
    );
    if (stored !== score.ok2xx || score.non2xx + score.errors > 0 || baseline.non2xx + baseline.errors > 0) {
      throw new Error(
        `${stored} forecasts stored for ${score.ok2xx} acknowledged; ${score.non2xx + score.errors} failed score requests, ${baseline.non2xx + baseline.errors} failed baseline requests`,
      );
    }
    await app.close();
    if (values.json) {
      console.log(
        JSON.stringify({
          score_rps: Math.round(score.rps),
          baseline_rps: Math.round(baseline.rps),
          ratio: Number(ratio.toFixed(3)),
          p99_ms: score.p99Ms,
          models_loaded: modelsLoaded,
          assets: n,
        }),
      );
    }
  } finally {
    await ctx.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    await rm(modelsDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
