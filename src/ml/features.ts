/**
 * From raw run-to-failure rows to per-unit feature matrices: regime assignment, per-regime
 * normalisation and (for training) capped RUL targets. The same fitted `Preprocessing` is stored
 * in the model manifest so inference applies exactly the training transform.
 */
import { discoverRegimes, regimeAssigner, type RegimeModel, type RegimeOptions } from './regimes.js';
import {
  fitRegimeNormaliser,
  normaliseInto,
  type NormaliserOptions,
  type RegimeNormaliser,
} from './normalisation.js';

export interface RunRow {
  unit: number;
  cycle: number;
  settings: readonly number[];
  sensors: readonly number[];
}

export interface Preprocessing {
  regimes: RegimeModel;
  normaliser: RegimeNormaliser;
  featureNames: string[];
}

export interface UnitSeries {
  unit: number;
  cycles: number[];
  /** Row-major [cycles × features]. */
  features: Float32Array;
  /** Capped RUL per cycle; present for run-to-failure (training) series. */
  targets?: Float32Array;
}

export function fitPreprocessing(
  rows: readonly RunRow[],
  options: { regimes?: RegimeOptions; normaliser?: NormaliserOptions } = {},
): Preprocessing {
  const regimes = discoverRegimes(
    rows.map((r) => [...r.settings]),
    options.regimes,
  );
  const assign = regimeAssigner(regimes);
  const labels = rows.map((r) => assign(r.settings));
  const normaliser = fitRegimeNormaliser(
    rows.map((r) => r.sensors),
    labels,
    regimes.centroids.length,
    options.normaliser,
  );
  return { regimes, normaliser, featureNames: normaliser.sensorIndices.map((j) => `sensor_${j + 1}`) };
}

export interface SeriesOptions {
  /** Capped RUL targets are attached when set (run-to-failure rows). */
  targetCap?: number;
  /**
   * Weight of the newest row in a causal exponential moving average of each sensor feature
   * (1 = no smoothing). It only looks back, so a unit cut short (a test unit, live data) is
   * transformed exactly as the same cycles were in training.
   */
  smoothing?: number;
  /**
   * When > 0, every sensor feature gets a second channel: its value minus the unit's own
   * baseline, the mean of its first `baselineCycles` rows (of the rows seen so far while the unit
   * is younger). It removes each engine's manufacturing offset, so degradation reads the same on
   * every unit; it is causal, so a truncated unit gets exactly the values it had in training.
   */
  baselineCycles?: number;
  /** When > 0, an extra last feature: cycle / cycleScale (the unit's age). */
  cycleScale?: number;
}

/** Names of the model inputs for the given options, in channel order. */
export function inputFeatureNames(sensorNames: readonly string[], options: SeriesOptions): string[] {
  return [
    ...sensorNames,
    ...((options.baselineCycles ?? 0) > 0 ? sensorNames.map((n) => `${n}_minus_baseline`) : []),
    ...((options.cycleScale ?? 0) > 0 ? ['cycle'] : []),
  ];
}

/** Groups rows by unit (sorted by cycle) and applies the transform. */
export function toUnitSeries(
  rows: readonly RunRow[],
  prep: Pick<Preprocessing, 'regimes' | 'normaliser'>,
  options: SeriesOptions = {},
): UnitSeries[] {
  const { targetCap, smoothing = 1, baselineCycles = 0, cycleScale = 0 } = options;
  const byUnit = new Map<number, RunRow[]>();
  for (const row of rows) {
    const list = byUnit.get(row.unit);
    if (list) list.push(row);
    else byUnit.set(row.unit, [row]);
  }
  const assign = regimeAssigner(prep.regimes);
  const sensors = prep.normaliser.sensorIndices.length;
  const deltas = baselineCycles > 0 ? sensors : 0;
  const width = sensors + deltas + (cycleScale > 0 ? 1 : 0);
  const series: UnitSeries[] = [];
  for (const [unit, list] of byUnit) {
    list.sort((a, b) => a.cycle - b.cycle);
    const features = new Float32Array(list.length * width);
    list.forEach((row, i) => {
      normaliseInto(prep.normaliser, assign(row.settings), row.sensors, features, i * width);
      if (cycleScale > 0) features[i * width + sensors + deltas] = row.cycle / cycleScale;
    });
    if (smoothing < 1) {
      for (let i = 1; i < list.length; i++) {
        for (let f = 0; f < sensors; f++) {
          const k = i * width + f;
          features[k] = smoothing * (features[k] ?? 0) + (1 - smoothing) * (features[k - width] ?? 0);
        }
      }
    }
    if (deltas > 0) {
      const sum = new Float64Array(sensors);
      for (let i = 0; i < list.length; i++) {
        const row = i * width;
        if (i < baselineCycles)
          for (let f = 0; f < sensors; f++) sum[f] = (sum[f] ?? 0) + (features[row + f] ?? 0);
        const n = Math.min(i + 1, baselineCycles);
        for (let f = 0; f < sensors; f++)
          features[row + sensors + f] = (features[row + f] ?? 0) - (sum[f] ?? 0) / n;
      }
    }
    const cycles = list.map((r) => r.cycle);
    const s: UnitSeries = { unit, cycles, features };
    if (targetCap !== undefined) {
      const last = cycles[cycles.length - 1] ?? 0;
      s.targets = Float32Array.from(cycles, (c) => Math.min(targetCap, last - c));
    }
    series.push(s);
  }
  return series;
}
