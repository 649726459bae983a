/**
 * Trains the RUL ensemble end to end from runs to failure (one `AssetSequence` per asset).
 *
 * Sequences are split into K folds by key (K = members): member i trains on the other folds and
 * early-stops on fold i, so the ensemble as a whole has seen every asset, and every asset has out-of-fold
 * predictions from exactly one member. Those out-of-fold residuals calibrate the interval, which
 * makes it slightly conservative for the ensemble mean (a single member errs more than the mean).
 */
import type * as tf from '../../tf/tfjs.js';
import { initBackend, type BackendLogger } from '../../tf/backend.js';
import {
  allSteps,
  encodeSequences,
  fitPreprocessing,
  inputFeatureNames,
  type AssetSequence,
} from '../../prognostics/rul/sequences.js';
import { calibrateInterval, intervalToJson } from '../../prognostics/rul/interval.js';
import { RUL_MANIFEST_KIND, type RulManifest } from '../../prognostics/rul/rul-manifest.js';
import {
  buildEnsembleNetwork,
  DEFAULT_NETWORK,
  type NetworkConfig,
} from '../../prognostics/rul/rul-network.js';
import { kFoldByUnit, splitByUnit } from '../../maths/split-by-unit.js';
import {
  runMemberInProcess,
  runMemberInWorker,
  type MemberJob,
  type MemberOutcome,
} from './member-runner.js';
import type { EpochCallback, MemberResult } from './train-member.js';
import { allWindows } from '../../prognostics/rul/windows.js';
import { median } from '../../maths/order-statistics.js';

export interface TrainRulOptions {
  name?: string;
  version?: string;
  source?: string;
  seed?: number;
  window?: number;
  cap?: number;
  /** Ensemble size; also the number of unit folds. 1 = a single model with a validation split. */
  members?: number;
  /** Only when members = 1. */
  validationFraction?: number;
  maxEpochs?: number;
  minEpochs?: number;
  patience?: number;
  lrSchedule?: 'plateau' | 'cosine';
  lrPatience?: number;
  batchSize?: number;
  learningRate?: number;
  /** Windows drawn per epoch (without replacement), so an epoch costs the same on every subset. */
  samplesPerEpoch?: number;
  /** Causal EMA weight of the newest step (1 = none); see encodeSequences. */
  smoothing?: number;
  /** Adds sensor-minus-own-baseline channels (mean of the first N cycles; 0 = off). */
  baselineCycles?: number;
  /** Adds the unit's age (cycle / median training life) as a feature. */
  cycleFeature?: boolean;
  /** Members trained at once, each in its own worker thread (1 = in this thread). */
  parallel?: number;
  /** Per-batch decay of the weight moving average that is validated and kept (0 = off). */
  weightAveraging?: number;
  /** Wall-clock budget for all members; a member stops at its share (after minEpochs). */
  maxTrainSeconds?: number;
  intervalLevel?: number;
  network?: Partial<Omit<NetworkConfig, 'window' | 'features'>>;
  onEpoch?: EpochCallback;
  onMemberEnd?: (member: number, result: MemberResult) => void;
  signal?: AbortSignal;
  logger?: BackendLogger;
}

export interface TrainRulResult {
  model: tf.LayersModel;
  manifest: RulManifest;
}

export const TRAIN_DEFAULTS = {
  seed: 42,
  window: 30,
  cap: 125,
  members: 4,
  validationFraction: 0.2,
  maxEpochs: 30,
  minEpochs: 5,
  patience: 7,
  lrSchedule: 'plateau' as 'plateau' | 'cosine',
  lrPatience: 4,
  batchSize: 256,
  learningRate: 0.002,
  samplesPerEpoch: 20_000,
  weightAveraging: 0.99,
  smoothing: 0.5,
  baselineCycles: 15,
  cycleFeature: true,
  parallel: 1,
  maxTrainSeconds: Infinity,
  intervalLevel: 0.8,
};

function medianLife(sequences: readonly AssetSequence[]): number {
  const last = new Map<number, number>();
  for (const s of sequences)
    for (const step of s.steps) last.set(s.key, Math.max(last.get(s.key) ?? 0, step.t));
  return last.size > 0 ? median([...last.values()]) : 1;
}

