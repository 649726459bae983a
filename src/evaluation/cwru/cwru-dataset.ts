/**
 * CWRU records for diagnosis: label from the file name, drive-end signal resampled to one common
 * rate, and a train/test plan that never lets one record's samples reach both sides — except a
 * record passed to both sides on purpose (CWRU has a single normal record per load), which is
 * split by time (first part train, last part test) and reported as a within-record split.
 *
 * The signal read is the accelerometer on the housing of the faulted bearing, with that bearing's
 * geometry: drive end (SKF 6205) for drive-end faults and normal records, fan end (SKF 6203) for
 * `*_Fan_End_*` files, so the defect orders are those of the bearing that carries the fault.
 */
import { readCwruFile } from '../../acquisition/formats/files.js';
import type { CwruLabel } from '../../acquisition/formats/cwru.js';
import { SKF_6203, SKF_6205, type BearingGeometry } from '../../signal/bearing.js';
import { decimate } from '../../signal/resample.js';
import { BEARING_CLASSES } from '../../state/diagnosis/staged-classifier.js';

/** The file-name labels in the diagnosis classifier's class order. */
export const CWRU_LABELS: readonly CwruLabel[] = BEARING_CLASSES;

/** Nominal CWRU motor speeds per load (hp), for the few files stored without an rpm. */
const NOMINAL_RPM: Record<number, number> = { 0: 1797, 1: 1772, 2: 1750, 3: 1730 };

export interface DiagnosisRecord {
  /** File name: the record's identity in splits and reports. */
  id: string;
  label: CwruLabel;
  faultDiameterIn: number | null;
  loadHp: number;
  sampleRate: number;
  signal: Float64Array;
  shaftHz: number;
  /** Which accelerometer `signal` is, and the geometry of the bearing under it. */
  sensor: 'drive_end' | 'fan_end';
  bearing: BearingGeometry;
  /** True when the rpm was missing from the file and the nominal speed of the load was used. */
  nominalSpeed: boolean;
}

/** Integer decimation to `targetRate` (CWRU's 48 kHz normal baseline → 12 kHz by 4). */
function resampleTo(signal: Float64Array, rate: number, targetRate: number): Float64Array {
  if (rate === targetRate) return signal;
  const factor = rate / targetRate;
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`cannot resample ${rate} Hz to ${targetRate} Hz: not an integer decimation`);
  }
  return decimate(signal, factor);
}

export async function loadCwruRecord(path: string, targetRate: number): Promise<DiagnosisRecord> {
  const r = await readCwruFile(path);
  const rpm = r.rpm ?? NOMINAL_RPM[r.loadHp];
  if (rpm === undefined)
    throw new RangeError(`${r.fileName}: no rpm in the file and no nominal speed for ${r.loadHp} hp`);
  const fanEnd = r.faultEnd === 'fan_end';
  if (fanEnd && !r.fanEnd) throw new RangeError(`${r.fileName}: a fan-end fault file without an FE signal`);
  return {
    id: r.fileName,
    label: r.label,
    faultDiameterIn: r.faultDiameterIn,
    loadHp: r.loadHp,
    sampleRate: targetRate,
    signal: resampleTo(fanEnd ? r.fanEnd! : r.driveEnd, r.sampleRateHz, targetRate),
    shaftHz: rpm / 60,
    sensor: fanEnd ? 'fan_end' : 'drive_end',
    bearing: fanEnd ? SKF_6203 : SKF_6205,
    nominalSpeed: r.rpm === null,
  };
}

/** A time range [start, end) of one record's resampled signal. */
export interface Segment {
  record: DiagnosisRecord;
  start: number;
  end: number;
}

export interface SplitPlan {
  train: Segment[];
  test: Segment[];
  /** Records split by time because they were passed to both sides. */
  withinRecord: string[];
}

/**
 * Train and test segments. A record on both sides gets [0, f·n) for training and [f·n + gap, n)
 * for testing; `gap` (one window) keeps the last training window and the first test window apart.
 */
export function planSplit(
  train: readonly DiagnosisRecord[],
  test: readonly DiagnosisRecord[],
  options: { trainFraction: number; gap: number },
): SplitPlan {
  const testIds = new Set(test.map((r) => r.id));
  const trainIds = new Set(train.map((r) => r.id));
  const withinRecord = [...trainIds].filter((id) => testIds.has(id));
  const plan: SplitPlan = { train: [], test: [], withinRecord };
  for (const record of train) {
    const n = record.signal.length;
    const end = testIds.has(record.id) ? Math.floor(n * options.trainFraction) : n;
    plan.train.push({ record, start: 0, end });
  }
  for (const record of test) {
    const n = record.signal.length;
    const start = trainIds.has(record.id)
      ? Math.min(n, Math.floor(n * options.trainFraction) + options.gap)
      : 0;
    plan.test.push({ record, start, end: n });
  }
  return plan;
}

/** Start offsets of windows of `length` every `hop` samples inside a segment. */
export function windowStarts(segment: Pick<Segment, 'start' | 'end'>, length: number, hop: number): number[] {
  const out: number[] = [];
  for (let s = segment.start; s + length <= segment.end; s += hop) out.push(s);
  return out;
}

/**
 * Samples every segment uses, per record: the proof that train and test never share a sample.
 * Returns the ids of records whose train and test windows overlap (empty when the split is clean).
 */
export function overlappingRecords(
  train: readonly { recordId: string; start: number }[],
  test: readonly { recordId: string; start: number }[],
  length: number,
): string[] {
  const spans = new Map<string, [number, number]>();
  for (const w of train) {
    const s = spans.get(w.recordId);
    spans.set(
      w.recordId,
      s ? [Math.min(s[0], w.start), Math.max(s[1], w.start + length)] : [w.start, w.start + length],
    );
  }
  const out = new Set<string>();
  for (const w of test) {
    const s = spans.get(w.recordId);
    if (s && w.start < s[1] && w.start + length > s[0]) out.add(w.recordId);
  }
  return [...out];
}
