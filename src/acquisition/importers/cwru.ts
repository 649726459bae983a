/**
 * CWRU bearing data → one `bearing` asset per record (test-rig condition: fault, size, load;
 * `cwru/12k_Drive_End_IR007_0_105`), labelled in its metadata, with the SKF 6205-2RS drive-end
 * bearing geometry. The drive-end, fan-end and base accelerometer signals (whichever the file
 * has) are cut into consecutive captures of `--capture-seconds` (default 1 s; the last one keeps
 * the remainder, so no sample is dropped) starting at the base date; the recorded shaft speed
 * is one `speed` reading at the base date.
 */
import { basename } from 'node:path';
import type { CwruRecord } from '../formats/cwru.js';
import { readCwruFile } from '../formats/files.js';
import type { SensorSpec } from '../assets.repository.js';
import { expandFiles, stem } from './input-files.js';
import { checkTimeAxis, isoDate, type TimeAxis } from './time-axis.js';
import type { FormatImporter, ImportContext } from './types.js';

const MM_PER_INCH = 25.4;

/** SKF 6205-2RS JEM, the drive-end bearing of the CWRU rig (CWRU Bearing Data Center). */
const CWRU_DRIVE_END_BEARING = {
  nBalls: 9,
  ballDiameterMm: 0.3126 * MM_PER_INCH,
  pitchDiameterMm: 1.537 * MM_PER_INCH,
  contactAngleDeg: 0,
};

const SIGNALS = [
  ['drive_end', 'driveEnd', "drive end bearing housing, 12 o'clock"],
  ['fan_end', 'fanEnd', "fan end bearing housing, 12 o'clock"],
  ['base', 'base', 'motor supporting base plate'],
] as const;

export const cwruImporter: FormatImporter = {
  format: 'cwru',
  async plan(paths) {
    const files = await expandFiles(paths, (n) => n.toLowerCase().endsWith('.mat'));
    return files.map((path) => ({
      path,
      async load() {
        const record = await readCwruFile(path);
        return (ctx) => writeRecord(path, record, ctx);
      },
    }));
  },
};

async function writeRecord(path: string, r: CwruRecord, ctx: ImportContext): Promise<void> {
  const { options, writer } = ctx;
  const externalRef = `${options.assetPrefix ?? 'cwru'}/${stem(path)}`;
  const chunk = Math.max(1, Math.round(r.sampleRateHz * options.captureSeconds));
  const present = SIGNALS.filter(([, key]) => r[key] !== null);
  const timeAxis: TimeAxis = {
    base: isoDate(options.baseEpochSec),
    mapping: 'capture i of a signal starts at base date + i × capture_seconds',
    capture_seconds: chunk / r.sampleRateHz,
  };
  const asset = await writer.ensureAsset({
    externalRef,
    name: `CWRU ${stem(path)}`,
    type: 'bearing',
    site: options.site,
    nominalSpeedRpm: r.rpm,
    bearing: CWRU_DRIVE_END_BEARING,
    metadata: {
      dataset: 'CWRU Bearing Data Center',
      label: r.label,
      fault_diameter_in: r.faultDiameterIn,
      outer_race_position: r.outerRacePosition,
      fault_end: r.faultEnd,
      load_hp: r.loadHp,
      record_number: r.recordNumber,
      variable_prefix: r.prefix,
      rpm: r.rpm,
      sample_rate_hz: r.sampleRateHz,
      samples: r.driveEnd.length,
      bearing_model: 'SKF 6205-2RS JEM (drive end)',
      source_file: basename(path),
      time_axis: timeAxis,
    },
  });
  if (!asset.created) checkTimeAxis(externalRef, asset.metadata, timeAxis);
  const specs: SensorSpec[] = present.map(([name, , location]) => ({
    name,
    kind: 'vibration',
    unit: 'g',
    location,
    sampleRateHz: r.sampleRateHz,
    externalRef: `${r.prefix}_${name === 'drive_end' ? 'DE' : name === 'fan_end' ? 'FE' : 'BA'}_time`,
  }));
  if (r.rpm !== null)
    specs.push({ name: 'speed', kind: 'speed', unit: 'rpm', externalRef: `${r.prefix}RPM` });
  const ids = await writer.ensureSensors(asset.id, specs);
  for (const [name, key] of present) {
    const signal = r[key]!;
    for (let start = 0, i = 0; start < signal.length; start += chunk, i++) {
      const samples = Float32Array.from(signal.subarray(start, start + chunk));
      const ts = options.baseEpochSec + (i * chunk) / r.sampleRateHz;
      await writer.series.addCapture(ids.get(name)!, ts, r.sampleRateHz, samples);
    }
  }
  if (r.rpm !== null) await writer.series.addReadings(ids.get('speed')!, [options.baseEpochSec], [r.rpm]);
}
