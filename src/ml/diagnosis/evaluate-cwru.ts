/**
 * Record-held-out evaluation of bearing fault diagnosis on CWRU files.
 *
 * 1. Every record is resampled to one rate (12 kHz; the 48 kHz normal baseline is decimated by 4).
 * 2. Train and test are split by record; a record passed to both sides (the single normal record)
 *    is split by time and reported in `within_record_split`.
 * 3. Training windows overlap (hop = window/4), test windows less (hop = window/2).
 * 4. Features: diagnosis-features.ts; standardised with training statistics only.
 * 5. Epoch count by record-held-out cross-validation: fold i holds out the i-th record (by fault
 *    diameter) of every fault class with several training records; a class with one training
 *    record (normal) holds out the last quarter of its training span instead. The final model is
 *    trained on all training windows for the mean best epoch count.
 * 6. Test windows are predicted one by one (window accuracy) and per record by the mean of their
 *    probabilities (record accuracy).
 */
import * as tf from '@tensorflow/tfjs';
import { initSignal } from '../../signal/fft.js';
import { argmaxRow, classificationReport, type ClassificationReport } from './classification-metrics.js';
import {
  CLASSIFIER_DEFAULTS,
  fitStandardiser,
  predictProba,
  standardise,
  trainClassifier,
  type ClassifierOptions,
  type LabelledRows,
} from './classifier.js';
import {
  CWRU_LABELS,
  loadCwruRecord,
  overlappingRecords,
  planSplit,
  windowStarts,
  type DiagnosisRecord,
  type Segment,
} from './cwru-dataset.js';
import { trainStagedClassifier } from './staged-classifier.js';
import { createDiagnosisFeatures, type DiagnosisFeatures } from './diagnosis-features.js';

export interface CwruEvalOptions {
  window: number;
  seed: number;
  sampleRate: number;
  /** Share of a record passed to both sides that goes to training (the rest, minus a gap, to test). */
  trainFraction: number;
  /** 'staged': the explainable two-stage linear model (staged-classifier.ts); 'mlp': dense network. */
  model: 'staged' | 'mlp';
  classifier?: Partial<Omit<ClassifierOptions, 'seed'>>;
  /** Keeps only the features whose name passes (for ablations); all by default. */
  featureFilter?: (name: string) => boolean;
  log?: (message: string) => void;
}

export const CWRU_EVAL_DEFAULTS: Omit<CwruEvalOptions, 'seed' | 'log'> = {
  window: 4096,
  sampleRate: 12_000,
  trainFraction: 0.6,
  model: 'staged',
};

/**
 * Each linear stage is a convex fit with an L2 penalty: a fixed, generous number of epochs at a
 * high rate reaches its optimum, no early stopping needed.
 */
const STAGED_EPOCHS = 60;
const STAGED_L2 = 1e-3;
const STAGED_LEARNING_RATE = 0.03;

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

export interface CwruEvalResult extends ClassificationReport {
  windows: number;
  records: number;
  record_accuracy: number;
  record_confusion: ClassificationReport['confusion'];
  record_results: RecordResult[];
  within_record_split: string[];
  train_records: string[];
  train_windows: number;
  model: 'staged' | 'mlp';
  cv_folds: number;
  cv_best_epochs: number[];
  epochs: number;
  window: number;
  sample_rate: number;
  seed: number;
  feature_set: { name: string; version: number; hash: string };
  feature_names: readonly string[];
}

const labelIndex = (label: string): number => CWRU_LABELS.indexOf(label as (typeof CWRU_LABELS)[number]);

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
        vector = features.extract(seg.record.signal.subarray(start, start + window), seg.record.shaftHz);
        cache.set(key, vector);
      }
      rows.push({ recordId: seg.record.id, label: labelIndex(seg.record.label), start, features: vector });
    }
  }
  return rows;
}

