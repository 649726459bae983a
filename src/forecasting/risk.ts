/**
 * How one forecast becomes one number to rank a fleet by: the probability that the machine
 * fails before the planning lead time. Its RUL part is read from the forecast's predictive
 * distribution (prognostics/rul/rul-distribution.ts), the one the RUL, its interval and the
 * failure probability within the horizon come from, so the figures on a row tell one story.
 * Other evidence joins only when it is itself a probability of failure before the lead time: a
 * failure classifier's probability within a horizon no longer than the lead time is a lower
 * bound of it, so the larger of the two is the estimate. ISO zone and anomaly score are not
 * probabilities of failure (a zone D machine can run for weeks): they rank an asset only when no
 * probabilistic model serves it, a heuristic the driver names. Pure, so the dashboard and the
 * rules can explain a rank.
 */
import type { IsoZone } from '../state/iso20816.js';

export interface RiskInputs {
  isoZone: IsoZone | null;
  anomalyScore: number | null;
  /** A failure probability within `failureHorizonHours` (the RUL distribution's or a classifier's). */
  failureProbability: number | null;
  failureHorizonHours: number;
  leadTimeHours: number;
  /** P(RUL < planning lead time), from the RUL's predictive distribution. */
  rulBeforeLeadTime: number | null;
}

const ZONE_RISK: Record<IsoZone, number> = { A: 0.05, B: 0.25, C: 0.6, D: 0.9 };

const largest = (parts: Array<[string, number]>): { risk: number; driver: string } => {
  const [driver, risk] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { risk: clamp01(risk), driver };
};

export function riskScore(r: RiskInputs): { risk: number; driver: string } {
  const probabilities: Array<[string, number]> = [];
  if (r.rulBeforeLeadTime !== null)
    probabilities.push(['remaining useful life', clamp01(r.rulBeforeLeadTime)]);
  if (r.failureProbability !== null && r.failureHorizonHours <= r.leadTimeHours)
    probabilities.push(['failure probability', clamp01(r.failureProbability)]);
  if (probabilities.length > 0) return largest(probabilities);
  const heuristics: Array<[string, number]> = [];
  if (r.isoZone) heuristics.push([`ISO zone ${r.isoZone} (no failure model)`, ZONE_RISK[r.isoZone]]);
  if (r.anomalyScore !== null) heuristics.push(['anomaly (no failure model)', 0.8 * clamp01(r.anomalyScore)]);
  if (heuristics.length === 0) return { risk: 0, driver: 'no evidence' };
  return largest(heuristics);
}

export const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
