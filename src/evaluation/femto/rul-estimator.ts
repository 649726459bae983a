/**
 * RUL of a PRONOSTIA bearing cut before failure, learned from run-to-failure bearings of any
 * operating condition (one is enough).
 *
 * Method (health-indicator.ts gives the indicators, indicator-choice.ts picks the onset one):
 * 1. Each training run gives its life and its degradation onset (first persistent excursion of
 *    the chosen baseline-normalised indicator); what the degradation model learns from it is the
 *    time from onset to the end of the run. PRONOSTIA bearings spend most of their life flat and
 *    fail within minutes or hours of the onset, so this duration, not the total life, is what
 *    transfers across conditions once degradation is seen.
 * 2. Test bearing, onset seen before the cut (state `degrading`): the smoothed peak acceleration
 *    after the onset is fitted with an exponential, log(peak) = a + b·t (least squares), and
 *    extrapolated to the challenge's failure level (20 g). When that fit is unusable (too few
 *    points, no growth, R² < 0.5) the similarity estimate is used: mean training onset-to-end
 *    time minus the time already spent since the onset. (The conditional time left under a
 *    Weibull of the onset-to-end times was tried and measured worse leave-one-bearing-out: with
 *    three runs of 20 s to 7560 s it fits a shape below 1, whose remaining life grows with the
 *    time spent; see the README's FEMTO figures.)
 * 3. No onset before the cut (state `no-onset`, "no degradation detected"): nothing in the
 *    bearing's own signal says when it will degrade, so the RUL is the population's: the
 *    remaining life T − t given T > t of a Weibull fitted by maximum likelihood to the training
 *    runs' lives (prognostics/rul/population-life.ts), its median as the point and its 10–90 %
 *    quantiles as the (wide) interval.
 */
import {
  healthTrack,
  HEALTH_DEFAULTS,
  type HealthOptions,
  type SnapshotIndicators,
} from './health-indicator.js';
import { fitWeibull, weibullRemainingLife, type Weibull } from '../../prognostics/rul/population-life.js';

const FAILURE_PEAK_G = 20;

export interface RunSummary {
  name: string;
  life_s: number;
  onset_s: number | null;
  /** End of run minus onset; null without an onset. */
  post_onset_s: number | null;
}

export function summariseRun(
  name: string,
  snapshots: readonly SnapshotIndicators[],
  o: HealthOptions = HEALTH_DEFAULTS,
): RunSummary {
  const track = healthTrack(snapshots, o);
  const life = track.t.at(-1) ?? 0;
  const onset = track.onset === null ? null : track.t[track.onset]!;
  return { name, life_s: life, onset_s: onset, post_onset_s: onset === null ? null : life - onset };
}

export interface BearingRulEstimate {
  predicted_rul_s: number;
  interval_s: [number, number];
  state: 'no-onset' | 'degrading' | 'failed';
  /** What the forecast says: "no degradation detected" before the onset. */
  status: string;
  method: 'population-weibull' | 'exponential' | 'similarity' | 'failed';
  /** Indicator the onset was looked for on. */
  indicator: string;
  /** Weibull of the training lives, when the population prior gave the estimate. */
  population: Weibull | null;
  onset_s: number | null;
  elapsed_s: number;
  /** Exponential fit of the smoothed peak after the onset, when one was made. */
  fit: { a: number; b: number; r2: number; points: number } | null;
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Least-squares line y = a + b·x with its R². */
function fitLine(x: readonly number[], y: readonly number[]): { a: number; b: number; r2: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b, r2: syy > 0 ? (b * sxy) / syy : 0 };
}

