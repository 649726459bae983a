/**
 * How one forecast becomes one number to rank a fleet by. Each signal is mapped to 0..1 and
 * the largest wins: a machine in ISO zone D is urgent whatever the model says, and a short RUL
 * is urgent in zone A. Pure, so the dashboard and the rules can explain a rank.
 */
import { normalCdf, normalQuantile } from '../maths/normal.js';
import type { IsoZone } from '../state/iso20816.js';

export interface RiskInputs {
  isoZone: IsoZone | null;
  anomalyScore: number | null;
  failureProbability: number | null;
  rulLowerHours: number | null;
  /** Planning lead time: a lower RUL bound at or below it is maximal risk. */
  leadTimeHours: number;
}

const ZONE_RISK: Record<IsoZone, number> = { A: 0.05, B: 0.25, C: 0.6, D: 0.9 };

export function riskScore(r: RiskInputs): { risk: number; driver: string } {
  const parts: Array<[string, number]> = [];
  if (r.isoZone) parts.push([`ISO zone ${r.isoZone}`, ZONE_RISK[r.isoZone]]);
  if (r.anomalyScore !== null) parts.push(['anomaly', 0.8 * clamp01(r.anomalyScore)]);
  if (r.failureProbability !== null) parts.push(['failure probability', clamp01(r.failureProbability)]);
  if (r.rulLowerHours !== null) {
    // 1 at or under the lead time, falling to 0 at four lead times.
    const x = (r.rulLowerHours - r.leadTimeHours) / (3 * r.leadTimeHours);
    parts.push(['remaining useful life', clamp01(1 - x)]);
  }
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