function toLabelled(rows: readonly WindowRow[], width: number): LabelledRows {
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

export async function evaluateCwru(
  trainPaths: readonly string[],
  testPaths: readonly string[],
  options: CwruEvalOptions,
): Promise<CwruEvalResult> {
  const log = options.log ?? (() => {});
  await initSignal();
  const { window, seed, sampleRate } = options;
  const classifier: ClassifierOptions = { ...CLASSIFIER_DEFAULTS, ...options.classifier, seed };
  const loaded = new Map<string, DiagnosisRecord>();
  const load = async (path: string): Promise<DiagnosisRecord> => {
    const record = await loadCwruRecord(path, sampleRate);
    const known = loaded.get(record.id);
    if (known) return known;
    loaded.set(record.id, record);
    if (record.nominalSpeed)
      log(`${record.id}: no rpm in the file, using the nominal ${record.shaftHz * 60} rpm`);
    return record;
  };
  const train: DiagnosisRecord[] = [];
  for (const p of trainPaths) train.push(await load(p));
  const test: DiagnosisRecord[] = [];
  for (const p of testPaths) test.push(await load(p));
  const uniq = (rs: DiagnosisRecord[]): DiagnosisRecord[] => [...new Map(rs.map((r) => [r.id, r])).values()];
  const plan = planSplit(uniq(train), uniq(test), { trainFraction: options.trainFraction, gap: window });
  for (const id of plan.withinRecord) {
    log(`${id} is on both sides: split by time (first ${options.trainFraction * 100} % train, rest test)`);
  }
  const features = createDiagnosisFeatures({
    sampleRate,
    windowLength: window,
    filter: options.featureFilter,
  });
  const width = features.names.length;
  const trainHop = window / 4;
  const testHop = window / 2;

  const cache = new Map<string, Float64Array>();
  const folds = options.model === 'mlp' ? validationFolds(plan.train, window) : [];
  const bestEpochs: number[] = [];
  for (const [f, fold] of folds.entries()) {
    const tr = featureRows(fold.train, features, window, trainHop, cache);
    const va = featureRows(fold.val, features, window, trainHop, cache);
    const st = fitStandardiser(toLabelled(tr, width).x, width);
    const trL = toLabelled(tr, width);
    const vaL = toLabelled(va, width);
    const result = await trainClassifier(
      { x: standardise(trL.x, st), y: trL.y },
      { x: standardise(vaL.x, st), y: vaL.y },
      width,
      CWRU_LABELS.length,
      { ...classifier, seed: seed + f },
    );
    result.model.dispose();
    bestEpochs.push(result.bestEpoch + 1);
    log(
      `fold ${f + 1}/${folds.length}: validate on ${fold.val.map((s) => s.record.id).join(', ')}; ` +
        `best epoch ${result.bestEpoch + 1}, val loss ${result.bestValLoss.toFixed(3)}`,
    );
  }
  const epochs =
    options.model === 'mlp'
      ? Math.max(5, Math.round(bestEpochs.reduce((a, b) => a + b, 0) / bestEpochs.length))
      : STAGED_EPOCHS;

  const trainRows = featureRows(plan.train, features, window, trainHop, cache);
  const testRows = featureRows(plan.test, features, window, testHop);
  const leaks = overlappingRecords(trainRows, testRows, window);
  if (leaks.length > 0) throw new Error(`train and test windows overlap in ${leaks.join(', ')}`);
  const trL = toLabelled(trainRows, width);
  const st = fitStandardiser(trL.x, width);
  log(`${options.model} model: ${features.names.length} features`);
  log(`final model: ${trainRows.length} training windows, ${epochs} epochs; ${testRows.length} test windows`);
  const teL = toLabelled(testRows, width);
  let proba: Float32Array;
  if (options.model === 'mlp') {
    const final = await trainClassifier(
      { x: standardise(trL.x, st), y: trL.y },
      null,
      width,
      CWRU_LABELS.length,
      {
        ...classifier,
        fixedEpochs: epochs,
      },
    );
    proba = predictProba(final.model, standardise(teL.x, st), width);
    final.model.dispose();
  } else {
    const staged = await trainStagedClassifier(trL.x, trL.y, features.names, {
      ...classifier,
      l2: options.classifier?.l2 ?? STAGED_L2,
      learningRate: options.classifier?.learningRate ?? STAGED_LEARNING_RATE,
      fixedEpochs: epochs,
    });
    proba = staged.predict(teL.x);
    staged.dispose();
  }
  tf.disposeVariables();

  const k = CWRU_LABELS.length;
  const predicted = testRows.map((_, i) => argmaxRow(proba, i, k));
  const report = classificationReport(CWRU_LABELS, teL.y, predicted);
  const recordResults = aggregateRecords(testRows, proba, predicted);
  const recordReport = classificationReport(
    CWRU_LABELS,
    recordResults.map((r) => labelIndex(r.label)),
    recordResults.map((r) => labelIndex(r.predicted)),
  );
  return {
    ...report,
    windows: testRows.length,
    records: recordResults.length,
    record_accuracy: recordReport.accuracy,
    record_confusion: recordReport.confusion,
    record_results: recordResults,
    within_record_split: plan.withinRecord,
    train_records: plan.train.map((s) => s.record.id),
    train_windows: trainRows.length,
    model: options.model,
    cv_folds: folds.length,
    cv_best_epochs: bestEpochs,
    epochs,
    window,
    sample_rate: sampleRate,
    seed,
    feature_set: {
      name: features.featureSet.name,
      version: features.featureSet.version,
      hash: features.featureSet.hash,
    },
    feature_names: features.names,
  };
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
