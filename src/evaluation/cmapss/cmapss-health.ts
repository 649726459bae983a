/**
 * Validation of the health model on C-MAPSS run-to-failure engines: the first `healthyFraction`
 * of each training engine's life is taken as healthy (early cycles of FD001 are), the model is
 * trained on that, and every cycle of engines held out by unit is scored. A useful health index
 * rises toward failure: Spearman correlation of score vs life fraction (cycle / last cycle),
 * and the mean score over the first and the last 10 % of life.
 */
import type * as tf from '../../tf/tfjs.js';
import type { CmapssRow } from '../../acquisition/formats/cmapss.js';
import { splitByUnit } from '../../maths/split-by-unit.js';
import { tabularFeatureSet } from '../../features/feature-set-ref.js';
import type { HealthManifest } from '../../health/health-manifest.js';
import { scoreHealth, trainHealthModel, type TrainHealthOptions } from '../../health/health-model.js';
import { spearman } from '../../maths/ranks.js';

/** 1-based sensors that move with degradation in FD001; the other seven are flat or quantised. */
const CMAPSS_HEALTH_SENSORS = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21];

function cmapssHealthFeatureSet(sensors: readonly number[] = CMAPSS_HEALTH_SENSORS) {
  return tabularFeatureSet(
    'cmapss-sensors',
    1,
    sensors.map((s) => `sensor_${s}`),
    { source: 'C-MAPSS raw sensor values, single operating regime', sensors: [...sensors] },
  );
}

function cmapssVector(row: CmapssRow, sensors: readonly number[] = CMAPSS_HEALTH_SENSORS): number[] {
  return sensors.map((s) => row.sensors[s - 1] ?? NaN);
}

/**
 * One vector per row (rows sorted by unit then cycle): the mean of the selected sensors over
 * the unit's last `window` cycles up to and including this one. Causal, so a live engine gets
 * the same transform; it averages out the sensor noise that otherwise hides early drift.
 */
export function cmapssVectors(
  sortedRows: readonly CmapssRow[],
  sensors: readonly number[] = CMAPSS_HEALTH_SENSORS,
  window = 1,
): number[][] {
  const raw = sortedRows.map((r) => cmapssVector(r, sensors));
  return raw.map((v, i) => {
    const unit = sortedRows[i]?.unit;
    const out = [...v];
    let n = 1;
    for (let k = i - 1; k >= 0 && k > i - window && sortedRows[k]?.unit === unit; k--, n++) {
      raw[k]?.forEach((x, j) => (out[j] = (out[j] ?? 0) + x));
    }
    return out.map((x) => x / n);
  });
}

function lastCycles(rows: readonly CmapssRow[]): Map<number, number> {
  const last = new Map<number, number>();
  for (const r of rows) last.set(r.unit, Math.max(last.get(r.unit) ?? 0, r.cycle));
  return last;
}

export interface CmapssHealthEvaluation {
  trainUnits: number;
  evalUnits: number;
  healthyRows: number;
  evalRows: number;
  window: number;
  /** Pooled over every cycle of the held-out engines. */
  spearman: number;
  /** Median over held-out engines of the per-engine Spearman. */
  spearmanMedianPerUnit: number;
  meanScoreFirst10: number;
  meanScoreLast10: number;
  /** Share of last-10 % cycles with score > 0.5 (rarer than 1 in 100 healthy vectors). */
  alarmRateLast10: number;
  alarmRateFirst10: number;
  epochsRun: number;
  seed: number;
}

export interface CmapssHealthOptions extends Partial<
  Omit<TrainHealthOptions, 'healthy' | 'featureNames' | 'featureSet' | 'groups'>
> {
  healthyFraction?: number;
  evalFraction?: number;
  sensors?: number[];
  /** Causal rolling-mean window over cycles applied to the sensors (1 = raw values). */
  window?: number;
}

export async function evaluateCmapssHealth(
  rows: readonly CmapssRow[],
  options: CmapssHealthOptions = {},
): Promise<{ model: tf.LayersModel; manifest: HealthManifest; evaluation: CmapssHealthEvaluation }> {
  const {
    healthyFraction = 0.3,
    evalFraction = 0.2,
    sensors = CMAPSS_HEALTH_SENSORS,
    window = 1,
    ...train
  } = options;
  const seed = train.seed ?? 42;
  const last = lastCycles(rows);
  const split = splitByUnit([...last.keys()], evalFraction, seed);
  const trainUnits = new Set(split.train);
  const evalUnits = new Set(split.validation);
  const sorted = [...rows].sort((a, b) => a.unit - b.unit || a.cycle - b.cycle);
  const vectors = cmapssVectors(sorted, sensors, window);
  const healthyIdx = sorted.flatMap((r, i) =>
    trainUnits.has(r.unit) && r.cycle <= healthyFraction * (last.get(r.unit) ?? 0) ? [i] : [],
  );
  const healthyRows = healthyIdx.map((i) => sorted[i] as CmapssRow);
  const set = cmapssHealthFeatureSet(sensors);
  const { model, manifest } = await trainHealthModel({
    ...train,
    seed,
    featureNames: set.featureNames,
    featureSet: set,
    healthy: healthyIdx.map((i) => vectors[i] ?? []),
    groups: healthyRows.map((r) => r.unit),
  });

  const evalIdx = sorted.flatMap((r, i) => (evalUnits.has(r.unit) ? [i] : []));
  const evalRows = evalIdx.map((i) => sorted[i] as CmapssRow);
  const scores = scoreHealth(
    model,
    manifest,
    evalIdx.map((i) => vectors[i] ?? []),
    { topK: 0 },
  ).map((s) => s.score);
  const fraction = evalRows.map((r) => r.cycle / (last.get(r.unit) ?? 1));
  const perUnit: number[] = [];
  let start = 0;
  for (let i = 1; i <= evalRows.length; i++) {
    if (i === evalRows.length || evalRows[i]?.unit !== evalRows[start]?.unit) {
      perUnit.push(spearman(scores.slice(start, i), fraction.slice(start, i)));
      start = i;
    }
  }
  const select = (pred: (f: number) => boolean) => scores.filter((_, i) => pred(fraction[i] ?? 0));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const first = select((f) => f <= 0.1);
  const lastTenth = select((f) => f > 0.9);
  const finite = perUnit.filter(Number.isFinite).sort((a, b) => a - b);
  const evaluation: CmapssHealthEvaluation = {
    trainUnits: trainUnits.size,
    evalUnits: evalUnits.size,
    healthyRows: healthyRows.length,
    evalRows: evalRows.length,
    window,
    spearman: spearman(scores, fraction),
    spearmanMedianPerUnit:
      finite.length > 0
        ? ((finite[Math.floor((finite.length - 1) / 2)] ?? NaN) +
            (finite[Math.ceil((finite.length - 1) / 2)] ?? NaN)) /
          2
        : NaN,
    meanScoreFirst10: mean(first),
    meanScoreLast10: mean(lastTenth),
    alarmRateFirst10: mean(first.map((s) => (s > 0.5 ? 1 : 0))),
    alarmRateLast10: mean(lastTenth.map((s) => (s > 0.5 ? 1 : 0))),
    epochsRun: manifest.training.epochsRun,
    seed,
  };
  manifest.metrics = { ...manifest.metrics, ...evaluation };
  return { model, manifest, evaluation };
}
