/**
 * Windows of CWRU records as labelled feature rows, the record-held-out validation folds over
 * training segments, and the per-record aggregation of window predictions (evaluate-cwru.ts).
 */
import { argmaxRow } from '../../maths/multiclass-metrics.js';
import type { LabelledRows } from '../../state/diagnosis/classifier.js';
import { CWRU_LABELS, windowStarts, type Segment } from './cwru-dataset.js';
import type { DiagnosisFeatures } from '../../state/diagnosis/diagnosis-features.js';

export interface WindowRow {
  recordId: string;
  label: number;
  start: number;
  features: Float64Array;
}

export interface RecordResult {
  record: string;
  label: string;
  predicted: string;
  windows: number;
  window_accuracy: number;
  mean_probability: Record<string, number>;
}

export const labelIndex = (label: string): number =>
  CWRU_LABELS.indexOf(label as (typeof CWRU_LABELS)[number]);

/**
 * Feature rows of every window of the segments. Windows start on a grid anchored at sample 0 of
 * each record (multiples of `hop`), so that folds re-use the cached vectors of the same window.
 */
export function featureRows(
  segments: readonly Segment[],
  features: DiagnosisFeatures,
  window: number,
  hop: number,
  cache: Map<string, Float64Array> = new Map(),
): WindowRow[] {
  const rows: WindowRow[] = [];
  for (const seg of segments) {
    const first = Math.ceil(seg.start / hop) * hop;
    for (const start of windowStarts({ start: first, end: seg.end }, window, hop)) {
      const key = `${seg.record.id}:${start}`;
      let vector = cache.get(key);
      if (!vector) {
        vector = features.extract(
          seg.record.signal.subarray(start, start + window),
          seg.record.shaftHz,
          seg.record.bearing,
        );
        cache.set(key, vector);
      }
      rows.push({ recordId: seg.record.id, label: labelIndex(seg.record.label), start, features: vector });
    }
  }
  return rows;
}

export function toLabelled(rows: readonly WindowRow[], width: number): LabelledRows {
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => x.set(r.features, i * width));
  return { x, y: Int32Array.from(rows.map((r) => r.label)) };
}

/**
 * Validation folds over training segments (see header, step 5). Each fold: the segments to
 * train on and those to validate on.
 */
export function validationFolds(
  segments: readonly Segment[],
  window: number,
): { train: Segment[]; val: Segment[] }[] {
  const byClass = new Map<string, Segment[]>();
  for (const s of segments) byClass.set(s.record.label, [...(byClass.get(s.record.label) ?? []), s]);
  for (const list of byClass.values()) {
    list.sort(
      (a, b) =>
        (a.record.faultDiameterIn ?? 0) - (b.record.faultDiameterIn ?? 0) ||
        a.record.id.localeCompare(b.record.id),
    );
  }
  const folds = Math.max(1, ...[...byClass.values()].map((l) => l.length));
  return Array.from({ length: folds }, (_, f) => {
    const train: Segment[] = [];
    const val: Segment[] = [];
    for (const list of byClass.values()) {
      if (list.length >= 2 && folds >= 2) {
        list.forEach((s, i) => (i === f % list.length ? val : train).push(s));
      } else {
        for (const s of list) {
          const cut = s.start + Math.floor((s.end - s.start) * 0.75);
          train.push({ ...s, end: cut });
          val.push({ ...s, start: cut + window });
        }
      }
    }
    return { train, val };
  });
}

/** Per test record: mean class probability over its windows, and its window accuracy. */
export function aggregateRecords(
  rows: readonly WindowRow[],
  proba: Float32Array,
  predicted: readonly number[],
): RecordResult[] {
  const k = CWRU_LABELS.length;
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => groups.set(r.recordId, [...(groups.get(r.recordId) ?? []), i]));
  return [...groups.entries()].map(([record, idx]) => {
    const mean = new Array<number>(k).fill(0);
    for (const i of idx) for (let c = 0; c < k; c++) mean[c]! += proba[i * k + c]! / idx.length;
    const label = rows[idx[0]!]!.label;
    const correct = idx.filter((i) => predicted[i] === label).length;
    return {
      record,
      label: CWRU_LABELS[label]!,
      predicted: CWRU_LABELS[argmaxRow(mean, 0, k)]!,
      windows: idx.length,
      window_accuracy: Math.round((correct / idx.length) * 1e4) / 1e4,
      mean_probability: Object.fromEntries(CWRU_LABELS.map((l, c) => [l, Math.round(mean[c]! * 1e4) / 1e4])),
    };
  });
}
