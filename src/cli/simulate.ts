import type { Writable } from 'node:stream';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { float32Le } from '../acquisition/importers/series-writer.js';
import {
  createFleet,
  exportToDatabase,
  exportToFiles,
  generateMachine,
  streamLive,
  summarize,
  TwinConflictError,
  type FleetConfig,
} from '../twin/index.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE =
  'prognos simulate --machines N --days D --seed S [--sample-rate HZ] [--capture-seconds S]' +
  ' [--capture-every MIN] [--reading-every MIN] [--start ISO] (--out DIR | --db [--prefix P] | --live [--speedup X])';

export interface SimulateArgs {
  fleet: FleetConfig;
  target:
    | { kind: 'files'; dir: string }
    | { kind: 'db'; prefix: string | undefined }
    | { kind: 'live'; speedup: number };
}

export interface SimulateIo {
  stdout: Writable;
  stderr: Writable;
  signal?: AbortSignal;
}

/**
 * `prognos simulate`: a seeded digital-twin fleet (pumps, motors, fans running to failure) into
 * a folder, the database, or, with --live, NDJSON events on stdout paced at --speedup × real
 * time. Progress on stderr; one JSON summary line last on stdout.
 */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Generate a simulated fleet run to failure (vibration, temperature, ground truth)',
  usage: USAGE,
  async run(args) {
    // Ctrl-C ends a live stream cleanly: the summary line is still written.
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    try {
      return await runSimulate(args, { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

export function parseSimulateArgs(args: string[], now = new Date()): SimulateArgs {
  const { values } = parseFlags({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      machines: { type: 'string', default: '20' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      'sample-rate': { type: 'string', default: '12800' },
      'capture-seconds': { type: 'string', default: '1' },
      'capture-every': { type: 'string', default: '360' },
      'reading-every': { type: 'string', default: '10' },
      start: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'boolean', default: false },
      prefix: { type: 'string' },
      live: { type: 'boolean', default: false },
      speedup: { type: 'string', default: '1' },
    },
  });
  const num = (name: keyof typeof values, ok: (n: number) => boolean, what: string): number => {
    const raw = values[name] as string;
    const n = Number(raw);
    if (!ok(n)) throw new UsageError(`--${name} must be ${what}, got "${raw}"`);
    return n;
  };
  const machines = num(
    'machines',
    (n) => Number.isInteger(n) && n >= 1 && n <= 1000,
    'an integer from 1 to 1000',
  );
  const days = num('days', (n) => n > 0 && n <= 3650, 'a number of days in (0, 3650]');
  const seed = num('seed', (n) => Number.isSafeInteger(n), 'an integer');
  const sampleRateHz = num('sample-rate', (n) => n >= 1000 && n <= 200_000, 'a rate from 1000 to 200000 Hz');
  const captureSeconds = num('capture-seconds', (n) => n > 0 && n <= 10, 'a number of seconds in (0, 10]');
  const captureEveryMin = num('capture-every', (n) => n > 0, 'a number of minutes > 0');
  const readingEveryMin = num('reading-every', (n) => n > 0, 'a number of minutes > 0');
  const targets = [values.out !== undefined, values.db, values.live].filter(Boolean).length;
  if (targets !== 1) throw new UsageError('give exactly one of --out DIR, --db, --live');
  // No "/": refs are `<prefix>.<machine>`, which the API and MQTT topics must accept.
  if (values.prefix !== undefined && !/^[\w.-]+$/.test(values.prefix)) {
    throw new UsageError(`--prefix must be letters, digits, . _ and -, got "${values.prefix}"`);
  }
  // Live data is stamped from now unless told otherwise; stored data from a fixed date, so a
  // seed always gives the same bytes.
  let start = values.start;
  if (start === undefined && values.live)
    start = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  if (start !== undefined) {
    const ms = Date.parse(start);
    if (!Number.isFinite(ms)) throw new UsageError(`--start must be an ISO 8601 date, got "${start}"`);
    start = new Date(ms).toISOString();
  }
  let fleet;
  try {
    fleet = createFleet({
      machines,
      days,
      seed,
      sampleRateHz,
      captureSeconds,
      captureEveryMin,
      readingEveryMin,
      start,
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  const target: SimulateArgs['target'] =
    values.out !== undefined
      ? { kind: 'files', dir: values.out }
      : values.db
        ? { kind: 'db', prefix: values.prefix }
        : { kind: 'live', speedup: num('speedup', (n) => n > 0, 'a number > 0 (Infinity for no pacing)') };
  return { fleet, target };
}

export async function runSimulate(args: string[], io: SimulateIo): Promise<number> {
  const { fleet, target } = parseSimulateArgs(args);
  const started = performance.now();
  const progress = (done: number, total: number, id: string) =>
    io.stderr.write(
      `simulate: machine ${done}/${total} ${id} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  const base = {
    target: target.kind,
    seed: fleet.seed,
    machines: fleet.machines.length,
    days: fleet.days,
    sample_rate_hz: fleet.sampleRateHz,
  };
  let result: Record<string, unknown>;
  if (target.kind === 'files') {
    const summary = await exportToFiles(fleet, target.dir, { onMachine: progress });
    result = { ...base, out: target.dir, ...summary };
  } else if (target.kind === 'db') {
    const config = loadConfig();
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
    try {
      await migrate(database.db);
      const stored = await exportToDatabase(database, fleet, { prefix: target.prefix, onMachine: progress });
      const summary = summarize(fleet.machines.map((_, i) => generateMachine(fleet, i)));
      result = { ...base, ...summary, stored };
    } catch (err) {
      if (!(err instanceof TwinConflictError)) throw err;
      io.stderr.write(`prognos simulate: ${err.message}\n`);
      return 1;
    } finally {
      await database.close();
    }
  } else {
    io.stderr.write(`simulate: streaming from ${fleet.start} at ${target.speedup}× real time\n`);
    const write = (line: object) =>
      new Promise<void>((resolve) =>
        io.stdout.write(`${JSON.stringify(line)}\n`) ? resolve() : io.stdout.once('drain', resolve),
      );
    const live = await streamLive({
      fleet,
      speedup: target.speedup,
      signal: io.signal,
      onReading: (r) =>
        write({
          type: 'reading',
          machine: r.machineId,
          sensor: r.sensor,
          ts: r.ts,
          value: r.value,
          truth: r.truth,
        }),
      onCapture: (c) =>
        write({
          type: 'capture',
          machine: c.machineId,
          sensor: c.sensor,
          ts: c.ts,
          sample_rate_hz: c.sampleRateHz,
          n_samples: c.samples.length,
          samples_f32le_base64: float32Le(c.samples).toString('base64'),
          truth: c.truth,
        }),
      onFailure: (f) =>
        write({ type: 'failure', machine: f.machineId, ts: f.ts, mode: f.mode, iso14224: f.iso14224 }),
    });
    const speedup = Number.isFinite(target.speedup) ? target.speedup : 'Infinity';
    result = { ...base, start: fleet.start, speedup, ...live };
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`${JSON.stringify({ ...result, seconds: Number(seconds.toFixed(3)) })}\n`);
  return 0;
}
