import { FormatError } from './format-error.js';
import { parseMat5, type Mat5File, type Mat5Options, type Mat5Variable } from './mat5.js';

/**
 * Case Western Reserve University bearing data: file-name convention and MAT variables.
 * Names look like `12k_Drive_End_IR007_0_105.mat`, `48k_Drive_End_OR014@6_2_199.mat`,
 * `12k_Fan_End_B021_1_283.mat` or `normal_0_97.mat`; variables like `X105_DE_time`, `X105RPM`.
 */

export type CwruLabel = 'normal' | 'inner_race' | 'ball' | 'outer_race';

export interface CwruRecordInfo {
  fileName: string;
  label: CwruLabel;
  /** Fault diameter in inches (0.007, 0.014, ...); null for normal records. */
  faultDiameterIn: number | null;
  /** Outer-race fault position in clock hours (3, 6 or 12); null otherwise. */
  outerRacePosition: number | null;
  /** Bearing that carries the seeded fault; null for normal records. */
  faultEnd: 'drive_end' | 'fan_end' | null;
  loadHp: number;
  /** CWRU record number, the <no> of the `X<no>_DE_time` variables. */
  recordNumber: number;
  sampleRateHz: number;
}

export interface CwruSignals {
  /** `X<no>` prefix of the variables that were picked. */
  prefix: string;
  driveEnd: Float64Array;
  fanEnd: Float64Array | null;
  base: Float64Array | null;
  /** Shaft speed recorded with the signal; some CWRU files have none. */
  rpm: number | null;
}

export interface CwruRecord extends CwruRecordInfo, CwruSignals {}

/** Normal baseline records were recorded at 48 kHz (CWRU Bearing Data Center). */
export const CWRU_NORMAL_SAMPLE_RATE_HZ = 48_000;

const FAULT_RE = /^(12|48)k_(Drive|Fan)_End_(IR|B|OR)(\d{3,4})(?:@(3|6|12))?_(\d+)_(\d+)\.mat$/i;
const NORMAL_RE = /^normal_(\d+)_(\d+)\.mat$/i;
const LABELS: Record<string, CwruLabel> = { IR: 'inner_race', B: 'ball', OR: 'outer_race' };

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** Reads label, fault size, load, record number and sample rate from a CWRU file name. */
export function parseCwruFileName(path: string): CwruRecordInfo {
  const fileName = baseName(path);
  const normal = NORMAL_RE.exec(fileName);
  if (normal) {
    return {
      fileName,
      label: 'normal',
      faultDiameterIn: null,
      outerRacePosition: null,
      faultEnd: null,
      loadHp: Number(normal[1]),
      recordNumber: Number(normal[2]),
      sampleRateHz: CWRU_NORMAL_SAMPLE_RATE_HZ,
    };
  }
  const m = FAULT_RE.exec(fileName);
  if (!m) {
    throw new FormatError(
      'not a CWRU file name: expected <12k|48k>_<Drive|Fan>_End_<IR|B|OR><diameter>[@pos]_<load>_<no>.mat' +
        ' or normal_<load>_<no>.mat',
      { file: path },
    );
  }
  const [, rate, end, fault, diameter, position, load, record] = m as unknown as string[];
  const label = LABELS[(fault as string).toUpperCase()] as CwruLabel;
  if (label === 'outer_race' && position === undefined) {
    throw new FormatError('outer-race file name without a @3, @6 or @12 position', { file: path });
  }
  return {
    fileName,
    label,
    faultDiameterIn: Number(diameter) / 1000,
    outerRacePosition: position === undefined ? null : Number(position),
    faultEnd: (end as string).toLowerCase() === 'drive' ? 'drive_end' : 'fan_end',
    loadHp: Number(load),
    recordNumber: Number(record),
    sampleRateHz: Number(rate) * 1000,
  };
}

const SIGNAL_RE = /^(X\d+)_(DE|FE|BA)_time$/;
const RPM_RE = /^(X\d+)RPM$/;

/**
 * Picks the drive-end signal (plus fan-end, base and rpm when present) from a CWRU MAT file.
 * Some CWRU files also carry a neighbouring record's variables: the ones whose number matches
 * `recordNumber` win; without a match there must be exactly one drive-end signal.
 */
export function selectCwruSignals(
  variables: readonly Mat5Variable[],
  recordNumber?: number,
  file?: string,
): CwruSignals {
  const prefixes = new Set<string>();
  for (const v of variables) {
    const m = SIGNAL_RE.exec(v.name);
    if (m && m[2] === 'DE') prefixes.add(m[1] as string);
  }
  if (prefixes.size === 0) {
    const names = variables.map((v) => v.name).join(', ') || 'none';
    throw new FormatError(`no drive-end signal X<no>_DE_time (variables: ${names})`, {
      file,
      field: 'X<no>_DE_time',
    });
  }
  let prefix: string | undefined;
  if (recordNumber !== undefined) {
    prefix = [...prefixes].find((p) => Number(p.slice(1)) === recordNumber);
  }
  if (prefix === undefined) {
    if (prefixes.size > 1) {
      throw new FormatError(
        `several drive-end signals (${[...prefixes].join(', ')}) and none matches record ${recordNumber ?? '?'}`,
        { file, field: 'X<no>_DE_time' },
      );
    }
    prefix = [...prefixes][0] as string;
  }
  const byName = new Map(variables.map((v) => [v.name, v]));
  const signal = (suffix: string): Float64Array | null =>
    byName.get(`${prefix}_${suffix}_time`)?.data ?? null;
  const rpmVar = byName.get(`${prefix}RPM`) ?? variables.find((v) => RPM_RE.test(v.name));
  let rpm: number | null = null;
  if (rpmVar) {
    if (rpmVar.data.length !== 1 || !Number.isFinite(rpmVar.data[0])) {
      throw new FormatError(`expected one rpm value, got ${rpmVar.data.length}`, {
        file,
        field: rpmVar.name,
      });
    }
    rpm = rpmVar.data[0] as number;
  }
  return { prefix, driveEnd: signal('DE') as Float64Array, fanEnd: signal('FE'), base: signal('BA'), rpm };
}

/** Name and MAT bytes of one CWRU file → labelled record with its drive-end signal. */
export function parseCwruMat(fileName: string, bytes: Uint8Array, options: Mat5Options = {}): CwruRecord {
  const info = parseCwruFileName(fileName);
  const file = options.file ?? fileName;
  const mat: Mat5File = parseMat5(bytes, { ...options, file });
  return { ...info, ...selectCwruSignals(mat.variables, info.recordNumber, file) };
}
