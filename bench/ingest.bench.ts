/**
 * Ingestion rate into `readings` (PostgreSQL), the same rows four ways, each on a fresh
 * database: binary COPY (pg-copy-streams, `format binary`, rows encoded before the clock
 * starts: the ceiling), the bulk importer's writer (unnest batches, new sensors: what `prognos
 * import` does on a first import), the same writer on sensors that already exist (re-imports and
 * appends: it then asks for per-day inserted counts) and with its COPY-into-staging variant, and
 * the HTTP API (`POST /v1/sensors/:id/readings` on a real listener with API keys on, driven by
 * autocannon in a child process). COPY and HTTP run on the same number of connections
 * (`--connections`); the importer is one session, as `prognos import` is. Rows: `--sensors`
 * sensors at 1 Hz, written in transactions of `--chunk` rows (one "file"). Rounds alternate the
 * methods to spread the noise of a shared machine; the median per method is reported with its
 * ratio to COPY. `--json` ends with one line of the medians.
 *   DATABASE_URL=postgres://... node --import tsx bench/ingest.bench.ts [--rows 300000] [--rounds 3]
 *     [--http-batch 1000] [--connections 4] [--json]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median } from '../src/maths/order-statistics.js';
import { formatRate, type BenchSetup } from './ingest-bench-data.js';
import {
  benchBulk,
  benchCopy,
  benchHttp,
  freshDatabase,
  type BenchDatabase,
} from './ingest-bench-methods.js';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '3' },
    sensors: { type: 'string', default: '10' },
    chunk: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '10000' },
    'http-batch': { type: 'string', default: '1000' },
    connections: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  },
});
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench/ingest.bench.ts needs DATABASE_URL (PostgreSQL): COPY has no PGlite counterpart here');
  process.exit(2);
}

const sensors = Number(flags.sensors);
const setup: BenchSetup = {
  url,
  sensors,
  rowsPerSensor: Math.ceil(Number(flags.rows) / sensors),
  chunk: Number(flags.chunk),
  batch: Number(flags.batch),
  httpBatch: Number(flags['http-batch']),
  connections: Number(flags.connections),
};
const rows = setup.sensors * setup.rowsPerSensor;

const COPY = 'binary COPY (pg-copy-streams)';
const HTTP = 'HTTP API (POST /v1/sensors/:id/readings)';
const METHODS = {
  [COPY]: benchCopy,
  'bulk importer (unnest, new sensors)': (s: BenchSetup, db: BenchDatabase) =>
    benchBulk(s, db, 'unnest', true),
  'bulk importer (unnest, existing sensors)': (s: BenchSetup, db: BenchDatabase) =>
    benchBulk(s, db, 'unnest', false),
  'bulk importer (COPY to staging table)': (s: BenchSetup, db: BenchDatabase) =>
    benchBulk(s, db, 'copy-stage', true),
  [HTTP]: benchHttp,
} as const;

const rates = new Map<string, number[]>();
console.log(
  `ingest bench: ${rows.toLocaleString('en')} readings (${setup.sensors} sensors × ${setup.rowsPerSensor.toLocaleString('en')}),` +
    ` ${flags.rounds} round(s), transactions of ${setup.chunk.toLocaleString('en')} rows, statements of` +
    ` ${setup.batch.toLocaleString('en')}, HTTP batches of ${setup.httpBatch} on ${setup.connections} connections (COPY too);` +
    ` load average ${loadavg()[0]!.toFixed(1)}`,
);
for (let round = 1; round <= Number(flags.rounds); round++) {
  for (const [name, run] of Object.entries(METHODS)) {
    const db = await freshDatabase(url, `${round}`);
    try {
      const seconds = await run(setup, db);
      const stored = await db.count();
      if (stored !== rows) throw new Error(`${name}: ${stored} rows stored, expected ${rows}`);
      const rate = rows / seconds;
      rates.set(name, [...(rates.get(name) ?? []), rate]);
      console.log(`  round ${round}  ${name.padEnd(42)} ${formatRate(rate)}  (${seconds.toFixed(2)} s)`);
    } finally {
      await db.drop();
    }
  }
}

const copy = median(rates.get(COPY)!);
console.log('\nmedian rows/s, and ratio to COPY:');
for (const [name, r] of rates) {
  console.log(`  ${name.padEnd(42)} ${formatRate(median(r))}  ${(median(r) / copy).toFixed(2)}× COPY`);
}
console.log(
  `load average after: ${loadavg()[0]!.toFixed(1)} (2 cores shared: compare ratios, not absolute rates)`,
);
if (flags.json) {
  const http = median(rates.get(HTTP)!);
  console.log(
    JSON.stringify({
      copy_rows_s: Math.round(copy),
      http_rows_s: Math.round(http),
      ratio: Number((http / copy).toFixed(3)),
      rows,
      connections: setup.connections,
    }),
  );
}
process.exit(0);
