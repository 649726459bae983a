/**
 * Batched writes of the time series tables (`readings`, `captures`), the fast path of the bulk
 * importers. Readings go as one `INSERT ... SELECT FROM unnest(bigint[], float8[], float8[])
 * ON CONFLICT DO NOTHING` per batch (text array literals: one parameter per column, parsed
 * server side, the same SQL on PostgreSQL and PGlite). Timestamps travel as epoch seconds and
 * become timestamptz through `to_timestamp` (exact to the microsecond, cheaper to parse than
 * ISO text). While the server inserts one batch the next is encoded: at most one statement is
 * in flight, and its error surfaces at the next flush or at `settle()`.
 *
 * `method: 'copy-stage'` (PostgreSQL only) sends readings by COPY into a temporary staging
 * table then `INSERT ... SELECT ... ON CONFLICT DO NOTHING`. bench/ingest.bench.ts measures
 * both: the staging path was never faster beyond the noise (it writes every row twice; the
 * per-row costs, the foreign key check and the primary-key index, are the same), and both reach
 * plain COPY's rate. unnest stays the default: one statement, no temp table, PGlite too.
 *
 * The SQL is in readings.repository.ts, captures.repository.ts and partitions.repository.ts;
 * this module batches, encodes and counts.
 */
import type { SqlSession } from '../../db/sql-session.js';
import { countIngested, READING_BYTES } from '../../metrics.js';
import { insertCaptureRows } from '../captures.repository.js';
import { markIngestSession, type IngestSpan } from '../ingest-marks.repository.js';
import { ensurePartitionsBetween } from '../partitions.repository.js';
import { copyReadings, insertReadingArrays } from '../readings.repository.js';
import { addToGroups, dayOf, groupKey, IngestStats, type BatchGroups } from './ingest-stats.js';
import type { ImportCounts } from './import-counts.js';

export type ReadingsMethod = 'unnest' | 'copy-stage';

const CAPTURE_BATCH_ROWS = 500;
const CAPTURE_BATCH_BYTES = 8 * 1024 * 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface PendingCapture {
  sensorId: number;
  epochSec: number;
  sampleRateHz: number;
  samples: Float32Array;
}

export interface SeriesWriterOptions {
  batchSize: number;
  method: ReadingsMethod;
  onRows: (count: number) => void;
  /** Mark the assets of new rows for the live loop, in the import's transaction. */
  markIngest?: boolean;
}

export class SeriesWriter {
  private readonly ids: Float64Array;
  private readonly secs: Float64Array;
  private readonly values: Float64Array;
  private n = 0;
  private captures: PendingCapture[] = [];
  private captureBytes = 0;
  private inflight: Promise<void> = Promise.resolve();
  private readonly months = new Set<string>();
  readonly stats = new IngestStats();
  /** Readings and captures queued since the transaction began. */
  readonly pending = { readings: 0, captures: 0 };
  /** Data spans of the open transaction's new rows, by sensor and table (the live loop's marks). */
  private readonly spans = new Map<string, IngestSpan>();
  private marked: number[] = [];

  constructor(
    private readonly session: SqlSession,
    private readonly counts: ImportCounts,
    private readonly opts: SeriesWriterOptions,
  ) {
    if (opts.method === 'copy-stage' && !session.copyIn) {
      throw new Error('the copy-stage method needs PostgreSQL (COPY is not available on PGlite)');
    }
    this.ids = new Float64Array(opts.batchSize);
    this.secs = new Float64Array(opts.batchSize);
    this.values = new Float64Array(opts.batchSize);
  }

  /** Queues one sensor's readings (epoch seconds, values), sending full batches as it goes. */
  async addReadings(sensorId: number, epochSec: ArrayLike<number>, values: ArrayLike<number>): Promise<void> {
    if (epochSec.length !== values.length) throw new Error('timestamps and values differ in length');
    this.pending.readings += values.length;
    for (let i = 0; i < values.length; i++) {
      this.ids[this.n] = sensorId;
      this.secs[this.n] = epochSec[i] as number;
      this.values[this.n] = values[i] as number;
      if (++this.n === this.opts.batchSize) await this.flushReadings();
    }
  }

