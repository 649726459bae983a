/**
 * Vibration waveform captures: validated, idempotent ingestion (JSON samples or raw
 * little-endian float32), listing and reading back.
 */
import type { Kysely } from 'kysely';
import type { DB, Sensor } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { countIngested, inStage, type IngestSource } from '../metrics.js';
import { sensorsRepository } from './assets.repository.js';
import { capturesRepository, type CaptureMeta, type CaptureRow } from './captures.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { IngestHook } from './ingest-hook.js';
import { ensurePartitionsAt } from './partitions.repository.js';
import { ingestMarksRepository } from './ingest-marks.repository.js';
import { countByDay, ingestStatsRepository } from './ingest-stats.repository.js';
import {
  DEFAULT_BATCH_LIMITS,
  type BatchLimits,
  parseSampleRate,
  parseTimestamp,
  samplesFromBytes,
  samplesFromJson,
  samplesToBytes,
} from './ingest-validation.js';
import { captureFlags } from './quality.js';

import { parseTimeBound, parseWindow } from './readings.service.js';

export interface CaptureMetaDto {
  id: number;
  sensorId: number;
  ts: string;
  sampleRateHz: number;
  nSamples: number;
  qualityFlags: number;
}

interface CaptureIngestResult extends CaptureMetaDto {
  inserted: number;
  duplicates: number;
}

const RATE_TOLERANCE = 1e-6;

export const toCaptureMeta = (r: CaptureMeta): CaptureMetaDto => ({
  id: r.id,
  sensorId: r.sensor_id,
  ts: new Date(Math.floor(Number(r.us) / 1000)).toISOString(),
  sampleRateHz: r.sample_rate_hz,
  nSamples: r.n_samples,
  qualityFlags: r.quality_flags,
});

