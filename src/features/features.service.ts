/**
 * Feature extraction for one asset over a time range, writing feature rows chunk by chunk.
 *
 * Range semantics: a run owns the windows whose window_start is in [from, to) for each vibration
 * sensor of the asset and the chosen set. Captures are read a page at a time (samples never all
 * in memory). Each page is one transaction that deletes the (sensor, set) rows in a window_start
 * interval [lo, hi) and inserts the page's windows; the intervals of successive pages are
 * contiguous and the last ends at `to`, so they tile [from, to) exactly. Hence a re-run — or a
 * retry after a worker died between two pages — replaces every old row of the range, leaves no
 * stale row (e.g. of a capture flagged since), and never duplicates (primary key on
 * (sensor, set, window_start), upsert on conflict).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { validateGeometry, type BearingGeometry } from '../signal/bearing.js';
import { initSignal } from '../signal/fft.js';
import { captureWindows, decodeFloat32 } from './capture-windows.js';
import { FeatureExtractor } from './extract-features.js';
import * as repo from './features.repository.js';
import { DEFAULT_STORED_FEATURE_SET, getFeatureSet, type StoredFeatureSet } from './stored-feature-sets.js';
import { learnTemperatureBaseline } from './temperature-baseline.js';
import { temperatureWindowInto, type TemperatureSeries } from './temperature-window.js';
import { toCelsius, toShaftHz } from './units.js';

/** Captures are snapshots of seconds to minutes: one starting this long before `from` may still
 * have windows inside the range. Longer captures straddling `from` lose those windows. */
export const MAX_CAPTURE_SPAN_MS = 3_600_000;
/** A speed reading older than this before a capture's end does not give its shaft speed. */
const SPEED_MAX_AGE_MS = 600_000;
const RANGE_MIN = new Date('1970-01-01T00:00:00Z');
const RANGE_MAX = new Date('9999-12-31T00:00:00Z');

interface ExtractProgress {
  percent: number;
  windowsDone: number;
  windowsTotal: number;
}

export interface ExtractOptions {
  assetId: number;
  from?: Date | undefined;
  to?: Date | undefined;
  /** A registered feature set name (registry.ts); default DEFAULT_STORED_FEATURE_SET. */
  featureSet?: string | undefined;
  signal?: AbortSignal;
  onProgress?: (p: ExtractProgress) => Promise<void>;
  log?: (message: string) => Promise<void>;
  /** Captures per page = per transaction. */
  pageSize?: number;
}

export interface ExtractResult {
  assetId: number;
  featureSet: { id: number; name: string; version: number; hash: string };
  from: string;
  to: string;
  sensors: number;
  captures: number;
  windows: number;
  rowsWritten: number;
  rowsReplaced: number;
  chunks: number;
  /** Captures not used: quality-flagged, shorter than a window, other sample rate, corrupt bytes. */
  skipped: { flagged: number; short: number; sampleRate: number; invalid: number };
}

type Sensor = Awaited<ReturnType<typeof repo.listSensors>>[number];

export function resolveFeatureSet(name: string | undefined, field = 'featureSet'): StoredFeatureSet {
  const set = getFeatureSet(name ?? DEFAULT_STORED_FEATURE_SET);
  if (!set) throw badRequest('unknown_feature_set', `${field} "${name}" is not a registered feature set`);
  return set;
}

/** The run's range; `prefix` names the fields in errors ('body/', 'querystring/'). */
export function resolveRange(
  from: Date | undefined,
  to: Date | undefined,
  prefix = '',
): { from: Date; to: Date } {
  const range = { from: from ?? RANGE_MIN, to: to ?? RANGE_MAX };
  for (const k of ['from', 'to'] as const) {
    if (Number.isNaN(range[k].getTime()))
      throw badRequest('invalid_range', `${prefix}${k} is not a valid timestamp`);
  }
  if (range.to <= range.from) throw badRequest('invalid_range', `${prefix}to must be after ${prefix}from`);
  return range;
}

