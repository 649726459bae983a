/**
 * FEMTO-ST PRONOSTIA → one `bearing` asset per bearing folder (`femto/Bearing3_1`) with a
 * horizontal and a vertical accelerometer (one 2,560-sample capture at 25.6 kHz per acc file)
 * and a thermocouple (600 readings at 10 Hz per temp file). A path may be a bearing folder or
 * a folder of bearing folders (`Learning_set`). Files are read one at a time, each in its own
 * transaction.
 *
 * The files only hold times of day: timestamps are base date + the files' hour, minute,
 * second and microsecond (tenth of second for temperatures), each file put on the day nearest
 * the previous one (starting from the first file's time), which handles midnight crossings.
 * Times must increase from file to file; a file that goes back in time is an error.
 */
import { basename, join } from 'node:path';
import {
  FEMTO_SAMPLE_RATE_HZ,
  FEMTO_TEMP_SAMPLE_RATE_HZ,
  femtoBearingInfo,
  type FemtoBearingInfo,
} from '../formats/femto.js';
import { listFemtoBearingDir, readFemtoAccFile, readFemtoTempFile } from '../formats/files.js';
import { FormatError } from '../formats/format-error.js';
import type { SensorSpec } from '../assets.repository.js';
import { isDirectory, subfolders } from './input-files.js';
import { checkTimeAxis, DayUnwrapper, float32ToDecimal, isoDate, type TimeAxis } from './time-axis.js';
import { ImportInputError, type FormatImporter, type ImportContext, type ImportTask } from './types.js';

const BEARING_DIR = /^Bearing[123]_\d+$/i;

const SENSORS: SensorSpec[] = [
  {
    name: 'horizontal',
    kind: 'vibration',
    unit: 'g',
    axis: 'horizontal',
    sampleRateHz: FEMTO_SAMPLE_RATE_HZ,
  },
  { name: 'vertical', kind: 'vibration', unit: 'g', axis: 'vertical', sampleRateHz: FEMTO_SAMPLE_RATE_HZ },
  { name: 'temperature', kind: 'temperature', unit: '°C', sampleRateHz: FEMTO_TEMP_SAMPLE_RATE_HZ },
];

/** What the files of one bearing share while they are imported in order. */
interface BearingRun {
  dir: string;
  info: FemtoBearingInfo;
  gaps: { acc: number[]; temp: number[] };
  /** Time of day of the first file read: both streams are placed on the calendar from it, each
   * with its own clock (a run can outlast 12 h, so acc and temp files must not share one). */
  anchor: number | null;
  accClock: DayUnwrapper | null;
  tempClock: DayUnwrapper | null;
  lastAcc: number;
  lastTemp: number;
  sensorIds: Map<string, number> | null;
}

export const femtoImporter: FormatImporter = {
  format: 'femto',
  async plan(paths) {
    const tasks: ImportTask[] = [];
    for (const dir of await bearingDirs(paths)) {
      const files = await listFemtoBearingDir(dir);
      if (files.acc.length + files.temp.length === 0) {
        throw new ImportInputError(`${dir}: no acc_NNNNN.csv or temp_NNNNN.csv files`);
      }
      const run: BearingRun = {
        dir,
        info: femtoBearingInfo(dir),
        gaps: files.gaps,
        anchor: null,
        accClock: null,
        tempClock: null,
        lastAcc: -Infinity,
        lastTemp: -Infinity,
        sensorIds: null,
      };
      for (const ref of files.acc) tasks.push(accTask(run, join(dir, ref.name)));
      for (const ref of files.temp) tasks.push(tempTask(run, join(dir, ref.name)));
    }
    return tasks;
  },
};

async function bearingDirs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (!(await isDirectory(path))) {
      throw new ImportInputError(`${path}: expected a bearing folder (Bearing<c>_<n>) or a folder of them`);
    }
    if (BEARING_DIR.test(basename(path.replace(/[\\/]+$/, '')))) out.push(path);
    else {
      const inner = await subfolders(path, (n) => BEARING_DIR.test(n));
      if (inner.length === 0) throw new ImportInputError(`${path}: no Bearing<c>_<n> folders in it`);
      out.push(...inner);
    }
  }
  return [...new Set(out)];
}

