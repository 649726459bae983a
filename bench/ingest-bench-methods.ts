// The ingestion methods of bench/ingest.bench.ts, each timed on its own fresh database.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BulkWriter } from '../src/acquisition/importers/bulk-writer.js';
import type { ReadingsMethod } from '../src/acquisition/importers/series-writer.js';
import { withSqlSession } from '../src/db/sql-session.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrator.js';
import { withDatabase } from '../tests/helpers/database.js';
import { BENCH_BASE_SEC, series, transactions, type BenchSetup } from './ingest-bench-data.js';

export interface BenchDatabase {
  url: string;
  /** Sensors created before the run, in order. */
  sensorIds: number[];
  count(): Promise<number>;
  drop(): Promise<void>;
}

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A migrated database with one asset, `sensors` sensors and the readings partitions made. */
export async function freshDatabase(url: string, tag: string): Promise<BenchDatabase> {
  const name = `prognos_bench_${process.pid}_${tag}_${randomBytes(3).toString('hex')}`;
  await admin(url, `create database ${name}`);
  const dbUrl = withDatabase(url, name);
  const database = await openDatabase({ url: dbUrl, poolMax: 2 });
  await migrate(database.db);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const asset = await client.query(`insert into assets (name, type) values ('bench', 'bench') returning id`);
  const sensors = await client.query(
    `insert into sensors (asset_id, name, kind, unit) select $1, 's' || g, 'temperature', '°C'
     from generate_series(1, 64) g returning id`,
    [asset.rows[0].id],
  );
  await client.query(
    `select prognos_ensure_partitions('readings', to_timestamp($1), to_timestamp($1 + 86400 * 60))`,
    [BENCH_BASE_SEC],
  );
  await client.end();
  await database.close();
  return {
    url: dbUrl,
    sensorIds: sensors.rows.map((r: { id: string }) => Number(r.id)),
    async count() {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      const r = await c.query('select count(*)::int as n from readings');
      await c.end();
      return r.rows[0].n as number;
    },
    drop: () => admin(url, `drop database if exists ${name} with (force)`),
  };
}

/** Plain COPY into readings, text format, one COPY per transaction. Returns seconds. */
export async function benchCopy(setup: BenchSetup, db: BenchDatabase): Promise<number> {
  const data = series(setup);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const started = performance.now();
  for (const tx of transactions(setup)) {
    await client.query('begin');
    const text = function* () {
      for (const seg of tx) {
        const { secs, values } = data[seg.sensor]!;
        const id = db.sensorIds[seg.sensor]!;
        for (let from = seg.from; from < seg.to; from += 10_000) {
          let out = '';
          for (let i = from; i < Math.min(seg.to, from + 10_000); i++) {
            out += `${id}\t${new Date(secs[i]! * 1000).toISOString()}\t${values[i]}\n`;
          }
          yield out;
        }
      }
    };
    await pipeline(
      Readable.from(text()),
      client.query(copyFrom('copy readings (sensor_id, ts, value) from stdin')),
    );
    await client.query('commit');
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return seconds;
}

/** The importers' BulkWriter: a transaction per chunk, `addReadings` per sensor run. */
export async function benchBulk(
  setup: BenchSetup,
  db: BenchDatabase,
  method: ReadingsMethod,
  newSensors: boolean,
): Promise<number> {
  const data = series(setup);
  const database = await openDatabase({ url: db.url, poolMax: 1 });
  try {
    return await withSqlSession(database, async (session) => {
      const writer = new BulkWriter(session, { batchSize: setup.batch, method });
      const started = performance.now();
      let ids = db.sensorIds;
      if (newSensors) {
        // Created by the writer, as an import creates them: nothing to collide with.
        const assetId = (await session.query<{ id: number }>('select min(id) as id from assets')).rows[0]!.id;
        const specs = data.map((_, k) => ({ name: `new-${k}`, kind: 'temperature' as const, unit: '°C' }));
        const byName = await writer.transaction(() => writer.ensureSensors(Number(assetId), specs));
        ids = specs.map((s) => byName.get(s.name)!);
      }
      for (const tx of transactions(setup)) {
        await writer.transaction(async () => {
          for (const seg of tx) {
            const { secs, values } = data[seg.sensor]!;
            await writer.series.addReadings(
              ids[seg.sensor]!,
              secs.subarray(seg.from, seg.to),
              values.subarray(seg.from, seg.to),
            );
          }
        });
      }
      return (performance.now() - started) / 1000;
    });
  } finally {
    await database.close();
  }
}

/** POST /v1/sensors/:id/readings on a real listener, autocannon in this process. */
export async function benchHttp(setup: BenchSetup, db: BenchDatabase): Promise<number> {
  const data = series(setup);
  const bodies: { path: string; body: string }[] = [];
  // Round-robin over the sensors so concurrent requests go to different sensors.
  for (let from = 0; from < setup.rowsPerSensor; from += setup.httpBatch) {
    for (let k = 0; k < setup.sensors; k++) {
      const { secs, values } = data[k]!;
      const readings = [];
      for (let i = from; i < Math.min(setup.rowsPerSensor, from + setup.httpBatch); i++) {
        readings.push({ ts: secs[i]! * 1000, value: values[i]! });
      }
      bodies.push({ path: `/v1/sensors/${db.sensorIds[k]}/readings`, body: JSON.stringify({ readings }) });
    }
  }
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    PROGNOS_AUTH: 'off',
    PROGNOS_DATA_DIR: 'memory://',
    DB_POOL_MAX: String(setup.connections + 2),
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    let next = 0;
    const started = performance.now();
    const result = await autocannon({
      url: address,
      connections: setup.connections,
      amount: bodies.length,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const b = bodies[next++ % bodies.length]!;
            return { ...req, path: b.path, body: b.body, headers: { 'content-type': 'application/json' } };
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`HTTP: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
    }
    return seconds;
  } finally {
    await app.close();
    // A teardown failure elsewhere in the app must not lose the figures measured above.
    await ctx
      .close()
      .catch((err: unknown) => console.warn(`  (context close failed: ${(err as Error).message})`));
  }
}
