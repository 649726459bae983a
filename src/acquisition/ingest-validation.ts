/**
 * Validation of incoming samples, shared by HTTP and MQTT so both reject the same things with
 * the same messages. Every error names the offending field or index, and nothing is written
 * when any item of a batch is invalid.
 *
 * Timestamps: an ISO-8601 string with a date, a time and a zone (`Z` or `±hh:mm`), or epoch
 * milliseconds. Millisecond resolution: finer digits are truncated. Accepted range: from
 * 1970-01-01T00:00:00Z to 24 hours after the server's clock (clock skew and time zones
 * mis-set by a day are tolerated; a year typo is not).
 */
import { AppError, badRequest } from '../errors.js';

import type { IngestLimitsConfig } from '../config.js';

export const INGEST_LIMITS = {
  /** Defaults of MAX_READINGS_PER_BATCH and MAX_CAPTURE_SAMPLES (src/config.ts). */
  maxReadingsPerBatch: 10_000,
  maxCaptureSamples: 4_194_304,
  maxFutureMs: 24 * 3600 * 1000,
  minTsMs: 0,
} as const;

/** Batch limits: from the configuration, or the defaults (CLI importers, tools). */
export type BatchLimits = IngestLimitsConfig;
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxReadingsPerBatch: INGEST_LIMITS.maxReadingsPerBatch,
  maxCaptureSamples: INGEST_LIMITS.maxCaptureSamples,
};

export interface ValidReading {
  tsMs: number;
  value: number;
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/i;

/** Date.parse rolls 2024-02-30 over to March 1st: check the calendar fields ourselves. */
function calendarValid(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s, oh, om] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return (
    mo! >= 1 &&
    mo! <= 12 &&
    d! >= 1 &&
    d! <= daysInMonth &&
    h! <= 23 &&
    mi! <= 59 &&
    s! <= 59 &&
    oh! <= 23 &&
    om! <= 59
  );
}

const invalidTs = (field: string, message: string) =>
  new AppError('invalid_timestamp', 400, `${field} ${message}`);

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
  if (typeof raw === 'number') return String(raw);
  return Array.isArray(raw) ? 'an array' : typeof raw;
}

/** Parses one timestamp to epoch ms or throws a 400 naming `field`. */
export function parseTimestamp(raw: unknown, field: string, nowMs: number): number {
  let ms: number;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw invalidTs(field, `must be a finite number of epoch milliseconds`);
    ms = Math.floor(raw);
  } else if (typeof raw === 'string' && ISO_8601.test(raw.trim())) {
    ms = Date.parse(raw.trim());
    if (Number.isNaN(ms) || !calendarValid(ISO_8601.exec(raw.trim())!)) {
      throw invalidTs(field, `${describe(raw)} is not a valid date and time`);
    }
  } else {
    throw invalidTs(
      field,
      `must be an ISO-8601 timestamp with a time zone (e.g. "2024-05-01T12:00:00Z") or epoch milliseconds, got ${describe(raw)}`,
    );
  }
  if (ms < INGEST_LIMITS.minTsMs) throw invalidTs(field, `${describe(raw)} is before 1970-01-01T00:00:00Z`);
  if (ms > nowMs + INGEST_LIMITS.maxFutureMs) {
    throw invalidTs(field, `${describe(raw)} is more than 24 h in the future`);
  }
  return ms;
}

function parseFiniteNumber(raw: unknown, field: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    throw new AppError('invalid_value', 400, `${field} must be a finite number, got ${describe(raw)}`);
  }
  return raw;
}

/** Validates a whole batch of `{ ts, value }` items (the `readings` array of a request). */
export function validateReadings(
  raw: unknown,
  nowMs: number,
  field = 'readings',
  max = INGEST_LIMITS.maxReadingsPerBatch as number,
): ValidReading[] {
  if (!Array.isArray(raw)) throw badRequest('invalid_batch', `${field} must be an array of { ts, value }`);
  if (raw.length === 0) throw badRequest('empty_batch', `${field} must hold at least one reading`);
  if (raw.length > max) {
    throw new AppError(
      'batch_too_large',
      413,
      `${field} holds ${raw.length} readings; at most ${max} per batch`,
    );
  }
  const out: ValidReading[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i] as unknown;
    const at = `${field}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw badRequest('invalid_reading', `${at} must be an object { ts, value }`);
    }
    const r = item as { ts?: unknown; value?: unknown };
    out[i] = {
      tsMs: parseTimestamp(r.ts, `${at}.ts`, nowMs),
      value: parseFiniteNumber(r.value, `${at}.value`),
    };
  }
  return out;
}

export function parseSampleRate(raw: unknown, field: string): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    throw new AppError(
      'invalid_sample_rate',
      400,
      `${field} must be a positive number of Hz, got ${describe(raw)}`,
    );
  }
  return n;
}

function checkCount(n: number, field: string, max: number): void {
  if (n === 0) throw badRequest('invalid_samples', `${field} must hold at least one sample`);
  if (n > max) {
    throw new AppError('capture_too_large', 413, `${field} holds ${n} samples; at most ${max} per capture`);
  }
}

/** JSON samples → float32, rejecting non-numbers and values float32 cannot hold. */
export function samplesFromJson(
  raw: unknown,
  field = 'samples',
  max = INGEST_LIMITS.maxCaptureSamples as number,
): Float32Array {
  if (!Array.isArray(raw)) throw badRequest('invalid_samples', `${field} must be an array of numbers`);
  checkCount(raw.length, field, max);
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    // The field name is built only for a bad sample: per sample, it was most of the cost.
    const v =
      typeof item === 'number' && Number.isFinite(item) ? item : parseFiniteNumber(item, `${field}[${i}]`);
    out[i] = v;
    if (!Number.isFinite(out[i]!)) {
      throw badRequest('invalid_value', `${field}[${i}] ${v} is outside the float32 range`);
    }
  }
  return out;
}

/** Little-endian float32 bytes → samples (copied, so alignment and host endianness never matter). */
export function samplesFromBytes(
  bytes: Uint8Array,
  field = 'body',
  max = INGEST_LIMITS.maxCaptureSamples as number,
): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw badRequest(
      'invalid_samples',
      `${field} is ${bytes.byteLength} bytes, not a whole number of little-endian float32 samples`,
    );
  }
  const n = bytes.byteLength / 4;
  checkCount(n, field, max);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v))
      throw badRequest('invalid_value', `samples[${i}] must be a finite number, got ${v}`);
    out[i] = v;
  }
  return out;
}

/** Samples → little-endian float32 bytes, the storage format of `captures.samples`. */
export function samplesToBytes(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i] as number, true);
  return out;
}