  /** Queues one waveform capture (stored as little-endian float32). */
  async addCapture(sensorId: number, epochSec: number, sampleRateHz: number, samples: Float32Array) {
    this.captures.push({ sensorId, epochSec, sampleRateHz, samples });
    this.pending.captures++;
    this.captureBytes += samples.byteLength;
    if (this.captures.length >= CAPTURE_BATCH_ROWS || this.captureBytes >= CAPTURE_BATCH_BYTES) {
      await this.flushCaptures();
    }
  }

  /** Waits for the statement in flight (and throws its error): other queries may follow. Queued
   * rows stay queued, so batches fill up across assets and files. */
  async idle(): Promise<void> {
    await this.inflight;
  }

  /** Sends everything queued and waits for it: call before commit. */
  async settle(): Promise<void> {
    await this.flushReadings();
    await this.flushCaptures();
    await this.inflight;
    await this.stats.write(this.session);
    if (this.opts.markIngest) this.marked = await markIngestSession(this.session, [...this.spans.values()]);
    this.spans.clear();
  }

  /** The assets the last settled transaction marked (read once, after its commit). */
  takeMarked(): number[] {
    const out = this.marked;
    this.marked = [];
    return out;
  }

  startTransaction(): void {
    this.pending.readings = 0;
    this.pending.captures = 0;
    this.spans.clear();
    this.marked = [];
  }

  private widen(sensorId: number, kind: IngestSpan['kind'], fromMs: number, toMs: number): void {
    if (!this.opts.markIngest) return;
    const key = `${kind}:${sensorId}`;
    const s = this.spans.get(key);
    if (!s) this.spans.set(key, { sensorId, kind, fromMs, toMs });
    else {
      s.fromMs = Math.min(s.fromMs, fromMs);
      s.toMs = Math.max(s.toMs, toMs);
    }
  }

  /** Forgets queued rows and created partitions after a rollback. */
  reset(): void {
    this.n = 0;
    this.captures = [];
    this.captureBytes = 0;
    this.inflight = Promise.resolve();
    this.months.clear();
    this.stats.reset();
    this.spans.clear();
    this.marked = [];
  }

  private async flushReadings(): Promise<void> {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const idArray = this.ids.subarray(0, n);
    const secs = this.secs.subarray(0, n);
    const [from, to] = range(secs);
    const groups = groupsOf(idArray, secs);
    const grouped = !this.stats.claimCollisionFree(idArray, secs);
    const params = [arrayLiteral(idArray), arrayLiteral(secs), arrayLiteral(this.values.subarray(0, n))];
    await this.inflight;
    await this.ensurePartitions('readings', from, to);
    this.send(async () => {
      const insert = this.opts.method === 'copy-stage' ? copyReadings : insertReadingArrays;
      const { rows, inserted } = await insert(this.session, params, grouped);
      const perGroup = grouped
        ? new Map(rows.map((g) => [groupKey(Number(g.sensor_id), g.day), g.n]))
        : inserted === n
          ? 'all'
          : approximate(groups, inserted);
      this.stats.record('readings', groups, perGroup);
      this.counted('readings', n, inserted);
      // A batch of duplicates only (a replayed import) wakes nothing; a partly new one wakes its
      // sensors over the batch's span (re-extracting stored windows is idempotent).
      if (inserted > 0 && this.opts.markIngest) {
        const spans = new Map<number, [number, number]>();
        for (let i = 0; i < n; i++) {
          const id = idArray[i]!;
          const t = secs[i]! * 1000;
          const s = spans.get(id);
          if (!s) spans.set(id, [t, t]);
          else {
            if (t < s[0]) s[0] = t;
            if (t > s[1]) s[1] = t;
          }
        }
        for (const [id, [f, t]] of spans) this.widen(id, 'readings', f, t);
      }
      countIngested('import', 'readings', inserted, inserted * READING_BYTES);
    });
  }