/** Stored bytes → samples. pg gives a Buffer, PGlite a Uint8Array; either may be unaligned. */
export function decodeSamples(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export class CapturesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number = Date.now,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
    /** The live loop; unset = no marks, no wake-ups (PROGNOS_LIVE_LOOP=off). */
    private readonly hook?: IngestHook,
  ) {}

  private async vibrationSensor(id: number): Promise<Sensor> {
    const s = await sensorsRepository.get(this.db, id);
    if (!s) throw notFound('sensor', id);
    if (s.kind !== 'vibration') {
      throw new AppError(
        'sensor_kind_mismatch',
        409,
        `sensor ${id} is a ${s.kind} sensor; waveform captures go to vibration sensors (send readings instead)`,
      );
    }
    return s;
  }

  private rate(sensor: Sensor, raw: unknown): number {
    if (raw === undefined || raw === null || raw === '') {
      if (sensor.sample_rate_hz === null) {
        throw badRequest(
          'invalid_sample_rate',
          `sampleRateHz is required: sensor ${sensor.id} has no configured rate`,
        );
      }
      return sensor.sample_rate_hz;
    }
    const rate = parseSampleRate(raw, 'sampleRateHz');
    const expected = sensor.sample_rate_hz;
    if (expected !== null && Math.abs(rate - expected) > RATE_TOLERANCE * expected) {
      throw new AppError(
        'sample_rate_mismatch',
        409,
        `sampleRateHz ${rate} does not match the ${expected} Hz configured on sensor ${sensor.id}`,
      );
    }
    return rate;
  }

  /** JSON body: `{ ts, sampleRateHz?, samples: number[] }`. */
  async ingestJson(
    sensorId: number,
    body: { ts: unknown; sampleRateHz?: unknown; samples: unknown },
    source: IngestSource = 'http',
  ) {
    return inStage('ingest', async () => {
      const sensor = await this.vibrationSensor(sensorId);
      const tsMs = parseTimestamp(body.ts, 'ts', this.now());
      const rate = this.rate(sensor, body.sampleRateHz);
      return this.store(
        sensor,
        tsMs,
        rate,
        samplesFromJson(body.samples, 'samples', this.limits.maxCaptureSamples),
        source,
      );
    });
  }

  /** Binary body: little-endian float32 samples; ts and rate from the query or headers. */
  async ingestBinary(sensorId: number, bytes: Uint8Array, ts: unknown, sampleRateHz: unknown) {
    return inStage('ingest', () => this.ingestBinaryUntimed(sensorId, bytes, ts, sampleRateHz));
  }

  private async ingestBinaryUntimed(sensorId: number, bytes: Uint8Array, ts: unknown, sampleRateHz: unknown) {
    const sensor = await this.vibrationSensor(sensorId);
    if (ts === undefined)
      throw badRequest('invalid_timestamp', 'ts is required (query ?ts= or header x-capture-ts)');
    const tsMs = parseTimestamp(
      typeof ts === 'string' && /^\d+$/.test(ts) ? Number(ts) : ts,
      'ts',
      this.now(),
    );
    const rate = this.rate(sensor, sampleRateHz);
    return this.store(
      sensor,
      tsMs,
      rate,
      samplesFromBytes(bytes, 'body', this.limits.maxCaptureSamples),
      'http',
    );
  }

  private async store(
    sensor: Sensor,
    tsMs: number,
    rate: number,
    samples: Float32Array,
    source: IngestSource,
  ) {
    const flags = captureFlags(samples, { rangeMin: sensor.range_min, rangeMax: sensor.range_max });
    const ts = new Date(tsMs);
    const durationMs = (samples.length / rate) * 1000;
    const result = await this.db.transaction().execute(async (trx) => {
      await ensurePartitionsAt(trx, 'captures', [tsMs]);
      const id = await capturesRepository.insert(trx, {
        sensorId: sensor.id,
        ts,
        sampleRateHz: rate,
        samples: samplesToBytes(samples),
        nSamples: samples.length,
        flags,
      });
      await ingestStatsRepository.add(trx, sensor.id, 'captures', countByDay([tsMs], id ? [tsMs] : []));
      // A duplicate (a retried upload) stores nothing new: no wake-up. The demo scores its live
      // captures itself (demo/live.ts): its data wakes nothing either.
      const marked =
        this.hook && id && source !== 'demo'
          ? await ingestMarksRepository.mark(trx, [
              { sensorId: sensor.id, kind: 'captures', fromMs: tsMs, toMs: tsMs + durationMs },
            ])
          : [];
      return { id: id ?? (await capturesRepository.idAt(trx, sensor.id, ts))!, inserted: id ? 1 : 0, marked };
    });
    if (result.marked.length > 0) this.hook?.stored(result.marked);
    countIngested(source, 'captures', result.inserted, result.inserted * samples.byteLength);
    return {
      id: result.id,
      sensorId: sensor.id,
      ts: ts.toISOString(),
      sampleRateHz: rate,
      nSamples: samples.length,
      qualityFlags: flags,
      inserted: result.inserted,
      duplicates: 1 - result.inserted,
    } satisfies CaptureIngestResult;
  }

  async list(sensorId: number, q: { from?: string; to?: string; limit?: number; cursor?: string }) {
    if (!(await sensorsRepository.get(this.db, sensorId))) throw notFound('sensor', sensorId);
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor, ['t'] as const);
    const rows = await capturesRepository.page(this.db, sensorId, {
      ...parseWindow(q),
      afterUs: after?.t,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    return {
      items: kept.map(toCaptureMeta),
      nextCursor: more ? encodeCursor({ t: Number(kept.at(-1)!.us) }) : null,
    };
  }

  async byId(id: number): Promise<CaptureRow> {
    const row = await capturesRepository.byId(this.db, id);
    if (!row) throw notFound('capture', id);
    return row;
  }

  async byTs(sensorId: number, tsRaw: string): Promise<CaptureRow> {
    const us = parseTimeBound(tsRaw, 'ts');
    if (us === undefined)
      throw badRequest('invalid_timestamp', 'ts must be an ISO-8601 timestamp or epoch milliseconds');
    const row = await capturesRepository.byTs(this.db, sensorId, us);
    if (!row) throw notFound(`capture of sensor ${sensorId} at`, tsRaw);
    return row;
  }
}