export async function extractForAsset(db: Kysely<DB>, opts: ExtractOptions): Promise<ExtractResult> {
  const set = resolveFeatureSet(opts.featureSet);
  const { from, to } = resolveRange(opts.from, opts.to);
  const asset = await repo.getAsset(db, opts.assetId);
  if (!asset) throw notFound('asset', opts.assetId);
  await initSignal();
  const log = opts.log ?? (async () => {});
  const featureSetId = await repo.ensureFeatureSet(db, set);
  const sensors = await repo.listSensors(db, asset.id);
  const vibration = sensors.filter((s) => s.kind === 'vibration');
  const { windowLength, sampleRate } = set.vibration.params;
  const filterFor = (s: Sensor): repo.CaptureFilter => ({
    sensorId: s.id,
    lookFrom: new Date(from.getTime() - MAX_CAPTURE_SPAN_MS),
    from,
    to,
    sampleRate,
    windowLength,
  });

  const result: ExtractResult = {
    assetId: asset.id,
    featureSet: { id: featureSetId, name: set.name, version: set.version, hash: set.hash },
    from: from.toISOString(),
    to: to.toISOString(),
    sensors: vibration.length,
    captures: 0,
    windows: 0,
    rowsWritten: 0,
    rowsReplaced: 0,
    chunks: 0,
    skipped: { flagged: 0, short: 0, sampleRate: 0, invalid: 0 },
  };
  let windowsTotal = 0;
  for (const s of vibration) {
    const st = await repo.captureStats(db, filterFor(s));
    windowsTotal += st.windows;
    result.skipped.flagged += st.flagged;
    result.skipped.short += st.short;
    result.skipped.sampleRate += st.sample_rate;
    if (st.sample_rate > 0) {
      await log(
        `sensor ${s.id}: ${st.sample_rate} capture(s) not at ${sampleRate} Hz skipped (set ${set.name})`,
      );
    }
  }
  if (vibration.length === 0) await log(`asset ${asset.id} has no vibration sensor: nothing to extract`);

  const bearing = bearingOf(asset);
  if (!bearing) await log('bearing geometry incomplete or invalid: env_* features are NaN');
  // A baseline set on the asset wins; else the one learnt from its first healthy period. Only
  // the temperature features read it: a vibration-only set does not query or learn one.
  const baseline = set.temperature
    ? (asset.temperature_baseline_c ?? (await learnTemperatureBaseline(db, asset.id)) ?? undefined)
    : undefined;
  const nominalHz = asset.nominal_speed_rpm ? asset.nominal_speed_rpm / 60 : null;
  const speed = sensors.find((s) => s.kind === 'speed' && toShaftHz(s.unit));
  const extractor = new FeatureExtractor(set.vibration);
  const vibN = set.vibration.featureNames.length;
  const pageSize = opts.pageSize ?? 16;
  const report = () =>
    opts.onProgress?.({
      percent: windowsTotal > 0 ? Math.min(100, Math.round((100 * result.windows) / windowsTotal)) : 100,
      windowsDone: result.windows,
      windowsTotal,
    }) ?? Promise.resolve();

  for (const sensor of vibration) {
    const filter = filterFor(sensor);
    const temp = set.temperature ? temperatureSensorFor(sensor, sensors) : undefined;
    if (set.temperature && !temp) await log(`sensor ${sensor.id}: no temperature sensor, temp_* are NaN`);
    let lo = from;
    let after: Date | null = null;
    for (;;) {
      opts.signal?.throwIfAborted();
      const page = await repo.usableCapturePage(db, filter, after, pageSize);
      const last = page.length < pageSize;
      const rows: repo.NewFeatureRow[] = [];
      for (const c of page) {
        const samples = decodeFloat32(c.samples, c.n_samples);
        if (!samples) {
          result.skipped.invalid += 1;
          continue;
        }
        const windows = [...captureWindows(c.ts, c.sample_rate_hz, samples, windowLength)].filter(
          (w) => w.start >= from && w.start < to,
        );
        if (windows.length === 0) continue;
        result.captures += 1;
        const captureEnd = windows.at(-1)!.end;
        let shaftHz = nominalHz;
        if (speed) {
          const v = await repo.lastReading(
            db,
            speed.id,
            new Date(+captureEnd - SPEED_MAX_AGE_MS),
            captureEnd,
          );
          if (v !== undefined && v > 0) shaftHz = toShaftHz(speed.unit)!(v);
        }
        const lookbackMs = (set.temperature?.lookbackSeconds ?? 0) * 1000;
        const series = temp
          ? await temperatureSeries(db, temp, new Date(+windows[0]!.end - lookbackMs), captureEnd)
          : undefined;
        for (const w of windows) {
          const values = new Float64Array(set.featureNames.length).fill(NaN);
          extractor.extract(w.samples, { shaftHz, bearing }, values.subarray(0, vibN));
          if (series) temperatureWindowInto(series, w.end.getTime(), lookbackMs, baseline, values, vibN);
          rows.push({ windowStart: w.start, windowEnd: w.end, sourceId: c.id, values });
        }
      }
      const maxStart = rows.reduce((m, r) => Math.max(m, r.windowStart.getTime()), lo.getTime() - 1);
      const hi = last ? to : new Date(maxStart + 1);
      const key = { assetId: asset.id, sensorId: sensor.id, featureSetId, lo, hi };
      const written = await db.transaction().execute((trx) => repo.replaceFeatureRows(trx, key, rows));
      result.windows += rows.length;
      result.rowsWritten += written.inserted;
      result.rowsReplaced += written.deleted;
      result.chunks += 1;
      lo = hi;
      after = page.at(-1)?.ts ?? after;
      await report();
      if (last) break;
    }
  }
  if (result.windows !== windowsTotal) {
    // The estimate counts whole captures; windows past `to` (or before `from`) are not extracted.
    windowsTotal = result.windows;
    await report();
  }
  await log(
    `${result.windows} window(s) from ${result.captures} capture(s) of ${result.sensors} sensor(s); ` +
      `${result.rowsWritten} row(s) written, ${result.rowsReplaced} replaced; skipped ` +
      `${result.skipped.flagged} flagged, ${result.skipped.short} short, ${result.skipped.sampleRate} ` +
      `other-rate, ${result.skipped.invalid} corrupt capture(s)`,
  );
  return result;
}

