/**
 * Suitability of a health indicator for prognostics, from run-to-failure histories, after
 * J. Coble & J. W. Hines, "Identifying Optimal Prognostic Parameters from Data: A Genetic
 * Algorithms Approach", Annual Conference of the PHM Society, 2009 (the same three measures as
 * MATLAB's Predictive Maintenance Toolbox `monotonicity`, `trendability`, `prognosability`).
 * Each is in [0, 1], 1 best. A run is the indicator's values in time order, first capture to
 * failure. The exact variants used here:
 * - monotonicity: mean over runs of |#(Δx > 0) − #(Δx < 0)| / (n − 1) (Coble & Hines eq. 1;
 *   MATLAB's default "sign" method). Equal consecutive values count for neither side.
 * - trendability: min over pairs of runs of |Pearson corr| between the two runs resampled
 *   (linear interpolation) on normalised life 0…1 to a common grid (Coble & Hines take the
 *   minimum over pairs; resampling is how runs of unequal length are compared). A single run has
 *   no pair: its trendability is NaN, not 1.
 * - prognosability: exp(−std(failure values) / mean |failure value − start value|) (Coble &
 *   Hines eq. 3; std with ddof = 1, as MATLAB's std). Runs that end where they start give 0.
 * The "start value" and "failure value" are the first and last values of each run; callers
 * smooth first when single captures are noisy (the measures say what the indicator is, noise
 * included).
 */
import { pearson } from '../../maths/ranks.js';

export type Run = readonly number[];

function assertRuns(runs: readonly Run[], min: number, what: string): void {
  if (runs.length === 0) throw new RangeError(`${what}: no run`);
  for (const r of runs)
    if (r.length < min) throw new RangeError(`${what}: a run has fewer than ${min} values`);
}

export function monotonicity(runs: readonly Run[]): number {
  assertRuns(runs, 2, 'monotonicity');
  let sum = 0;
  for (const r of runs) {
    let up = 0;
    let down = 0;
    for (let i = 1; i < r.length; i++) {
      if (r[i]! > r[i - 1]!) up++;
      else if (r[i]! < r[i - 1]!) down++;
    }
    sum += Math.abs(up - down) / (r.length - 1);
  }
  return sum / runs.length;
}

/** `points` values of a run at normalised life 0, 1/(points−1), …, 1 (linear interpolation). */
export function resampleOnLife(run: Run, points: number): number[] {
  const n = run.length;
  return Array.from({ length: points }, (_, k) => {
    const pos = (k / (points - 1)) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return run[lo]! + (pos - lo) * (run[hi]! - run[lo]!);
  });
}

export function trendability(runs: readonly Run[], points = 100): number {
  assertRuns(runs, 2, 'trendability');
  if (runs.length < 2) return NaN;
  const grid = runs.map((r) => resampleOnLife(r, points));
  let min = Infinity;
  for (let j = 0; j < grid.length; j++) {
    for (let k = j + 1; k < grid.length; k++) {
      const c = pearson(grid[j]!, grid[k]!);
      // A constant run correlates with nothing: the indicator does not trend.
      min = Math.min(min, Number.isNaN(c) ? 0 : Math.abs(c));
    }
  }
  return min;
}

export function prognosability(runs: readonly Run[]): number {
  assertRuns(runs, 1, 'prognosability');
  const ends = runs.map((r) => r.at(-1)!);
  const mean = ends.reduce((a, b) => a + b, 0) / ends.length;
  const std =
    ends.length > 1 ? Math.sqrt(ends.reduce((a, b) => a + (b - mean) ** 2, 0) / (ends.length - 1)) : 0;
  const range = runs.reduce((a, r) => a + Math.abs(r.at(-1)! - r[0]!), 0) / runs.length;
  return range > 0 ? Math.exp(-std / range) : 0;
}

export interface PrognosticFitness {
  monotonicity: number;
  trendability: number;
  prognosability: number;
  /** monotonicity + trendability + prognosability, equal weights (Coble & Hines' fitness). */
  fitness: number;
}

export function prognosticFitness(runs: readonly Run[], points = 100): PrognosticFitness {
  const m = monotonicity(runs);
  const t = trendability(runs, points);
  const p = prognosability(runs);
  // With a single run there is no trendability: the fitness is what can be measured.
  return { monotonicity: m, trendability: t, prognosability: p, fitness: m + (Number.isNaN(t) ? 0 : t) + p };
}
