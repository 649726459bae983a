/**
 * Scalar readings: validated, idempotent, atomic batch ingestion (HTTP, MQTT and OPC UA all come here)
 * and time-ordered reading back.
 */
import type { Kysely } from 'kysely';
import type { DB, Sensor } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { countIngested, inStage, READING_BYTES, type IngestSource } from '../metrics.js';
import { sensorsRepository } from './assets.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { spanOf, type IngestHook } from './ingest-hook.js';
import { ensurePartitionsAt } from './partitions.repository.js';
import { ingestMarksRepository, type IngestSpan } from './ingest-marks.repository.js';
import { countByDay, ingestStatsRepository } from './ingest-stats.repository.js';
import { DEFAULT_BATCH_LIMITS, validateReadings, type BatchLimits } from './ingest-validation.js';
import { rangeFlags } from './quality.js';
import { readingsRepository, type Window } from './readings.repository.js';

export interface IngestResult {
  sensorId: number;
  received: number;
  inserted: number;
  /** Already stored (a retried batch) or repeated within the batch: kept once, first wins. */
  duplicates: number;
}

export interface ReadingDto {
  ts: string;
  value: number;
  qualityFlags: number;
}

/** A time bound of a read query: ISO-8601 or epoch milliseconds. Returns epoch µs. */
export function parseTimeBound(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) {
    throw badRequest('invalid_timestamp', `${field} must be an ISO-8601 timestamp or epoch milliseconds`);
  }
  // Past these the microsecond bound no longer fits the database's timestamp (or bigint).
  if (ms < MIN_BOUND_MS || ms > MAX_BOUND_MS) {
    throw badRequest('invalid_timestamp', `${field} must be within the years 0000 to 9999`);
  }
  return ms * 1000;
}
const MIN_BOUND_MS = Date.parse('0000-01-01T00:00:00Z');
const MAX_BOUND_MS = Date.parse('9999-12-31T23:59:59.999Z');

export function parseWindow(q: { from?: string | undefined; to?: string | undefined }): Window {
  const w = { fromUs: parseTimeBound(q.from, 'from'), toUs: parseTimeBound(q.to, 'to') };
  if (w.fromUs !== undefined && w.toUs !== undefined && w.fromUs >= w.toUs) {
    throw badRequest('invalid_window', 'from must be before to');
  }
  return w;
}

interface PreparedBatch {
  sensorId: number;
  /** Unique timestamps, first wins, with their values and ingest-time flags. */
  rows: { ts: string[]; tsMs: number[]; values: number[]; flags: number[] };
  /** Every reading's timestamp as received, repeats included (ingest statistics count them). */
  allMs: number[];
}

export class ReadingsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number = Date.now,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
    /** The live loop; unset = no marks, no wake-ups (PROGNOS_LIVE_LOOP=off). */
    private readonly hook?: IngestHook,
  ) {}

  async sensor(id: number): Promise<Sensor> {
    const s = await sensorsRepository.get(this.db, id);
    if (!s) throw notFound('sensor', id);
    return s;
  }

  /** Validates the whole batch, then writes it in one transaction, or writes nothing. */
  async ingest(
    sensorId: number,
    raw: unknown,
    field = 'readings',
    source: IngestSource = 'http',
  ): Promise<IngestResult> {
    const [result] = await this.ingestMany([{ sensorId, readings: raw, field }], source);
    return result!;
  }

  /**
   * Several sensors' batches (OPC UA collects a short window of every subscribed node) in one
   * transaction: every batch is validated first, then all are written, or none is.
   */
  async ingestMany(
    batches: ReadonlyArray<{ sensorId: number; readings: unknown; field?: string }>,
    source: IngestSource = 'http',
  ): Promise<IngestResult[]> {
    return inStage('ingest', () => this.ingestManyUntimed(batches, source));
  }

  private async ingestManyUntimed(
    batches: ReadonlyArray<{ sensorId: number; readings: unknown; field?: string }>,
    source: IngestSource,
  ): Promise<IngestResult[]> {
    // One query for every sensor of the window (a sensor split into several batches included).
    const ids = [...new Set(batches.map((b) => b.sensorId))];
    const byId = new Map((await sensorsRepository.getMany(this.db, ids)).map((s) => [s.id, s]));
    const prepared = batches.map((b) => {
      const sensor = byId.get(b.sensorId);
      if (!sensor) throw notFound('sensor', b.sensorId);
      return this.prepare(sensor, b.readings, b.field);
    });
    let marked: number[] = [];
    const inserted = await this.db.transaction().execute(async (trx) => {
      // Once for the window: its batches almost always fall in the same month or two.
      await ensurePartitionsAt(
        trx,
        'readings',
        prepared.flatMap((p) => p.rows.tsMs),
      );
      const out: number[] = [];
      const spans: IngestSpan[] = [];
      for (const p of prepared) {
        const rows = await readingsRepository.insertBatch(trx, p.sensorId, p.rows);
        await ingestStatsRepository.add(trx, p.sensorId, 'readings', countByDay(p.allMs, rows));
        out.push(rows.length);
        // Only new rows wake the loop: a replayed batch changes nothing downstream.
        const span = spanOf(rows);
        if (span) spans.push({ sensorId: p.sensorId, kind: 'readings', ...span });
      }
      // The demo scores its live captures itself (demo/live.ts): its data wakes nothing.
      if (this.hook && source !== 'demo') marked = await ingestMarksRepository.mark(trx, spans);
      return out;
    });
    if (marked.length > 0) this.hook?.stored(marked);
    const total = inserted.reduce((a, b) => a + b, 0);
    countIngested(source, 'readings', total, total * READING_BYTES);
    return prepared.map((p, i) => ({
      sensorId: p.sensorId,
      received: p.allMs.length,
      inserted: inserted[i]!,
      duplicates: p.allMs.length - inserted[i]!,
    }));
  }

  private prepare(sensor: Sensor, raw: unknown, field = 'readings'): PreparedBatch {
    const readings = validateReadings(raw, this.now(), field, this.limits.maxReadingsPerBatch);
    // Repeats inside one batch: keep the first, as the database keeps the first ever stored.
    const seen = new Set<number>();
    const rows = { ts: [] as string[], tsMs: [] as number[], values: [] as number[], flags: [] as number[] };
    for (const r of readings) {
      if (seen.has(r.tsMs)) continue;
      seen.add(r.tsMs);
      rows.tsMs.push(r.tsMs);
      rows.ts.push(new Date(r.tsMs).toISOString());
      rows.values.push(r.value);
      rows.flags.push(rangeFlags(r.value, { rangeMin: sensor.range_min, rangeMax: sensor.range_max }));
    }
    return { sensorId: sensor.id, rows, allMs: readings.map((r) => r.tsMs) };
  }

  async list(
    sensorId: number,
    q: { from?: string; to?: string; limit?: number; cursor?: string },
  ): Promise<{ items: ReadingDto[]; nextCursor: string | null }> {
    await this.sensor(sensorId);
    const limit = q.limit ?? 1000;
    const after = decodeCursor(q.cursor, ['t'] as const);
    const rows = await readingsRepository.page(this.db, sensorId, {
      ...parseWindow(q),
      afterUs: after?.t,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    return {
      items: kept.map((r) => ({
        ts: new Date(Math.floor(Number(r.us) / 1000)).toISOString(),
        value: r.value,
        qualityFlags: r.quality_flags,
      })),
      nextCursor: more ? encodeCursor({ t: Number(kept.at(-1)!.us) }) : null,
    };
  }
}