export async function trainRul(
  sequences: readonly AssetSequence[],
  options: TrainRulOptions = {},
): Promise<TrainRulResult> {
  const o = { ...TRAIN_DEFAULTS, ...options };
  const backend = await initBackend(o.logger);
  const startedAt = performance.now();
  const steps = allSteps(sequences);
  const prep = fitPreprocessing(sequences);
  // Typical life length of the training units sets the scale of the optional cycle feature.
  const cycleScale = o.cycleFeature ? medianLife(sequences) : 0;
  const encodeOptions = { smoothing: o.smoothing, baselineCycles: o.baselineCycles, cycleScale };
  const series = encodeSequences(sequences, prep, { ...encodeOptions, targetCap: o.cap });
  const featureNames = inputFeatureNames(prep.featureNames, encodeOptions);
  const width = featureNames.length;
  if (prep.featureNames.length === 0)
    throw new Error('no informative sensors: every sensor is constant within its regime');
  const network: NetworkConfig = { ...DEFAULT_NETWORK, ...o.network, window: o.window, features: width };

  const units = series.map((s) => s.key);
  const folds =
    o.members === 1
      ? [splitByUnit(units, o.validationFraction, o.seed).validation]
      : kFoldByUnit(units, o.members, o.seed);
  const members = folds.length;
  const { ensemble, members: memberModels } = buildEnsembleNetwork(network, members, o.seed);
  const windows = allWindows(series);
  const foldOf = new Map<number, number>();
  folds.forEach((fold, i) => fold.forEach((unit) => foldOf.set(unit, i)));
  const budgetEnd = startedAt + o.maxTrainSeconds * 1000;

  const cancelFlag = new SharedArrayBuffer(4);
  const cancel = (): void => {
    Atomics.store(new Int32Array(cancelFlag), 0, 1);
  };
  if (o.signal?.aborted) cancel();
  o.signal?.addEventListener('abort', cancel, { once: true });
  const parallel = Math.max(1, Math.min(o.parallel, members));
  const outcomes: MemberOutcome[] = new Array<MemberOutcome>(members);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < members) {
      const m = next++;
      const isVal = (ref: { sequence: number }): boolean => foldOf.get(series[ref.sequence]?.key ?? -1) === m;
      const now = performance.now();
      // Members still to start share what is left of the budget, `parallel` at a time.
      const budgetMs = ((budgetEnd - now) * parallel) / Math.max(parallel, members - m);
      const job: MemberJob = {
        member: m,
        ensembleSeed: o.seed,
        network,
        series,
        trainRefs: windows.filter((r) => !isVal(r)),
        valRefs: windows.filter(isVal),
        options: {
          member: m,
          members,
          seed: o.seed * 1000 + m,
          window: o.window,
          cap: o.cap,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          maxEpochs: o.maxEpochs,
          minEpochs: o.minEpochs,
          patience: o.patience,
          lrSchedule: o.lrSchedule,
          lrPatience: o.lrPatience,
          samplesPerEpoch: o.samplesPerEpoch,
          weightAveraging: o.weightAveraging,
        },
        budgetMs: Number.isFinite(budgetMs) ? budgetMs : Number.MAX_SAFE_INTEGER,
        elapsedMs: now - startedAt,
        cancelFlag,
      };
      const model = memberModels[m] as tf.LayersModel;
      const run = parallel > 1 ? runMemberInWorker : runMemberInProcess;
      const outcome = await run(model, job, o.onEpoch);
      outcomes[m] = outcome;
      o.onMemberEnd?.(m, outcome.result);
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, () => worker()));
  } catch (error) {
    cancel();
    ensemble.dispose();
    throw error;
  } finally {
    o.signal?.removeEventListener('abort', cancel);
  }
  const results = outcomes.map((x) => x.result);
  // Clipped like predictRul clips its point outputs, for the RMSE.
  const oofPred = outcomes.flatMap((x) => [...x.oofPred].map((p) => Math.min(o.cap, Math.max(0, p))));
  const oofTarget = outcomes.flatMap((x) => [...x.oofTarget]);
  const trainSeconds = (performance.now() - startedAt) / 1000;
  // The interval is calibrated on the output unclipped at 0 (as predictRul reads it for its
  // quantiles): below 0 it still orders how close the end is, which clipping would erase.
  const oofRaw = outcomes.flatMap((x) => [...x.oofPred].map((p) => Math.min(o.cap, p)));
  const interval = calibrateInterval(oofRaw, oofTarget, o.intervalLevel);
  const oofRmse = Math.sqrt(
    oofPred.reduce((s, p, i) => s + (p - (oofTarget[i] ?? 0)) ** 2, 0) / Math.max(1, oofPred.length),
  );
  const range = (values: number[]): [number, number] => [
    values.reduce((a, b) => Math.min(a, b), Infinity),
    values.reduce((a, b) => Math.max(a, b), -Infinity),
  ];

  const manifest: RulManifest = {
    kind: RUL_MANIFEST_KIND,
    schemaVersion: 1,
    name: o.name ?? 'rul',
    version: o.version ?? '1',
    createdAt: new Date().toISOString(),
    architecture: 'toeplitz-dcnn-ensemble',
    network,
    members,
    window: o.window,
    cap: o.cap,
    smoothing: o.smoothing,
    baselineCycles: o.baselineCycles,
    cycleScale,
    featureNames,
    sensorIndices: prep.normaliser.sensorIndices,
    settingsCount: steps[0]?.conditions.length ?? 0,
    sensorCount: steps[0]?.values.length ?? 0,
    regimes: prep.regimes,
    normalisation: { mean: prep.normaliser.mean, std: prep.normaliser.std },
    interval: intervalToJson(interval),
    training: {
      seed: o.seed,
      members,
      folds,
      bestEpochs: results.map((r) => r.bestEpoch + 1),
      epochsRun: results.map((r) => r.epochsRun),
      validationRmse: results.map((r) => r.bestValRmse),
      outOfFoldRmse: oofRmse,
      trainSeconds,
      backend: backend.name,
      tfjsVersion: backend.tfjsVersion,
      hyperparameters: {
        window: o.window,
        cap: o.cap,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        maxEpochs: o.maxEpochs,
        minEpochs: o.minEpochs,
        patience: o.patience,
        lrPatience: o.lrPatience,
        cosineSchedule: o.lrSchedule === 'cosine' ? 1 : 0,
        samplesPerEpoch: o.samplesPerEpoch,
        intervalLevel: o.intervalLevel,
        smoothing: o.smoothing,
        weightAveraging: o.weightAveraging,
        baselineCycles: o.baselineCycles,
        cycleScale,
        parallel: o.parallel,
      },
      data: {
        ...(o.source ? { source: o.source } : {}),
        rows: steps.length,
        units: units.length,
        unitRange: range(units),
        cycleRange: range(steps.map((r) => r.t)),
      },
    },
  };
  return { model: ensemble, manifest };
}
