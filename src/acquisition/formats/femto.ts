import { numberedLines, parseIntegerField, parseNumberField, splitFields, type TextInput } from './csv.js';
import { FormatError } from './format-error.js';

/**
 * FEMTO-ST PRONOSTIA bearing runs (IEEE PHM 2012 challenge). A bearing folder holds
 * `acc_NNNNN.csv` snapshots (0.1 s at 25.6 kHz every 10 s: hour, minute, second, microsecond,
 * horizontal g, vertical g) and `temp_NNNNN.csv` minutes (10 Hz: hour, minute, second, tenth,
 * degrees C). Separators vary between sets (`,` or `;`), so each file's is detected.
 */

export const FEMTO_SAMPLE_RATE_HZ = 25_600;
export const FEMTO_SNAPSHOT_ROWS = 2_560;
export const FEMTO_SNAPSHOT_PERIOD_S = 10;
export const FEMTO_TEMP_SAMPLE_RATE_HZ = 10;
/** Readings the Bearing2_7 thermocouple produces when it saturates; flag them, never learn from them. */
export const FEMTO_TEMP_SATURATION_C = 1254;

const DAY_S = 86_400;

export interface FemtoAccSnapshot {
  /**
   * Seconds since midnight of the day of the first row; rows after a midnight crossing inside
   * the snapshot get 86,400 s added, so the array is monotonic.
   */
  timeSec: Float64Array;
  horizontal: Float32Array;
  vertical: Float32Array;
}

export interface FemtoTempSeries {
  /** Seconds since midnight, monotonic as in {@link FemtoAccSnapshot.timeSec}. */
  timeSec: Float64Array;
  celsius: Float32Array;
}

export interface FemtoFileRef {
  name: string;
  kind: 'acc' | 'temp';
  index: number;
}

export interface FemtoBearingFiles {
  acc: FemtoFileRef[];
  temp: FemtoFileRef[];
  /** Indexes missing between 1 and the highest index, per kind (a gap means a lost snapshot). */
  gaps: { acc: number[]; temp: number[] };
}

export interface FemtoOperatingCondition {
  condition: 1 | 2 | 3;
  rpm: number;
  radialLoadN: number;
}

export interface FemtoBearingInfo extends FemtoOperatingCondition {
  /** e.g. `Bearing2_7`. */
  bearing: string;
  /** Bearing number within its condition, the 7 of Bearing2_7. */
  bearingNumber: number;
}

const CONDITIONS: Record<1 | 2 | 3, FemtoOperatingCondition> = {
  1: { condition: 1, rpm: 1800, radialLoadN: 4000 },
  2: { condition: 2, rpm: 1650, radialLoadN: 4200 },
  3: { condition: 3, rpm: 1500, radialLoadN: 5000 },
};

/** `Bearing2_7` (or a path ending in it) → operating condition 2: 1650 rpm, 4200 N. */
export function femtoBearingInfo(pathOrName: string): FemtoBearingInfo {
  const name =
    pathOrName
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const m = /^Bearing([123])_(\d+)$/i.exec(name);
  if (!m) {
    throw new FormatError('not a PRONOSTIA bearing name: expected Bearing<condition 1-3>_<n>', {
      file: pathOrName,
    });
  }
  const condition = Number(m[1]) as 1 | 2 | 3;
  return { bearing: `Bearing${condition}_${m[2]}`, bearingNumber: Number(m[2]), ...CONDITIONS[condition] };
}

/** `acc_00012.csv` → `{ kind: 'acc', index: 12 }`; null for names that are not FEMTO data files. */
export function parseFemtoFileName(name: string): FemtoFileRef | null {
  const m = /^(acc|temp)_(\d+)\.csv$/i.exec(name);
  if (!m) return null;
  return { name, kind: (m[1] as string).toLowerCase() as 'acc' | 'temp', index: Number(m[2]) };
}

/** Sorts the data files of a bearing folder by index (names from a directory listing, any order). */
export function listFemtoBearingFiles(names: Iterable<string>): FemtoBearingFiles {
  const acc: FemtoFileRef[] = [];
  const temp: FemtoFileRef[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const ref = parseFemtoFileName(name);
    if (!ref) continue;
    const key = `${ref.kind}:${ref.index}`;
    if (seen.has(key)) throw new FormatError(`duplicate ${ref.kind} file index ${ref.index}`, { file: name });
    seen.add(key);
    (ref.kind === 'acc' ? acc : temp).push(ref);
  }
  acc.sort((a, b) => a.index - b.index);
  temp.sort((a, b) => a.index - b.index);
  return { acc, temp, gaps: { acc: gaps(acc), temp: gaps(temp) } };
}

function gaps(refs: FemtoFileRef[]): number[] {
  const present = new Set(refs.map((r) => r.index));
  const out: number[] = [];
  const last = refs.at(-1)?.index ?? 0;
  for (let i = 1; i <= last; i++) if (!present.has(i)) out.push(i);
  return out;
}

function detectSeparator(text: string): ';' | ',' {
  return text.includes(';') ? ';' : ',';
}

