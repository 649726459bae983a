/**
 * Sliding windows over unit series, built on demand per batch (materialising every window of a
 * large subset would copy the data `window` times). A window ending before the unit's `window`-th
 * cycle is padded at the front with the unit's first row, as short test units are.
 */
import type { UnitSeries } from './features.js';

/** One sample: the window of `series[unit]` ending at row `end`. */
export interface WindowRef {
  unit: number;
  end: number;
}

export function allWindows(series: readonly UnitSeries[]): WindowRef[] {
  const refs: WindowRef[] = [];
  series.forEach((s, unit) => {
    for (let end = 0; end < s.cycles.length; end++) refs.push({ unit, end });
  });
  return refs;
}

export function lastWindows(series: readonly UnitSeries[]): WindowRef[] {
  return series.map((s, unit) => ({ unit, end: s.cycles.length - 1 }));
}

export function fillWindows(
  series: readonly UnitSeries[],
  refs: readonly WindowRef[],
  window: number,
  width: number,
): Float32Array {
  const out = new Float32Array(refs.length * window * width);
  refs.forEach((ref, b) => {
    const features = (series[ref.unit] as UnitSeries).features;
    for (let k = 0; k < window; k++) {
      const row = Math.max(0, ref.end - window + 1 + k);
      out.set(features.subarray(row * width, (row + 1) * width), (b * window + k) * width);
    }
  });
  return out;
}

export function windowTargets(series: readonly UnitSeries[], refs: readonly WindowRef[]): Float32Array {
  return Float32Array.from(refs, (ref) => series[ref.unit]?.targets?.[ref.end] ?? NaN);
}
