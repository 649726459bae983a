// The ingestion methods of bench/ingest.bench.ts, each timed on its own fresh database.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BulkWriter } from '../src/acquisition/importers/bulk-writer.js';
import type { ReadingsMethod } from '../src/acquisition/importers/series-writer.js';
import { withSqlSession } from '../src/db/sql-session.js';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrator.js';
import { withDatabase } from '../tests/helpers/database.js';
import {
  BENCH_BASE_SEC,
  series,
  transactions,
  type BenchSetup,
  type Segment,
  type SensorSeries,
} from './ingest-bench-data.js';
import { runLoad } from './http-load.js';

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

// COPY's binary format: a signature, flags and header-extension length; each row a field count
// and (length, value) per field; a -1 trailer. timestamptz is int64 microseconds since
// 2000-01-01T00:00:00Z (BENCH_BASE_SEC).
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const ROW_BYTES = 2 + 3 * 4 + 3 * 8;

/** One transaction's rows as a binary COPY stream: (sensor_id int8, ts timestamptz, value float8). */
function encodeBinaryCopy(tx: Segment[], data: SensorSeries[], sensorIds: number[]): Buffer {
  const rows = tx.reduce((n, seg) => n + seg.to - seg.from, 0);
  const buf = Buffer.alloc(COPY_SIGNATURE.length + 8 + rows * ROW_BYTES + 2);
  let o = COPY_SIGNATURE.copy(buf, 0);
  o = buf.writeInt32BE(0, o);
  o = buf.writeInt32BE(0, o);
  for (const seg of tx) {
    const { secs, values } = data[seg.sensor]!;
    const id = BigInt(sensorIds[seg.sensor]!);
    for (let i = seg.from; i < seg.to; i++) {
      o = buf.writeInt16BE(3, o);
      o = buf.writeInt32BE(8, o);
      o = buf.writeBigInt64BE(id, o);
      o = buf.writeInt32BE(8, o);
      o = buf.writeBigInt64BE(BigInt(secs[i]! - BENCH_BASE_SEC) * 1_000_000n, o);
      o = buf.writeInt32BE(8, o);
      o = buf.writeDoubleBE(values[i]!, o);
    }
  }
  buf.writeInt16BE(-1, o);
  return buf;
}

/**
 * COPY into readings in binary format, one COPY per transaction, the ceiling of what PostgreSQL
 * takes: the rows are encoded before the clock starts, and the transactions are shared among
 * `connections` clients, the connection count the HTTP run gets. Returns seconds.
 */
export async function benchCopy(setup: BenchSetup, db: BenchDatabase): Promise<number> {
  const data = series(setup);
  const encoded = transactions(setup).map((tx) => encodeBinaryCopy(tx, data, db.sensorIds));
  const clients = await Promise.all(
    Array.from({ length: setup.connections }, async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      return client;
    }),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = next++; i < encoded.length; i = next++) {
        await client.query('begin');
        await pipeline(
          Readable.from([encoded[i]!]),
          client.query(copyFrom('copy readings (sensor_id, ts, value) from stdin (format binary)')),
        );
        await client.query('commit');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
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

/**
 * POST /v1/sensors/:id/readings on a real listener with API keys on (an `ingest` key) and the
 * rate limiter on (limits the load never reaches), on `connections` connections from a child
 * process (bench/http-load.ts). Returns the load's own duration, without the child's start.
 */
export async function benchHttp(setup: BenchSetup, db: BenchDatabase): Promise<number> {
  const data = series(setup);
  const requests: { path: string; body: string }[] = [];
  // Round-robin over the sensors so concurrent requests go to different sensors.
  for (let from = 0; from < setup.rowsPerSensor; from += setup.httpBatch) {
    for (let k = 0; k < setup.sensors; k++) {
      const { secs, values } = data[k]!;
      const readings = [];
      for (let i = from; i < Math.min(setup.rowsPerSensor, from + setup.httpBatch); i++) {
        readings.push({ ts: secs[i]! * 1000, value: values[i]! });
      }
      requests.push({ path: `/v1/sensors/${db.sensorIds[k]}/readings`, body: JSON.stringify({ readings }) });
    }
  }
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    PROGNOS_DATA_DIR: 'memory://',
    DB_POOL_MAX: String(setup.connections + 2),
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_BURST: '10000000',
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  try {
    const key = await createApiKey(ctx.database.db, 'ingest bench', ['ingest']);
    const origin = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    const result = await runLoad({
      origin,
      headers: { 'content-type': 'application/json', 'x-api-key': key.key },
      connections: setup.connections,
      amount: requests.length,
      requests,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`HTTP: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
    }
    return result.durationS;
  } finally {
    await app.close();
    // A teardown failure elsewhere in the app must not lose the figures measured above.
    await ctx
      .close()
      .catch((err: unknown) => console.warn(`  (context close failed: ${(err as Error).message})`));
  }
}
