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

/**
 * A row problem that the tolerant read (the `issues` argument of the parsers) records instead of
 * throwing: one odd field in one row of a 2,560-row snapshot must not cost the snapshot, let alone
 * the bearing. `action` says what was done with the row.
 */
export interface FemtoRowIssue {
  file: string | undefined;
  line: number;
  field: string | undefined;
  reason: string;
  /** 'dropped': the row's values are not in the result; 'time-carried': an out-of-range clock
   * field (a microsecond count of 1,000,000, a second of 60) was read as the carry into the next
   * unit; 'time-estimated': an unreadable clock field, time taken as the previous row's plus one
   * sample period. */
  action: 'dropped' | 'time-carried' | 'time-estimated';
}

type Location = { file: string | undefined; line: number; column: number; field: string };

/**
 * Time of day of a row from its clock fields (hour, minute, second, then the sub-second field
 * scaled by `sub.scale`). Strict: out-of-range or unreadable fields throw. Tolerant (`issues`): a
 * field one past its range is summed as it stands (1,000,000 µs is the next second: the carry the
 * logger forgot) and recorded; an unreadable or farther-out field gives NaN (estimated by the
 * caller from the previous row).
 */
function rowTime(
  fields: string[],
  loc: { file: string | undefined; line: number },
  sub: { name: string; limit: number; scale: number; integer: boolean; semicolon: boolean },
  issues: FemtoRowIssue[] | undefined,
): number {
  const names = ['hour', 'minute', 'second', sub.name];
  const limits = [23, 59, 59, sub.limit];
  const scales = [3600, 60, 1, sub.scale];
  let t = 0;
  let carried: FormatError | null = null;
  for (let i = 0; i < 4; i++) {
    const at: Location = { ...loc, column: i + 1, field: names[i]! };
    let v: number;
    try {
      v =
        i < 3 || sub.integer ? parseIntegerField(fields[i]!, at) : numberField(fields[i]!, sub.semicolon, at);
    } catch (e) {
      if (!issues || !(e instanceof FormatError)) throw e;
      issues.push({ ...issueAt(e), action: 'time-estimated' });
      return NaN;
    }
    if (v < 0 || v > limits[i]!) {
      const e = new FormatError(`${names[i]} ${v} out of range 0-${limits[i]}`, at);
      if (!issues) throw e;
      // Only "one past the end" is a carry; anything further is not a time this row can give.
      if (v < 0 || v > limits[i]! + 1) {
        issues.push({ ...issueAt(e), action: 'time-estimated' });
        return NaN;
      }
      carried ??= e;
    }
    t += v * scales[i]!;
  }
  if (carried) issues!.push({ ...issueAt(carried), action: 'time-carried' });
  return t;
}

function issueAt(e: FormatError): Omit<FemtoRowIssue, 'action'> {
  return { file: e.file, line: e.line ?? 0, field: e.field, reason: e.reason };
}

/** Rows whose time could not be read get the previous row's time plus one sample period. */
function fillTimes(tod: Float64Array, period: number): void {
  const first = tod.findIndex((t) => Number.isFinite(t));
  if (first < 0) return;
  for (let i = first - 1; i >= 0; i--) tod[i] = tod[i + 1]! - period;
  for (let i = first + 1; i < tod.length; i++) if (!Number.isFinite(tod[i]!)) tod[i] = tod[i - 1]! + period;
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

/**
 * Parses one `acc_NNNNN.csv` snapshot. Row count is not enforced (normally 2,560).
 *
 * Without `issues` any malformed row throws a FormatError. With it, the read is tolerant: a row
 * whose accelerations cannot be read (or with the wrong number of fields) is dropped, a row with
 * an odd clock field keeps its accelerations (see FemtoRowIssue), and each is recorded in
 * `issues`; a file with no readable row still throws.
 */
export function parseFemtoAccCsv(
  input: TextInput,
  file?: string,
  issues?: FemtoRowIssue[],
): FemtoAccSnapshot {
  const lines = numberedLines(input, file);
  if (lines.length === 0) throw new FormatError('empty vibration file', { file });
  const sep = detectSeparator(lines[0]!.text);
  const semicolon = sep === ';';
  const tod: number[] = [];
  const horizontal: number[] = [];
  const vertical: number[] = [];
  const us = { name: 'microsecond', limit: 999_999, scale: 1e-6, integer: false, semicolon };
  for (const { line, text } of lines) {
    try {
      const f = splitFields(text, sep, { file, line });
      if (f.length !== 6) {
        throw new FormatError(`expected 6 fields separated by "${sep}", got ${f.length}`, { file, line });
      }
      const h = numberField(f[4]!, semicolon, { file, line, column: 5, field: 'horizontal acceleration' });
      const v = numberField(f[5]!, semicolon, { file, line, column: 6, field: 'vertical acceleration' });
      const t = rowTime(f, { file, line }, us, issues);
      tod.push(t);
      horizontal.push(h);
      vertical.push(v);
    } catch (e) {
      if (!issues || !(e instanceof FormatError)) throw e;
      issues.push({ ...issueAt(e), action: 'dropped' });
    }
  }
  if (tod.length === 0) throw new FormatError('no readable row in the vibration file', { file });
  const times = Float64Array.from(tod);
  fillTimes(times, 1 / FEMTO_SAMPLE_RATE_HZ);
  return {
    timeSec: unwrapTimeOfDay(times),
    horizontal: Float32Array.from(horizontal),
    vertical: Float32Array.from(vertical),
  };
}

/**
 * Parses one `temp_NNNNN.csv` file (normally 600 rows; the last file of a run can be shorter).
 * `issues`: tolerant read, as for {@link parseFemtoAccCsv}.
 */
export function parseFemtoTempCsv(
  input: TextInput,
  file?: string,
  issues?: FemtoRowIssue[],
): FemtoTempSeries {
  const lines = numberedLines(input, file);
  if (lines.length === 0) throw new FormatError('empty temperature file', { file });
  const sep = detectSeparator(lines[0]!.text);
  const semicolon = sep === ';';
  const tod: number[] = [];
  const celsius: number[] = [];
  const tenth = { name: 'tenth of second', limit: 9, scale: 0.1, integer: true, semicolon };
  for (const { line, text } of lines) {
    try {
      const f = splitFields(text, sep, { file, line });
      if (f.length !== 5) {
        throw new FormatError(`expected 5 fields separated by "${sep}", got ${f.length}`, { file, line });
      }
      const c = numberField(f[4]!, semicolon, { file, line, column: 5, field: 'temperature' });
      tod.push(rowTime(f, { file, line }, tenth, issues));
      celsius.push(c);
    } catch (e) {
      if (!issues || !(e instanceof FormatError)) throw e;
      issues.push({ ...issueAt(e), action: 'dropped' });
    }
  }
  if (tod.length === 0) throw new FormatError('no readable row in the temperature file', { file });
  const times = Float64Array.from(tod);
  fillTimes(times, 1 / FEMTO_TEMP_SAMPLE_RATE_HZ);
  return { timeSec: unwrapTimeOfDay(times), celsius: Float32Array.from(celsius) };
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