/** RUL of a bearing cut before failure, from its health track and the training runs (see above). */
export function estimateBearingRul(
  cut: readonly SnapshotIndicators[],
  training: readonly RunSummary[],
  options: { failurePeakG?: number; health?: HealthOptions; minFitPoints?: number } = {},
): BearingRulEstimate {
  const failure = options.failurePeakG ?? FAILURE_PEAK_G;
  const withOnset = training.filter((r) => r.post_onset_s !== null);
  if (withOnset.length === 0) throw new RangeError('no training run shows a degradation onset');
  const postOnset = withOnset.map((r) => r.post_onset_s!);
  const meanPost = mean(postOnset);
  const health = options.health ?? HEALTH_DEFAULTS;
  const track = healthTrack(cut, health);
  const elapsed = track.t.at(-1) ?? 0;
  const common = { indicator: health.indicator, elapsed_s: elapsed };
  if (track.peak.at(-1)! >= failure) {
    return {
      ...common,
      predicted_rul_s: 0,
      interval_s: [0, 0],
      state: 'failed',
      status: `peak above ${failure} g`,
      method: 'failed',
      population: null,
      onset_s: null,
      fit: null,
    };
  }
  if (track.onset === null) {
    const population = fitWeibull(training.map((r) => ({ time: r.life_s, failed: true })));
    const remaining = weibullRemainingLife(population, elapsed);
    return {
      ...common,
      predicted_rul_s: remaining.median,
      interval_s: remaining.interval,
      state: 'no-onset',
      status: 'no degradation detected',
      method: 'population-weibull',
      population,
      onset_s: null,
      fit: null,
    };
  }
  const degrading = {
    ...common,
    state: 'degrading' as const,
    status: 'degradation detected',
    population: null,
    onset_s: track.t[track.onset]!,
  };
  const onsetT = track.t[track.onset]!;
  const similarity = Math.max(0, meanPost - (elapsed - onsetT));
  const xs = track.t.slice(track.onset);
  const ys = track.peak.slice(track.onset).map((p) => Math.log(p));
  const minPoints = options.minFitPoints ?? 5;
  if (xs.length >= minPoints) {
    const f = fitLine(xs, ys);
    if (f.b > 0 && f.r2 >= 0.5) {
      const exponential = Math.max(0, (Math.log(failure) - f.a) / f.b - elapsed);
      return {
        ...degrading,
        predicted_rul_s: exponential,
        interval_s: [Math.min(exponential, similarity), Math.max(exponential, similarity)],
        method: 'exponential',
        fit: { ...f, points: xs.length },
      };
    }
  }
  return {
    ...degrading,
    predicted_rul_s: similarity,
    interval_s: [
      Math.max(0, Math.min(...postOnset) - (elapsed - onsetT)),
      Math.max(...postOnset) - (elapsed - onsetT),
    ],
    method: 'similarity',
    fit: null,
  };
}

/**
 * PHM 2012 (IEEEPHM2012-Challenge-Details.pdf, section 5.1): Er = 100·(ActRUL − PredRUL)/ActRUL;
 * A = exp(−ln 0.5·Er/5) if Er ≤ 0 (a late prediction: steeper), exp(+ln 0.5·Er/20) if Er > 0
 * (early). Both exponents are ≤ 0, so A ≤ 1, and A = 1 only for a perfect estimate.
 */
export function phm2012Score(actual: number, predicted: number): { percent_error: number; score: number } {
  const er = (100 * (actual - predicted)) / actual;
  const score = er <= 0 ? Math.exp((-Math.log(0.5) * er) / 5) : Math.exp((Math.log(0.5) * er) / 20);
  return { percent_error: er, score };
}

export interface Phm2012Summary {
  bearings: number;
  mean_abs_percent_error: number;
  /** The challenge's final score: the mean of the per-bearing A over the test bearings. */
  phm2012_score: number;
}

/** Challenge summary over scored bearings, from (actual, predicted) RUL pairs. */
export function phm2012Summary(pairs: readonly { actual: number; predicted: number }[]): Phm2012Summary {
  if (pairs.length === 0) throw new RangeError('no scored bearing: every test bearing needs a true RUL');
  const scored = pairs.map((p) => phm2012Score(p.actual, p.predicted));
  return {
    bearings: pairs.length,
    mean_abs_percent_error: mean(scored.map((s) => Math.abs(s.percent_error))),
    phm2012_score: mean(scored.map((s) => s.score)),
  };
}