function clockOf(run: BearingRun, stream: 'accClock' | 'tempClock', firstTimeOfDay: number): DayUnwrapper {
  run.anchor ??= firstTimeOfDay;
  run[stream] ??= new DayUnwrapper(run.anchor);
  return run[stream];
}

function accTask(run: BearingRun, path: string): ImportTask {
  return {
    path,
    async load() {
      const snapshot = await readFemtoAccFile(path);
      const start = clockOf(run, 'accClock', snapshot.timeSec[0]!).place(snapshot.timeSec[0]!);
      if (start <= run.lastAcc) throw notMonotonic(path, start, run.lastAcc);
      run.lastAcc = start;
      return async (ctx) => {
        const ids = await sensorsOf(run, ctx);
        const ts = ctx.options.baseEpochSec + start;
        await ctx.writer.series.addCapture(
          ids.get('horizontal')!,
          ts,
          FEMTO_SAMPLE_RATE_HZ,
          snapshot.horizontal,
        );
        await ctx.writer.series.addCapture(ids.get('vertical')!, ts, FEMTO_SAMPLE_RATE_HZ, snapshot.vertical);
      };
    },
  };
}

function tempTask(run: BearingRun, path: string): ImportTask {
  return {
    path,
    async load() {
      const series = await readFemtoTempFile(path);
      const unwrapper = clockOf(run, 'tempClock', series.timeSec[0]!);
      const offset = unwrapper.place(series.timeSec[0]!) - series.timeSec[0]!;
      const first = series.timeSec[0]! + offset;
      if (first <= run.lastTemp) throw notMonotonic(path, first, run.lastTemp);
      run.lastTemp = series.timeSec.at(-1)! + offset;
      unwrapper.advanceTo(run.lastTemp);
      return async (ctx) => {
        const ids = await sensorsOf(run, ctx);
        const base = ctx.options.baseEpochSec + offset;
        const ts = series.timeSec.map((t) => base + t);
        const celsius = Array.from(series.celsius, float32ToDecimal);
        await ctx.writer.series.addReadings(ids.get('temperature')!, ts, celsius);
      };
    },
  };
}

function notMonotonic(path: string, t: number, previous: number): FormatError {
  return new FormatError(
    `starts at ${clock(t)}, not after the previous file (${clock(previous)}): files must go forward in time`,
    { file: path, line: 1 },
  );
}

function clock(secondsSinceBase: number): string {
  const day = Math.floor(secondsSinceBase / 86_400);
  const tod = new Date((secondsSinceBase - day * 86_400) * 1000).toISOString().slice(11, 23);
  return day === 0 ? tod : `day ${day} ${tod}`;
}

async function sensorsOf(run: BearingRun, ctx: ImportContext): Promise<Map<string, number>> {
  if (run.sensorIds) return run.sensorIds;
  const { options, writer } = ctx;
  const externalRef = `${options.assetPrefix ?? 'femto'}/${run.info.bearing}`;
  const timeAxis: TimeAxis = {
    base: isoDate(options.baseEpochSec),
    mapping: 'ts = base date + time of day of the files, days added at midnight crossings',
  };
  const asset = await writer.ensureAsset({
    externalRef,
    name: `PRONOSTIA ${run.info.bearing}`,
    type: 'bearing',
    site: options.site,
    nominalSpeedRpm: run.info.rpm,
    metadata: {
      dataset: 'FEMTO-ST PRONOSTIA',
      bearing: run.info.bearing,
      condition: run.info.condition,
      radial_load_n: run.info.radialLoadN,
      rpm: run.info.rpm,
      source_folder: basename(run.dir),
      missing_files: run.gaps,
      time_axis: timeAxis,
    },
  });
  if (!asset.created) checkTimeAxis(externalRef, asset.metadata, timeAxis);
  run.sensorIds = await writer.ensureSensors(asset.id, SENSORS);
  return run.sensorIds;
}
