/**
 * Collects readings for a short window and writes each window through ReadingsService.ingestMany:
 * one transaction for every sensor's readings of that window, idempotent on (sensor, ts), so a
 * value the server sends again (the current value after a re-subscription) is stored once.
 *
 * Database unavailable: the window is kept and retried with the next one (a warning when it
 * starts failing and one when it recovers), up to `maxPending` readings; past that the oldest
 * are dropped and counted. A reading ingestion refuses (timestamp out of range) is skipped and
 * counted before it can spoil a window; a refused window (a sensor deleted meanwhile) is
 * retried sensor by sensor so only that sensor's readings are dropped.
 */
import type { Logger } from 'pino';
import { AppError, isDatabaseUnavailable } from '../../errors.js';
import { validateReadings } from '../ingest-validation.js';
import type { IngestSource } from '../../metrics.js';
import type { ReadingsService } from '../readings.service.js';

interface Reading {
  ts: number;
  value: number;
}

export interface BatcherStats {
  windowsStored: number;
  inserted: number;
  duplicates: number;
  /** Readings not stored, by reason (ingestion error code, `dropped_backlog`). */
  rejected: Record<string, number>;
}

export interface ReadingBatcherOptions {
  readings: ReadingsService;
  windowMs: number;
  /** MAX_READINGS_PER_BATCH: a sensor's window larger than this is written in several parts. */
  maxPerBatch: number;
  logger: Logger;
  maxPending?: number;
  /** Whose readings these are, for the ingestion metrics and the log (OPC UA by default). */
  source?: IngestSource;
  label?: string;
}

export class ReadingBatcher {
  private pending = new Map<number, Reading[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dbDown = false;
  private readonly stats: BatcherStats = { windowsStored: 0, inserted: 0, duplicates: 0, rejected: {} };

  private readonly source: IngestSource;
  private readonly label: string;

  constructor(private readonly opts: ReadingBatcherOptions) {
    this.source = opts.source ?? 'opcua';
    this.label = opts.label ?? 'OPC UA';
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.windowMs);
    this.timer.unref();
  }

  /** Returns false (and counts it) when ingestion would refuse the reading. */
  add(sensorId: number, tsMs: number, value: number): boolean {
    const r = { ts: tsMs, value };
    try {
      validateReadings([r], Date.now());
    } catch (err) {
      this.reject(err instanceof AppError ? err.code : 'invalid_reading', 1);
      return false;
    }
    const list = this.pending.get(sensorId) ?? [];
    list.push(r);
    this.pending.set(sensorId, list);
    this.pendingCount += 1;
    if (this.pendingCount > (this.opts.maxPending ?? 1_000_000)) this.dropOldest();
    return true;
  }

  snapshot(): BatcherStats & { pending: number } {
    return { ...this.stats, rejected: { ...this.stats.rejected }, pending: this.pendingCount };
  }

  /** Writes what is pending; flushes never overlap (each waits for the one before). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeWindow());
    return this.flushing;
  }

  /** Stops the timer and writes what is left (one attempt: at shutdown nobody can wait). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pendingCount > 0) {
      this.opts.logger.error(
        { readings: this.pendingCount },
        `${this.label} readings not stored at shutdown`,
      );
    }
  }

  private async writeWindow(): Promise<void> {
    if (this.pendingCount === 0) return;
    const window = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    const batches = [...window].flatMap(([sensorId, list]) =>
      chunks(list, this.opts.maxPerBatch).map((readings) => ({ sensorId, readings })),
    );
    try {
      this.count(await this.opts.readings.ingestMany(batches, this.source));
      this.stats.windowsStored += 1;
      if (this.dbDown) this.opts.logger.info(`${this.label} readings: database reachable again`);
      this.dbDown = false;
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        if (!this.dbDown)
          this.opts.logger.warn(
            { err },
            `${this.label} readings: database unavailable; keeping them for the next window`,
          );
        this.dbDown = true;
        this.putBack(window);
        return;
      }
      if (!(err instanceof AppError && err.statusCode < 500)) {
        this.opts.logger.error({ err }, `${this.label} readings: window not stored`);
        this.reject(
          'internal',
          batches.reduce((n, b) => n + b.readings.length, 0),
        );
        return;
      }
      // One sensor's batch spoilt the window: store the others, drop only that one.
      let stored = false;
      for (const b of batches) {
        try {
          this.count(await this.opts.readings.ingestMany([b], this.source));
          stored = true;
        } catch (e) {
          this.opts.logger.warn({ err: e, sensorId: b.sensorId }, `${this.label} readings refused`);
          this.reject(e instanceof AppError ? e.code : 'internal', b.readings.length);
        }
      }
      if (stored) this.stats.windowsStored += 1;
    }
  }

  private count(results: Array<{ inserted: number; duplicates: number }>): void {
    for (const r of results) {
      this.stats.inserted += r.inserted;
      this.stats.duplicates += r.duplicates;
    }
  }

  private reject(reason: string, n: number): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + n;
  }

  /** The failed window goes back in front of what arrived meanwhile, keeping time order. */
  private putBack(window: Map<number, Reading[]>): void {
    for (const [sensorId, list] of this.pending)
      window.set(sensorId, [...(window.get(sensorId) ?? []), ...list]);
    this.pendingCount = [...window.values()].reduce((n, l) => n + l.length, 0);
    this.pending = window;
    while (this.pendingCount > (this.opts.maxPending ?? 1_000_000)) this.dropOldest();
  }

  private dropOldest(): void {
    const [sensorId, list] = [...this.pending].reduce((a, b) => (b[1].length > a[1].length ? b : a));
    list.shift();
    if (list.length === 0) this.pending.delete(sensorId);
    this.pendingCount -= 1;
    this.reject('dropped_backlog', 1);
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