type Asset = NonNullable<Awaited<ReturnType<typeof repo.getAsset>>>;

/** Geometry from the asset's columns (mm; only ratios matter). A missing contact angle is taken
 * as 0°, the deep-groove ball bearing case. */
export function bearingOf(a: Asset): BearingGeometry | null {
  if (!a.bearing_n_balls || !a.bearing_ball_diameter_mm || !a.bearing_pitch_diameter_mm) return null;
  const g: BearingGeometry = {
    nBalls: a.bearing_n_balls,
    ballDiameter: a.bearing_ball_diameter_mm,
    pitchDiameter: a.bearing_pitch_diameter_mm,
    contactAngleDeg: a.bearing_contact_angle_deg ?? 0,
  };
  try {
    validateGeometry(g);
    return g;
  } catch {
    return null;
  }
}

/** The temperature sensor at the vibration sensor's location, else the asset's first one. */
function temperatureSensorFor(vib: Sensor, sensors: readonly Sensor[]): Sensor | undefined {
  const temps = sensors.filter((s) => s.kind === 'temperature' && toCelsius(s.unit));
  return temps.find((s) => vib.location !== null && s.location === vib.location) ?? temps[0];
}

async function temperatureSeries(
  db: Kysely<DB>,
  sensor: Sensor,
  after: Date,
  until: Date,
): Promise<TemperatureSeries> {
  const series = await repo.readingsBetween(db, sensor.id, after, until);
  const convert = toCelsius(sensor.unit)!;
  for (let i = 0; i < series.values.length; i++) series.values[i] = convert(series.values[i]!);
  return series;
}