interface ClockFields {
  hour: number;
  minute: number;
  second: number;
}

function clock(fields: string[], line: number, file: string | undefined): ClockFields {
  const names = ['hour', 'minute', 'second'] as const;
  const limits = [23, 59, 59];
  const out = { hour: 0, minute: 0, second: 0 };
  names.forEach((name, i) => {
    const loc = { file, line, column: i + 1, field: name };
    const v = parseIntegerField(fields[i] as string, loc);
    if (v < 0 || v > (limits[i] as number)) {
      throw new FormatError(`${name} ${v} out of range 0-${limits[i]}`, loc);
    }
    out[name] = v;
  });
  return out;
}

/** Adds a day whenever time of day jumps back by more than 12 h (a midnight crossing). */
export function unwrapTimeOfDay(timesOfDay: ArrayLike<number>): Float64Array {
  const out = new Float64Array(timesOfDay.length);
  let offset = 0;
  let previous = -Infinity;
  for (let i = 0; i < timesOfDay.length; i++) {
    const t = timesOfDay[i] as number;
    if (t + DAY_S / 2 < previous) offset += DAY_S;
    previous = t;
    out[i] = t + offset;
  }
  return out;
}

function numberField(
  value: string,
  semicolon: boolean,
  loc: { file?: string; line: number; column: number; field: string },
): number {
  // Semicolon-separated exports sometimes use a decimal comma.
  return parseNumberField(semicolon ? value.replace(',', '.') : value, loc);
}

/** Parses one `acc_NNNNN.csv` snapshot. Row count is not enforced (normally 2,560). */
export function parseFemtoAccCsv(input: TextInput, file?: string): FemtoAccSnapshot {
  const lines = numberedLines(input, file);
  if (lines.length === 0) throw new FormatError('empty vibration file', { file });
  const sep = detectSeparator(lines[0]!.text);
  const n = lines.length;
  const tod = new Float64Array(n);
  const horizontal = new Float32Array(n);
  const vertical = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const { line, text } = lines[i]!;
    const f = splitFields(text, sep, { file, line });
    if (f.length !== 6) {
      throw new FormatError(`expected 6 fields separated by "${sep}", got ${f.length}`, { file, line });
    }
    const c = clock(f, line, file);
    const usLoc = { file, line, column: 4, field: 'microsecond' };
    const us = numberField(f[3]!, sep === ';', usLoc);
    if (us < 0 || us >= 1e6) throw new FormatError(`microsecond ${us} out of range`, usLoc);
    tod[i] = c.hour * 3600 + c.minute * 60 + c.second + us / 1e6;
    horizontal[i] = numberField(f[4]!, sep === ';', {
      file,
      line,
      column: 5,
      field: 'horizontal acceleration',
    });
    vertical[i] = numberField(f[5]!, sep === ';', { file, line, column: 6, field: 'vertical acceleration' });
  }
  return { timeSec: unwrapTimeOfDay(tod), horizontal, vertical };
}

/** Parses one `temp_NNNNN.csv` file (normally 600 rows; the last file of a run can be shorter). */
export function parseFemtoTempCsv(input: TextInput, file?: string): FemtoTempSeries {
  const lines = numberedLines(input, file);
  if (lines.length === 0) throw new FormatError('empty temperature file', { file });
  const sep = detectSeparator(lines[0]!.text);
  const n = lines.length;
  const tod = new Float64Array(n);
  const celsius = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const { line, text } = lines[i]!;
    const f = splitFields(text, sep, { file, line });
    if (f.length !== 5) {
      throw new FormatError(`expected 5 fields separated by "${sep}", got ${f.length}`, { file, line });
    }
    const c = clock(f, line, file);
    const tenthLoc = { file, line, column: 4, field: 'tenth of second' };
    const tenth = parseIntegerField(f[3]!, tenthLoc);
    if (tenth < 0 || tenth > 9) throw new FormatError(`tenth of second ${tenth} out of range 0-9`, tenthLoc);
    tod[i] = c.hour * 3600 + c.minute * 60 + c.second + tenth / 10;
    celsius[i] = numberField(f[4]!, sep === ';', { file, line, column: 5, field: 'temperature' });
  }
  return { timeSec: unwrapTimeOfDay(tod), celsius };
}

/** Indexes of readings at the thermocouple's saturation value. */
export function femtoSaturatedTemperatureRows(series: FemtoTempSeries): number[] {
  const out: number[] = [];
  series.celsius.forEach((c, i) => {
    if (c >= FEMTO_TEMP_SATURATION_C) out.push(i);
  });
  return out;
}

/**
 * Elapsed seconds since the first snapshot for a run's consecutive snapshot start times
 * (seconds since midnight, in file order), across any number of midnight crossings.
 */
export function femtoElapsedSeconds(startTimesOfDay: ArrayLike<number>): Float64Array {
  const unwrapped = unwrapTimeOfDay(startTimesOfDay);
  const t0 = unwrapped[0] ?? 0;
  return unwrapped.map((t) => t - t0);
}
