/**
 * Which health indicator a FEMTO model detects the onset on, chosen on its run-to-failure
 * training bearings by Coble & Hines' fitness (prognostics/indicators/prognostic-metrics.ts):
 * monotonicity + trendability + prognosability, equal weights, each on the candidate's whole
 * run (first snapshot to failure). A held-out bearing never takes part in its own choice.
 */
import {
  prognosticFitness,
  type PrognosticFitness,
} from '../../prognostics/indicators/prognostic-metrics.js';
import { candidateSeries, INDICATOR_CANDIDATES, type SnapshotIndicators } from './health-indicator.js';

export interface CandidateScore extends PrognosticFitness {
  name: string;
}

/** Every candidate every run carries, best fitness first (ties: the earlier candidate). */
export function scoreCandidates(
  runs: readonly (readonly SnapshotIndicators[])[],
  baselineSnapshots: number,
): CandidateScore[] {
  if (runs.length === 0) throw new RangeError('no run-to-failure run to choose an indicator on');
  const scores: CandidateScore[] = [];
  for (const c of INDICATOR_CANDIDATES) {
    const series = runs.map((r) => candidateSeries(r, c, baselineSnapshots));
    if (series.some((s) => s === null || s.smoothed.length < 2)) continue;
    scores.push({ name: c.name, ...prognosticFitness(series.map((s) => s!.smoothed)) });
  }
  if (scores.length === 0) throw new RangeError('no health indicator is defined on every training run');
  return scores.sort((a, b) => b.fitness - a.fitness);
}
