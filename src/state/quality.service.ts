/**
 * Per-sensor data-quality report and flag recomputation. Range flags are set on ingestion; the
 * window-based flags (stuck, saturation, spikes, gaps) are set by `recompute`, which the
 * `POST /v1/sensors/:id/quality/recompute` route and feature extraction call for a window.
 */
import type { Kysely } from 'kysely';
import type { DB, Sensor } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { sensorsRepository } from '../acquisition/assets.repository.js';
import { capturesRepository, type CaptureMeta } from '../acquisition/captures.repository.js';
import { decodeSamples } from '../acquisition/captures.service.js';
import { ingestStatsRepository } from '../acquisition/ingest-stats.repository.js';
import {
  FLAG_NAMES,
  QUALITY_FLAGS,
  UNUSABLE_FLAGS,
  captureFlags,
  contextRows,
  type QualityFlagName,
  type QualityOptions,
  DEFAULT_QUALITY_OPTIONS,
  type SensorLimits,
} from '../acquisition/quality.js';
import { median } from '../maths/order-statistics.js';
import { analyseSeries, type SeriesQuality } from './quality-series.js';
import { readingsRepository, type ReadingRow, type Window } from '../acquisition/readings.repository.js';
import { parseWindow } from '../acquisition/readings.service.js';

/** Above this many readings in a window the report asks for a narrower one (memory bound). */
const MAX_ANALYSIS_ROWS = 1_000_000;
const PAGE = 100_000;

export interface CapturesQuality {
  captures: number;
  duplicatesDropped: number;
  medianIntervalMs: number | null;
  gaps: { count: number; largestMs: number };
  flagged: Record<QualityFlagName, number>;
  usable: { captures: number; share: number };
}

export interface QualityReport {
  sensorId: number;
  from: string | null;
  to: string | null;
  options: QualityOptions;
  readings: SeriesQuality & { duplicatesDropped: number; storedFlagsStale: number };
  captures: CapturesQuality;
}

type Query = { from?: string; to?: string } & Partial<QualityOptions>;

const limitsOf = (s: Sensor): SensorLimits => ({
  rangeMin: s.range_min,
  rangeMax: s.range_max,
  sampleRateHz: s.sample_rate_hz,
});
const isoOfUs = (us: number | undefined) => (us === undefined ? null : new Date(us / 1000).toISOString());
const noFlags = () => Object.fromEntries(FLAG_NAMES.map((k) => [k, 0])) as Record<QualityFlagName, number>;

export class QualityService {
  constructor(private readonly db: Kysely<DB>) {}

  private async sensor(id: number): Promise<Sensor> {
    const s = await sensorsRepository.get(this.db, id);
    if (!s) throw notFound('sensor', id);
    return s;
  }

  /** The window's readings plus context rows either side, ascending. */
  private async loadReadings(sensorId: number, w: Window, opts: QualityOptions) {
    const n = await readingsRepository.count(this.db, sensorId, w);
    if (n > MAX_ANALYSIS_ROWS) {
      throw badRequest(
        'window_too_large',
        `from/to select ${n} readings; narrow the window to at most ${MAX_ANALYSIS_ROWS}`,
      );
    }
    const ctxN = contextRows(opts);
    const rows: ReadingRow[] = [];
    let afterUs: number | undefined;
    for (;;) {
      const page = await readingsRepository.page(this.db, sensorId, { ...w, afterUs, limit: PAGE });
      for (const r of page) rows.push(r);
      if (page.length < PAGE) break;
      afterUs = Number(page.at(-1)!.us);
    }
    const firstUs = rows.length > 0 ? Number(rows[0]!.us) : w.fromUs;
    const before =
      firstUs === undefined ? [] : await readingsRepository.before(this.db, sensorId, firstUs, ctxN);
    const lastUs = rows.length > 0 ? Number(rows.at(-1)!.us) : undefined;
    const after =
      lastUs === undefined
        ? []
        : await readingsRepository.page(this.db, sensorId, { afterUs: lastUs, limit: ctxN });
    const all = [...before, ...rows, ...after];
    return {
      us: all.map((r) => Number(r.us)),
      ts: Float64Array.from(all, (r) => Number(r.us) / 1000),
      values: Float64Array.from(all, (r) => r.value),
      stored: all.map((r) => r.quality_flags),
      start: before.length,
      end: before.length + rows.length,
    };
  }

