/**
 * How one forecast becomes one number to rank a fleet by. Each signal is mapped to 0..1 and
 * the largest wins: a machine in ISO zone D is urgent whatever the model says, and a short RUL
 * is urgent in zone A. The RUL's part is the probability of failing before the planning lead
 * time, read from the same distribution as the failure probability within the horizon
 * (failureProbabilityFromRul), so the two figures on a row cannot contradict each other and a
 * machine whose whole interval lies past the lead time reads low. Pure, so the dashboard and
 * the rules can explain a rank.
 */
import { normalCdf, normalQuantile } from '../maths/normal.js';
import type { IsoZone } from '../state/iso20816.js';

export interface RiskInputs {
  isoZone: IsoZone | null;
  anomalyScore: number | null;
  failureProbability: number | null;
  /** P(RUL < planning lead time), from the RUL's predictive distribution. */
  rulBeforeLeadTime: number | null;
}

const ZONE_RISK: Record<IsoZone, number> = { A: 0.05, B: 0.25, C: 0.6, D: 0.9 };

export function riskScore(r: RiskInputs): { risk: number; driver: string } {
  const parts: Array<[string, number]> = [];
  if (r.isoZone) parts.push([`ISO zone ${r.isoZone}`, ZONE_RISK[r.isoZone]]);
  if (r.anomalyScore !== null) parts.push(['anomaly', 0.8 * clamp01(r.anomalyScore)]);
  if (r.failureProbability !== null) parts.push(['failure probability', clamp01(r.failureProbability)]);
  if (r.rulBeforeLeadTime !== null) parts.push(['remaining useful life', clamp01(r.rulBeforeLeadTime)]);
  if (parts.length === 0) return { risk: 0, driver: 'no evidence' };
  const [driver, risk] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { risk: clamp01(risk), driver };
}

/** P(RUL < horizon) from an interval read as a normal distribution (the interval's level gives
 * its z), when no dedicated failure-risk model serves this asset. */
export function failureProbabilityFromRul(
  rul: number,
  lower: number,
  upper: number,
  level: number,
  horizon: number,
): number {
  const z = normalQuantile(0.5 + level / 2);
  const sigma = Math.max(1e-9, (upper - lower) / (2 * z));
  return clamp01(normalCdf((horizon - rul) / sigma));
}

export const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
