/**
 * How one forecast becomes one number to rank a fleet by. Each signal is mapped to 0..1 and
 * the largest wins: a machine in ISO zone D is urgent whatever the model says, and a short RUL
 * is urgent in zone A. Pure, so the dashboard and the rules can explain a rank.
 */
import type { IsoZone } from '../signal/iso20816.js';

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

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 on erf; |error| < 1.5e-7, ample for a risk figure.
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function normalQuantile(p: number): number {
  // Bisection on the CDF: called once per forecast with a fixed level, so speed is moot.
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