  private async analyse(sensor: Sensor, q: Query) {
    const opts = { ...DEFAULT_QUALITY_OPTIONS, ...stripUndefined(q) };
    const w = parseWindow(q);
    const data = await this.loadReadings(sensor.id, w, opts);
    const analysis = analyseSeries(data.ts, data.values, limitsOf(sensor), opts, data);
    return { opts, w, data, analysis };
  }

  async report(sensorId: number, q: Query): Promise<QualityReport> {
    const sensor = await this.sensor(sensorId);
    const { opts, w, data, analysis } = await this.analyse(sensor, q);
    let stale = 0;
    for (let i = data.start; i < data.end; i++) if (analysis.flags[i] !== data.stored[i]) stale += 1;
    const first = data.end > data.start ? data.us[data.start]! : w.fromUs;
    const last = data.end > data.start ? data.us[data.end - 1]! : w.toUs;
    const totals = await ingestStatsRepository.totals(
      this.db,
      sensorId,
      new Date((w.fromUs ?? first ?? 0) / 1000),
      new Date((w.toUs ?? last ?? Date.now() * 1000) / 1000),
    );
    return {
      sensorId,
      from: isoOfUs(w.fromUs),
      to: isoOfUs(w.toUs),
      options: opts,
      readings: {
        ...analysis.summary,
        duplicatesDropped: totals.readingsDuplicates,
        storedFlagsStale: stale,
      },
      captures: {
        ...(await this.capturesQuality(sensorId, w)),
        duplicatesDropped: totals.capturesDuplicates,
      },
    };
  }

  private async capturesQuality(
    sensorId: number,
    w: Window,
  ): Promise<Omit<CapturesQuality, 'duplicatesDropped'>> {
    const rows: CaptureMeta[] = [];
    let afterUs: number | undefined;
    for (;;) {
      const page = await capturesRepository.page(this.db, sensorId, { ...w, afterUs, limit: 10_000 });
      rows.push(...page);
      if (page.length < 10_000) break;
      afterUs = Number(page.at(-1)!.us);
    }
    const flagged = noFlags();
    let usable = 0;
    for (const r of rows) {
      if ((r.quality_flags & UNUSABLE_FLAGS) === 0) usable += 1;
      for (const k of FLAG_NAMES) if (r.quality_flags & QUALITY_FLAGS[k]) flagged[k] += 1;
    }
    const intervals = rows.slice(1).map((r, i) => (Number(r.us) - Number(rows[i]!.us)) / 1000);
    const med = intervals.length > 0 ? median(intervals) : null;
    const gapIntervals = med ? intervals.filter((d) => d > DEFAULT_QUALITY_OPTIONS.gapFactor * med) : [];
    return {
      captures: rows.length,
      medianIntervalMs: med,
      gaps: {
        count: gapIntervals.length,
        largestMs: gapIntervals.length > 0 ? Math.max(...gapIntervals) : 0,
      },
      flagged,
      usable: { captures: usable, share: rows.length > 0 ? usable / rows.length : 0 },
    };
  }

  /** Recomputes and stores the flags of the window's readings and captures. */
  async recompute(sensorId: number, q: Query) {
    const sensor = await this.sensor(sensorId);
    const { w, data, analysis } = await this.analyse(sensor, q);
    const us: number[] = [];
    const flags: number[] = [];
    for (let i = data.start; i < data.end; i++) {
      if (analysis.flags[i] !== data.stored[i]) {
        us.push(data.us[i]!);
        flags.push(analysis.flags[i]!);
      }
    }
    let readingsUpdated = 0;
    for (let i = 0; i < us.length; i += 10_000) {
      readingsUpdated += await readingsRepository.setFlags(
        this.db,
        sensorId,
        us.slice(i, i + 10_000),
        flags.slice(i, i + 10_000),
      );
    }
    let captures = 0;
    let capturesUpdated = 0;
    let afterUs: number | undefined;
    for (;;) {
      const page = await capturesRepository.withSamples(this.db, sensorId, { ...w, afterUs, limit: 50 });
      for (const c of page) {
        captures += 1;
        const f = captureFlags(decodeSamples(c.samples), limitsOf(sensor));
        if (f !== c.quality_flags) {
          await capturesRepository.setFlags(this.db, sensorId, Number(c.us), f);
          capturesUpdated += 1;
        }
      }
      if (page.length < 50) break;
      afterUs = Number(page.at(-1)!.us);
    }
    return {
      sensorId,
      readings: {
        analysed: data.end - data.start,
        updated: readingsUpdated,
        flagged: analysis.summary.flagged,
      },
      captures: { analysed: captures, updated: capturesUpdated },
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'from' && k !== 'to'),
  ) as Partial<T>;
}
