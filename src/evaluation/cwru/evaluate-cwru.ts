/**
 * Record-held-out evaluation of bearing fault diagnosis on CWRU files.
 *
 * 1. Every record is resampled to one rate (12 kHz; the 48 kHz normal baseline is decimated by 4).
 * 2. Train and test are split by record; a record passed to both sides (the single normal record)
 *    is split by time and reported in `within_record_split`.
 * 3. Training windows overlap (hop = window/4), test windows less (hop = window/2).
 * 4. Features: diagnosis-features.ts; standardised with training statistics only.
 * 5. Hyperparameters by record-held-out cross-validation on the training files only: fold i holds
 *    out the i-th record (by fault diameter) of every fault class with several training records;
 *    a class with one training record (normal) holds out the last quarter of its training span
 *    instead. 'mlp': the epoch count (mean best epoch); 'staged': the signature threshold of
 *    stage B (best mean balanced accuracy over the folds, ties to the more conservative, higher
 *    one). The final model is trained on all training windows.
 * 6. Test windows are predicted one by one (window accuracy) and per record by the mean of their
 *    probabilities (record accuracy).
 */
import * as tf from '../../tf/tfjs.js';
import { initSignal } from '../../signal/fft.js';
import {
  argmaxRow,
  balancedAccuracy,
  classificationReport,
  type ClassificationReport,
} from '../../maths/multiclass-metrics.js';
import {
  CLASSIFIER_DEFAULTS,
  fitStandardiser,
  predictProba,
  standardise,
  trainClassifier,
  type ClassifierOptions,
  type LabelledRows,
} from '../../state/diagnosis/classifier.js';
import {
  CWRU_LABELS,
  loadCwruRecord,
  overlappingRecords,
  planSplit,
  type DiagnosisRecord,
} from './cwru-dataset.js';
import {
  aggregateRecords,
  featureRows,
  labelIndex,
  toLabelled,
  validationFolds,
  type RecordResult,
  type WindowRow,
} from './cwru-windows.js';
import {
  DEFAULT_THRESHOLD,
  THRESHOLD_GRID,
  trainStagedClassifier,
  type NullStatistics,
} from '../../state/diagnosis/staged-classifier.js';
import { createDiagnosisFeatures } from '../../state/diagnosis/diagnosis-features.js';

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
  /** 'staged' only: the stage-B threshold picked, the CV score of each candidate, the null statistics. */
  signature_threshold: number | null;
  cv_threshold_scores: Record<string, number> | null;
  signature_nulls: readonly NullStatistics[] | null;
  window: number;
  sample_rate: number;
  seed: number;
  feature_set: { name: string; version: number; hash: string };
  feature_names: readonly string[];
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
  const rowsOf = (segments: Parameters<typeof featureRows>[0], hop: number): LabelledRows =>
    toLabelled(featureRows(segments, features, window, hop, cache), width);
  const stagedOptions: ClassifierOptions = {
    ...classifier,
    l2: options.classifier?.l2 ?? STAGED_L2,
    learningRate: options.classifier?.learningRate ?? STAGED_LEARNING_RATE,
    fixedEpochs: STAGED_EPOCHS,
  };

  const folds = validationFolds(plan.train, window);
  const bestEpochs: number[] = [];
  const thresholdScores = new Map<number, number[]>(THRESHOLD_GRID.map((t) => [t, []]));
  for (const [f, fold] of folds.entries()) {
    const tr = rowsOf(fold.train, trainHop);
    const va = rowsOf(fold.val, trainHop);
    const where = `fold ${f + 1}/${folds.length}: validate on ${fold.val.map((s) => s.record.id).join(', ')}`;
    if (options.model === 'mlp') {
      const st = fitStandardiser(tr.x, width);
      const result = await trainClassifier(
        { x: standardise(tr.x, st), y: tr.y },
        { x: standardise(va.x, st), y: va.y },
        width,
        CWRU_LABELS.length,
        { ...classifier, seed: seed + f },
      );
      result.model.dispose();
      bestEpochs.push(result.bestEpoch + 1);
      log(`${where}; best epoch ${result.bestEpoch + 1}, val loss ${result.bestValLoss.toFixed(3)}`);
    } else {
      const staged = await trainStagedClassifier(tr.x, tr.y, features.names, {
        ...stagedOptions,
        seed: seed + f,
      });
      const scores = THRESHOLD_GRID.map((t) => {
        const proba = staged.predict(va.x, t);
        const score = balancedAccuracy(
          va.y,
          Array.from(va.y, (_, i) => argmaxRow(proba, i, CWRU_LABELS.length)),
        );
        thresholdScores.get(t)!.push(score);
        return `${t}: ${score.toFixed(3)}`;
      });
      staged.dispose();
      log(`${where}; balanced accuracy per threshold ${scores.join(', ')}`);
    }
  }
  const epochs =
    options.model === 'mlp'
      ? Math.max(5, Math.round(bestEpochs.reduce((a, b) => a + b, 0) / bestEpochs.length))
      : STAGED_EPOCHS;
  const cvThreshold = Object.fromEntries(
    [...thresholdScores].map(([t, s]) => [
      thresholdKey(t),
      s.length ? round(s.reduce((a, b) => a + b, 0) / s.length) : NaN,
    ]),
  );
  // Highest mean score; on a tie the higher threshold (fewer false race calls).
  const threshold =
    folds.length === 0
      ? DEFAULT_THRESHOLD
      : [...THRESHOLD_GRID]
          .reverse()
          .reduce((best, t) => (cvThreshold[thresholdKey(t)]! > cvThreshold[thresholdKey(best)]! ? t : best));

  const trainRows = featureRows(plan.train, features, window, trainHop, cache);
  const testRows: WindowRow[] = featureRows(plan.test, features, window, testHop);
  const leaks = overlappingRecords(trainRows, testRows, window);
  if (leaks.length > 0) throw new Error(`train and test windows overlap in ${leaks.join(', ')}`);
  const trL = toLabelled(trainRows, width);
  const teL = toLabelled(testRows, width);
  log(`${options.model} model: ${features.names.length} features`);
  log(`final model: ${trainRows.length} training windows, ${epochs} epochs; ${testRows.length} test windows`);
  let proba: Float32Array;
  let nulls: readonly NullStatistics[] | null = null;
  if (options.model === 'mlp') {
    const st = fitStandardiser(trL.x, width);
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
    log(`signature threshold ${threshold} robust σ above the null (cross-validated)`);
    const staged = await trainStagedClassifier(trL.x, trL.y, features.names, stagedOptions, threshold);
    proba = staged.predict(teL.x);
    nulls = staged.nulls;
    staged.dispose();
  }
  tf.disposeVariables();

  const k = CWRU_LABELS.length;
  const predicted = testRows.map((_, i) => argmaxRow(proba, i, k));
  const report = classificationReport(CWRU_LABELS, teL.y, predicted);
  const recordResults: RecordResult[] = aggregateRecords(testRows, proba, predicted);
  const recordReport = classificationReport(
    CWRU_LABELS,
    recordResults.map((r) => labelIndex(r.label)),
    recordResults.map((r) => labelIndex(r.predicted)),
  );
  const staged = options.model === 'staged';
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
    signature_threshold: staged ? threshold : null,
    cv_threshold_scores: staged ? cvThreshold : null,
    signature_nulls: nulls,
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

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
/** "2.0", "2.5", …: not integer-like, so the JSON object keeps the grid's order. */
const thresholdKey = (t: number): string => t.toFixed(1);
