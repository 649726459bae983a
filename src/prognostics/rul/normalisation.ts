/**
 * Per-regime sensor normalisation: z-score each sensor with the mean and standard deviation of
 * its operating regime, so a change of operating condition does not look like degradation.
 * Sensors that are (near-)constant inside regimes carry no degradation signal and are dropped.
 */

export interface RegimeNormaliser {
  /** Indices into the raw sensor vector of the sensors kept as features. */
  sensorIndices: number[];
  /** [regime][feature] */
  mean: number[][];
  std: number[][];
}

export interface NormaliserOptions {
  /** A sensor is dropped when its pooled within-regime std is below this × (1 + |mean|). */
  relativeStdFloor?: number;
  /**
   * A sensor is also dropped when its regime's most common value covers at least this share of
   * rows (pooled over regimes): quantised sensors that almost never move, such as FD001 sensor 6.
   */
  maxModeShare?: number;
}

export function fitRegimeNormaliser(
  sensors: readonly (readonly number[])[],
  regimes: readonly number[],
  regimeCount: number,
  options: NormaliserOptions = {},
): RegimeNormaliser {
  const { relativeStdFloor = 1e-6, maxModeShare = 0.9 } = options;
  const width = sensors[0]?.length ?? 0;
  const n = sensors.length;
  const count = new Array<number>(regimeCount).fill(0);
  regimes.forEach((r) => (count[r] = (count[r] ?? 0) + 1));
  const mean = Array.from({ length: regimeCount }, () => new Array<number>(width).fill(0));
  const sq = Array.from({ length: regimeCount }, () => new Array<number>(width).fill(0));
  sensors.forEach((row, i) => {
    const m = mean[regimes[i] ?? 0] as number[];
    row.forEach((v, j) => (m[j] = (m[j] ?? 0) + v));
  });
  mean.forEach((m, r) => m.forEach((v, j) => (m[j] = v / Math.max(1, count[r] ?? 0))));
  sensors.forEach((row, i) => {
    const r = regimes[i] ?? 0;
    const m = mean[r] as number[];
    const s = sq[r] as number[];
    row.forEach((v, j) => (s[j] = (s[j] ?? 0) + (v - (m[j] ?? 0)) ** 2));
  });
  const std = sq.map((s, r) => s.map((v) => Math.sqrt(v / Math.max(1, count[r] ?? 0))));

  const kept: number[] = [];
  for (let j = 0; j < width; j++) {
    let pooledSq = 0;
    let absMean = 0;
    const values = Array.from({ length: regimeCount }, () => new Map<number, number>());
    sensors.forEach((row, i) => {
      const m = values[regimes[i] ?? 0] as Map<number, number>;
      m.set(row[j] ?? 0, (m.get(row[j] ?? 0) ?? 0) + 1);
    });
    let modeRows = 0;
    for (let r = 0; r < regimeCount; r++) {
      pooledSq += sq[r]?.[j] ?? 0;
      absMean += Math.abs(mean[r]?.[j] ?? 0) * (count[r] ?? 0);
      const m = values[r] as Map<number, number>;
      modeRows += m.size > 0 ? Math.max(...m.values()) : 0;
    }
    const pooledStd = Math.sqrt(pooledSq / Math.max(1, n));
    const constant = pooledStd < relativeStdFloor * (1 + absMean / Math.max(1, n));
    if (!constant && modeRows / Math.max(1, n) < maxModeShare) kept.push(j);
  }

  // A regime where a kept sensor happens to be flat must not divide by ~0: floor its std at a
  // tenth of the sensor's pooled within-regime std.
  const pooled = kept.map((j) => {
    let s = 0;
    for (let r = 0; r < regimeCount; r++) s += sq[r]?.[j] ?? 0;
    return Math.sqrt(s / Math.max(1, n));
  });
  return {
    sensorIndices: kept,
    mean: mean.map((m) => kept.map((j) => m[j] ?? 0)),
    std: std.map((s) => kept.map((j, f) => Math.max(s[j] ?? 0, 0.1 * (pooled[f] ?? 0), 1e-12))),
  };
}

/** Writes the normalised features of one row into `out` at `offset`. */
export function normaliseInto(
  norm: RegimeNormaliser,
  regime: number,
  sensors: readonly number[],
  out: Float32Array,
  offset: number,
): void {
  const mean = norm.mean[regime] ?? [];
  const std = norm.std[regime] ?? [];
  norm.sensorIndices.forEach((j, f) => {
    out[offset + f] = ((sensors[j] ?? 0) - (mean[f] ?? 0)) / (std[f] ?? 1);
  });
}
