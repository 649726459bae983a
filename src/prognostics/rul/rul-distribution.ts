/**
 * The one predictive distribution of a forecast's remaining useful life. Every figure a
 * forecast shows is read from it: the point estimate is its median, the interval its
 * (1 ∓ level)/2 quantiles, the failure probability within a horizon its cdf there, and the
 * risk's RUL part its cdf at the planning lead time. So "RUL 3 d" and "80 % within 7 d" can
 * never tell two stories.
 *
 * Shape: log(RUL + s) follows a two-piece normal with its median at log(median + s) and each
 * side's spread set so that the lower and upper calibrated quantiles land exactly on the
 * interval's bounds (a split log-normal). The offset s (the model's resolution, one step of its
 * input) keeps the support at RUL ≥ 0 with a finite spread when the lower bound is 0: the mass
 * the shifted log-normal puts below 0 sits at 0 ("due now"). Skewed to the right as RUL errors
 * are (a long life is less certain than a short one), and monotone, so
 * P(RUL < h) > 0.5 exactly when the median is below h. Pure.
 */
import { normalCdf, normalQuantile } from '../../maths/normal.js';

const MIN_SIGMA = 1e-6;

export interface RulQuantiles {
  /** The distribution's median (hours, or any unit used consistently). */
  median: number;
  /** Quantiles at (1 − level)/2 and (1 + level)/2. */
  lower: number;
  upper: number;
  level: number;
  /** Resolution of the estimate (same unit, > 0): a step of the model's input. */
  resolution: number;
}

export class RulDistribution {
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  private readonly shift: number;
  private readonly mu: number;
  private readonly sigmaLow: number;
  private readonly sigmaHigh: number;

  /** Bounds are put in order (0 ≤ lower ≤ median ≤ upper) rather than trusted. */
  constructor(q: RulQuantiles) {
    if (!(q.level > 0 && q.level < 1)) throw new RangeError(`level must be in (0, 1), got ${q.level}`);
    if (!(q.resolution > 0)) throw new RangeError(`resolution must be > 0, got ${q.resolution}`);
    const finite = (x: number, fallback: number) => (Number.isFinite(x) ? x : fallback);
    this.median = Math.max(0, finite(q.median, 0));
    this.lower = Math.min(this.median, Math.max(0, finite(q.lower, 0)));
    this.upper = Math.max(this.median, finite(q.upper, this.median));
    this.level = q.level;
    this.shift = q.resolution;
    const z = normalQuantile((1 + q.level) / 2);
    this.mu = Math.log(this.median + this.shift);
    // A zero-width side (an interval bound on the median) keeps a sliver of spread, so the cdf
    // stays continuous and invertible instead of stepping at the median.
    this.sigmaLow = Math.max(MIN_SIGMA, (this.mu - Math.log(this.lower + this.shift)) / z);
    this.sigmaHigh = Math.max(MIN_SIGMA, (Math.log(this.upper + this.shift) - this.mu) / z);
  }

  /** P(RUL ≤ x); P(RUL < h) for a horizon h, the distribution being continuous above 0. */
  cdf(x: number): number {
    if (Number.isNaN(x)) return NaN;
    if (x < 0) return 0;
    const d = Math.log(x + this.shift) - this.mu;
    return normalCdf(d / (d < 0 ? this.sigmaLow : this.sigmaHigh));
  }

  /** The smallest x with cdf(x) ≥ p. */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
    if (p <= this.cdf(0)) return 0;
    if (p === 1) return Infinity;
    const sigma = p < 0.5 ? this.sigmaLow : this.sigmaHigh;
    const x = Math.exp(this.mu + sigma * normalQuantile(p)) - this.shift;
    return Math.max(0, x);
  }

  /** P(RUL < horizon): the failure probability within the horizon. */
  failureWithin(horizon: number): number {
    return this.cdf(horizon);
  }
}
