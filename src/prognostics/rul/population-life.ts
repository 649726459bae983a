/**
 * Life of a population of like assets from its run-to-failure and suspension history, and what it
 * says about one asset that has run t without failing: the remaining life T − t given T > t.
 * This is the RUL before any degradation is seen — the asset's own signal says nothing yet, so
 * the population's conditional remaining life, with its wide interval, is the honest answer.
 *
 * - Kaplan–Meier: the product-limit survival S(t) = Π_{t_i ≤ t} (1 − d_i / n_i) over distinct
 *   failure times t_i, d_i failures at t_i, n_i units still at risk just before t_i (a unit
 *   suspended at t_i counts as at risk at t_i, the usual convention). Beyond the last observed
 *   time S is unknown: a quantile that falls there is reported as Infinity.
 * - Weibull by maximum likelihood with right-censoring: the shape β solves
 *   Σ t^β ln t / Σ t^β − 1/β − (1/r) Σ_failures ln t = 0 (sums over all units, r failures;
 *   Lawless, Statistical Models and Methods for Lifetime Data, 2nd ed., the Weibull chapter), whose left side
 *   increases with β, so it is bracketed and bisected; then η = (Σ t^β / r)^(1/β).
 */

export interface LifeRecord {
  /** Running time at failure or at suspension (removed, still working, or still running now). */
  time: number;
  failed: boolean;
}

function assertRecords(records: readonly LifeRecord[]): void {
  if (records.length === 0) throw new RangeError('population life: no unit');
  for (const r of records) {
    if (!(Number.isFinite(r.time) && r.time > 0))
      throw new RangeError(`population life: time ${r.time} is not > 0`);
  }
  if (!records.some((r) => r.failed)) throw new RangeError('population life: no failure among the units');
}

export interface KaplanMeier {
  /** Distinct failure times, ascending, and S just after each. */
  times: number[];
  survival: number[];
  /** Largest observed time, failure or suspension: S is known up to here. */
  lastObserved: number;
}

export function kaplanMeier(records: readonly LifeRecord[]): KaplanMeier {
  assertRecords(records);
  const sorted = [...records].sort((a, b) => a.time - b.time);
  const times: number[] = [];
  const survival: number[] = [];
  let atRisk = sorted.length;
  let s = 1;
  for (let i = 0; i < sorted.length;) {
    const t = sorted[i]!.time;
    let deaths = 0;
    let leaving = 0;
    for (; i < sorted.length && sorted[i]!.time === t; i++) {
      leaving++;
      if (sorted[i]!.failed) deaths++;
    }
    if (deaths > 0) {
      s *= 1 - deaths / atRisk;
      times.push(t);
      survival.push(s);
    }
    atRisk -= leaving;
  }
  return { times, survival, lastObserved: sorted.at(-1)!.time };
}

/** S(t) of a Kaplan–Meier estimate (a right-continuous step); NaN past the last observed time. */
export function kmSurvival(km: KaplanMeier, t: number): number {
  if (t > km.lastObserved && km.survival.at(-1)! > 0) return NaN;
  let s = 1;
  for (let i = 0; i < km.times.length && km.times[i]! <= t; i++) s = km.survival[i]!;
  return s;
}

export interface Weibull {
  shape: number;
  scale: number;
}

/** Largest shape searched: a population failing all at one time has no finite MLE. */
const MAX_SHAPE = 100;

export function fitWeibull(records: readonly LifeRecord[]): Weibull {
  assertRecords(records);
  const failures = records.filter((r) => r.failed);
  // Times scaled by their largest value so t^β stays finite for large β; η is scaled back.
  const tMax = Math.max(...records.map((r) => r.time));
  const x = records.map((r) => r.time / tMax);
  const logX = x.map(Math.log);
  const meanLogFail = records.reduce((a, r, i) => a + (r.failed ? logX[i]! : 0), 0) / failures.length;
  const g = (b: number): number => {
    let s0 = 0;
    let s1 = 0;
    x.forEach((xi, i) => {
      const p = xi ** b;
      s0 += p;
      s1 += p * logX[i]!;
    });
    return s1 / s0 - 1 / b - meanLogFail;
  };
  let lo = 1e-3;
  let hi = 1;
  while (g(hi) < 0 && hi < MAX_SHAPE) hi = Math.min(MAX_SHAPE, hi * 2);
  let shape = hi;
  if (g(hi) >= 0) {
    for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
      const mid = (lo + hi) / 2;
      if (g(mid) < 0) lo = mid;
      else hi = mid;
    }
    shape = (lo + hi) / 2;
  }
  const sumPow = x.reduce((a, xi) => a + xi ** shape, 0);
  return { shape, scale: tMax * (sumPow / failures.length) ** (1 / shape) };
}

/** Log-likelihood of right-censored data under a Weibull (densities at failures, survival at suspensions). */
export function weibullLogLikelihood(w: Weibull, records: readonly LifeRecord[]): number {
  return records.reduce((a, r) => {
    const z = (r.time / w.scale) ** w.shape;
    return a + (r.failed ? Math.log(w.shape / w.scale) + (w.shape - 1) * Math.log(r.time / w.scale) - z : -z);
  }, 0);
}

export interface RemainingLife {
  /** Median of T − t given T > t. */
  median: number;
  /** 10 % and 90 % quantiles of T − t given T > t: an 80 % interval (upper may be Infinity for KM). */
  interval: [number, number];
}

/** p-quantile of T − t given T > t under a Weibull: S(t + x) = (1 − p)·S(t). */
export function weibullRemainingQuantile(w: Weibull, t: number, p: number): number {
  const z = (Math.max(0, t) / w.scale) ** w.shape - Math.log(1 - p);
  return Math.max(0, w.scale * z ** (1 / w.shape) - t);
}

export function weibullRemainingLife(w: Weibull, t: number): RemainingLife {
  return {
    median: weibullRemainingQuantile(w, t, 0.5),
    interval: [weibullRemainingQuantile(w, t, 0.1), weibullRemainingQuantile(w, t, 0.9)],
  };
}

/** p-quantile of T − t given T > t from a Kaplan–Meier: the first failure time where S ≤ (1 − p)·S(t). */
function kmRemainingQuantile(km: KaplanMeier, t: number, p: number): number {
  const st = kmSurvival(km, t);
  if (!(st > 0)) return NaN;
  const target = (1 - p) * st;
  for (let i = 0; i < km.times.length; i++) {
    if (km.times[i]! > t && km.survival[i]! <= target + 1e-12) return km.times[i]! - t;
  }
  return Infinity;
}

export function kmRemainingLife(km: KaplanMeier, t: number): RemainingLife {
  return {
    median: kmRemainingQuantile(km, t, 0.5),
    interval: [kmRemainingQuantile(km, t, 0.1), kmRemainingQuantile(km, t, 0.9)],
  };
}
