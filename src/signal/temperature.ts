/**
 * Temperature trend features of one window of readings. Timestamps are epoch milliseconds (any
 * origin works: the fit is centred on the mean time, so large epoch values lose no precision).
 */
export interface TemperatureFeatures {
  mean: number;
  max: number;
  /** Least-squares slope in degrees per hour; NaN with fewer than two distinct timestamps. */
  slopePerHour: number;
  /** mean − baseline (e.g. ambient or the asset's healthy running temperature); NaN without one. */
  riseOverBaseline: number;
}

const MS_PER_HOUR = 3_600_000;

export function temperatureFeatures(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  baseline?: number,
): TemperatureFeatures {
  const n = values.length;
  if (timestampsMs.length !== n) {
    throw new RangeError(`timestamps (${timestampsMs.length}) and values (${n}) differ in length`);
  }
  if (n === 0) return { mean: NaN, max: NaN, slopePerHour: NaN, riseOverBaseline: NaN };
  let sumT = 0;
  let sumV = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sumT += timestampsMs[i]!;
    sumV += values[i]!;
    if (values[i]! > max) max = values[i]!;
  }
  const meanT = sumT / n;
  const mean = sumV / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dt = timestampsMs[i]! - meanT;
    sxx += dt * dt;
    sxy += dt * (values[i]! - mean);
  }
  return {
    mean,
    max,
    slopePerHour: sxx > 0 ? (sxy / sxx) * MS_PER_HOUR : NaN,
    riseOverBaseline: baseline === undefined ? NaN : mean - baseline,
  };
}

/** Least-squares slope per hour on its own. */
export const temperatureSlopePerHour = (timestampsMs: ArrayLike<number>, values: ArrayLike<number>): number =>
  temperatureFeatures(timestampsMs, values).slopePerHour;