  private async flushCaptures(): Promise<void> {
    const rows = this.captures;
    if (rows.length === 0) return;
    this.captures = [];
    this.captureBytes = 0;
    const encoded = rows.map((c) => ({
      sensorId: c.sensorId,
      epochSec: c.epochSec,
      sampleRateHz: c.sampleRateHz,
      nSamples: c.samples.length,
      samples: float32Le(c.samples),
    }));
    const [from, to] = range(rows.map((r) => r.epochSec));
    const groups: BatchGroups = new Map();
    for (const c of rows) addToGroups(groups, c.sensorId, dayOf(c.epochSec));
    await this.inflight;
    await this.ensurePartitions('captures', from, to);
    this.send(async () => {
      // Few rows a batch: returning them is cheap, and gives exact per-day counts.
      const inserted = await insertCaptureRows(this.session, encoded);
      const perGroup = new Map<string, number>();
      for (const row of inserted) {
        const key = groupKey(Number(row.sensor_id), dayOf(Number(row.ts)));
        perGroup.set(key, (perGroup.get(key) ?? 0) + 1);
      }
      this.stats.record('captures', groups, perGroup);
      const byKey = new Map(rows.map((c) => [`${c.sensorId}:${c.epochSec}`, c]));
      for (const row of inserted) {
        const c = byKey.get(`${Number(row.sensor_id)}:${Number(row.ts)}`);
        const fromMs = Number(row.ts) * 1000;
        const durationMs = c ? (c.samples.length / c.sampleRateHz) * 1000 : 0;
        this.widen(Number(row.sensor_id), 'captures', fromMs, fromMs + durationMs);
      }
      this.counted('captures', rows.length, inserted.length);
      // Duplicates skipped are not returned: the bytes are those of the rows stored (float32).
      const samples = inserted.reduce((sum, row) => sum + row.n_samples, 0);
      countIngested('import', 'captures', inserted.length, samples * 4);
    });
  }

  private send(work: () => Promise<void>): void {
    const p = work();
    p.catch(() => {}); // handled where `inflight` is awaited
    this.inflight = p;
  }

  private counted(table: 'readings' | 'captures', sent: number, inserted: number): void {
    this.counts[table] += inserted;
    this.counts.duplicates += sent - inserted;
    this.opts.onRows(sent);
  }

  /** Creates the monthly partitions covering [from, to] once per import (epoch seconds). */
  private async ensurePartitions(table: 'readings' | 'captures', from: number, to: number): Promise<void> {
    const missing = monthsBetween(from, to).some((m) => !this.months.has(`${table}:${m}`));
    if (!missing) return;
    await ensurePartitionsBetween(this.session, table, from, to);
    for (const m of monthsBetween(from, to)) this.months.add(`${table}:${m}`);
  }
}

/** Rows per (sensor, UTC day), counting runs: rows come sorted by sensor and time. */
function groupsOf(ids: Float64Array, secs: Float64Array): BatchGroups {
  const groups: BatchGroups = new Map();
  let sensor = ids[0]!;
  let day = dayOf(secs[0]!);
  let run = 0;
  for (let i = 0; i < ids.length; i++) {
    const d = dayOf(secs[i]!);
    if (ids[i] !== sensor || d !== day) {
      addToGroups(groups, sensor, day, run);
      sensor = ids[i]!;
      day = d;
      run = 0;
    }
    run++;
  }
  addToGroups(groups, sensor, day, run);
  return groups;
}

function range(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function monthsBetween(fromSec: number, toSec: number): string[] {
  const a = new Date(fromSec * 1000);
  const b = new Date(toSec * 1000);
  const out: string[] = [];
  for (
    let y = a.getUTCFullYear(), m = a.getUTCMonth();
    y * 12 + m <= b.getUTCFullYear() * 12 + b.getUTCMonth();
  ) {
    out.push(`${y}-${m + 1}`);
    if (++m === 12) [y, m] = [y + 1, 0];
  }
  return out;
}

/** `{1,2,3}`: numbers print as the shortest text that parses back to the same double. */
function arrayLiteral(values: Float64Array): string {
  return `{${values.join(',')}}`;
}

/**
 * Inserted rows of a batch that could not collide but lost some anyway (only a concurrent
 * import of the same new sensor could do that): spread over its groups in order.
 */
function approximate(groups: BatchGroups, inserted: number): Map<string, number> {
  const out = new Map<string, number>();
  let left = inserted;
  for (const [key, g] of groups) {
    const take = Math.min(left, g.rows);
    out.set(key, take);
    left -= take;
  }
  return out;
}

/** The bytes of `samples` as little-endian float32, without a copy on little-endian hosts. */
export function float32Le(samples: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.alloc(samples.length * 4);
  samples.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}
