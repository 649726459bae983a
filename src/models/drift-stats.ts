/**
 * Distribution drift of one feature between the training data of a model and recent field data:
 * the population stability index over quantile bins of the training data, and the two-sample
 * Kolmogorov–Smirnov statistic with its asymptotic p-value. Pure: arrays in, numbers out.
 *
 * Missing values (NaN, ±Infinity) are not dropped silently: PSI gives them a bin of their own,
 * so a sensor that starts returning NaN drifts; KS compares the finite values only. Every output
 * is a finite number or null (not computable, with the reason in `note`), never NaN.
 * Beside drift-reference.ts, which builds a model's reference with it; drift/ compares with it.
 */
import { erfc } from '../maths/normal.js';
import { quantileSorted } from '../maths/order-statistics.js';

/** Added to an empty bin's share so ln(q/p) stays finite (shares are not renormalised). */
const PSI_EPSILON = 1e-4;
export const DEFAULT_BINS = 10;
/** Order statistics kept of the training values for KS (exact below this many values). */
export const KS_SAMPLE_SIZE = 500;

/** What is kept of one feature's training values: enough for PSI and KS, bounded in size. */
export interface FeatureReference {
  name: string;
  /** Column of the feature in the model's feature-set vector. */
  index: number;
  /** Training rows (finite or not). */
  n: number;
  /** Share of the training rows that were not finite. */
  missingShare: number;
  /** Strictly increasing bin edges; bin k holds edges[k-1] < x <= edges[k]. */
  edges: number[];
  /** Share of the finite training values in each of the edges.length + 1 bins (sums to 1). */
  shares: number[];
  /** Sorted order statistics of the finite training values, at most KS_SAMPLE_SIZE of them. */
  sample: number[];
}

export type DriftLevel = 'ok' | 'warn' | 'drift';

export interface DriftThresholds {
  psiWarn: number;
  psiDrift: number;
  /** KS p-value below which a shift counts as significant. */
  ksAlpha: number;
}

export interface FeatureDrift {
  feature: string;
  psi: number | null;
  ks: number | null;
  ksPValue: number | null;
  /** Two-proportion test of the missing-value shares (null when neither side has any). */
  missingPValue: number | null;
  /** Finite recent values / all recent values. */
  recentRows: number;
  recentFinite: number;
  recentMissingShare: number | null;
  trainingMissingShare: number;
  status: DriftLevel;
  note?: string;
}

const finiteSorted = (xs: ArrayLike<number>): Float64Array =>
  Float64Array.from(Array.prototype.filter.call(xs, Number.isFinite) as number[]).sort();

/** The largest double below x: with it, a point mass at the training minimum gets a bin of its
 * own, so values below a constant training feature are told apart from values equal to it. */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] = x > 0 ? i[0]! - 1n : i[0]! + 1n;
  return f[0]!;
}

/** Bin of x: the number of edges strictly below it (edges sorted ascending). */
function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shares(edges: readonly number[], sorted: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < sorted.length; i++) counts[binOf(edges, sorted[i]!)]! += 1;
  return counts.map((c) => (sorted.length > 0 ? c / sorted.length : 0));
}

/** Evenly spaced order statistics (all of them when there are few). */
function orderStatistics(sorted: Float64Array, m: number): number[] {
  if (sorted.length <= m) return Array.from(sorted);
  return Array.from({ length: m }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (m - 1))]!);
}

export function buildFeatureReference(
  name: string,
  index: number,
  values: ArrayLike<number>,
  bins = DEFAULT_BINS,
  sampleSize = KS_SAMPLE_SIZE,
): FeatureReference {
  const sorted = finiteSorted(values);
  const n = values.length;
  let edges: number[] = [];
  if (sorted.length > 0) {
    const qs = Array.from({ length: bins - 1 }, (_, k) => quantileSorted(sorted, (k + 1) / bins));
    edges = [...new Set(qs.length > 0 ? qs : [sorted[0]!])].sort((a, b) => a - b);
    if (edges[0] === sorted[0]) edges.unshift(nextDown(sorted[0]!));
  }
  return {
    name,
    index,
    n,
    missingShare: n > 0 ? (n - sorted.length) / n : 0,
    edges,
    shares: sorted.length > 0 ? shares(edges, sorted) : [],
    sample: orderStatistics(sorted, sampleSize),
  };
}

/** PSI = Σ (q − p) ln(q / p) over the finite bins and the missing-value bin. */
export function psi(ref: FeatureReference, recent: ArrayLike<number>): number | null {
  return psiOfSorted(ref, finiteSorted(recent), recent.length);
}

/** PSI from the recent values' finite ones, sorted, out of `total` (featureDrift sorts once). */
function psiOfSorted(ref: FeatureReference, sorted: Float64Array, total: number): number | null {
  if (total === 0 || ref.n === 0) return null;
  const missing = (total - sorted.length) / total;
  const finiteShare = 1 - missing;
  const trainingFinite = 1 - ref.missingShare;
  const q = [...(ref.shares.length ? shares(ref.edges, sorted) : [1]).map((s) => s * finiteShare), missing];
  const p = [...(ref.shares.length ? ref.shares : [1]).map((s) => s * trainingFinite), ref.missingShare];
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = Math.max(p[i]!, PSI_EPSILON);
    const qi = Math.max(q[i]!, PSI_EPSILON);
    sum += (qi - pi) * Math.log(qi / pi);
  }
  return sum;
}

/** sup |F1 − F2| of two sorted samples, ties stepped together. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** P(D >= d) for samples of n and m values: Kolmogorov's limit with Stephens' small-sample
 * correction (Numerical Recipes' probks), both series forms so small λ converges too. */
export function ksPValue(d: number, n: number, m: number): number {
  if (n <= 0 || m <= 0) return 1;
  const ne = (n * m) / (n + m);
  const sq = Math.sqrt(ne);
  const lambda = (sq + 0.12 + 0.11 / sq) * d;
  if (lambda <= 0) return 1;
  let p: number;
  if (lambda < 1.18) {
    // P(K <= λ) = √(2π)/λ Σ exp(−(2k−1)²π²/(8λ²))
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    for (let k = 1; k <= 7; k++) s += y ** ((2 * k - 1) ** 2);
    p = 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  } else {
    let s = 0;
    for (let k = 1; k <= 100; k++) {
      const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
      s += term;
      if (Math.abs(term) < 1e-16) break;
    }
    p = 2 * s;
  }
  return Math.min(1, Math.max(0, p));
}

/** Two-sided p-value that two shares of n1 and n2 trials are the same (pooled z-test). */
export function twoProportionPValue(p1: number, n1: number, p2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return p1 === p2 ? null : 0;
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return Math.min(1, Math.max(0, erfc(Math.abs(z) / Math.SQRT2)));
}

function levelOf(psiValue: number | null, pValues: Array<number | null>, t: DriftThresholds): DriftLevel {
  if (psiValue === null) return 'ok';
  // PSI says how far; a test says whether the sample can tell. A window of 100 rows against
  // 10 bins has a PSI near 0.1 from sampling alone, so neither level is claimed unless KS (the
  // finite values) or the proportion test (the share of missing ones) finds the shift too.
  const tested = pValues.filter((p): p is number => p !== null);
  const significant = tested.length === 0 || tested.some((p) => p < t.ksAlpha);
  if (!significant) return 'ok';
  if (psiValue >= t.psiDrift) return 'drift';
  if (psiValue >= t.psiWarn) return 'warn';
  return 'ok';
}

export function featureDrift(
  ref: FeatureReference,
  recent: ArrayLike<number>,
  t: DriftThresholds,
): FeatureDrift {
  const sorted = finiteSorted(recent);
  const base = {
    feature: ref.name,
    recentRows: recent.length,
    recentFinite: sorted.length,
    recentMissingShare: recent.length > 0 ? (recent.length - sorted.length) / recent.length : null,
    trainingMissingShare: ref.missingShare,
  };
  const p = psiOfSorted(ref, sorted, recent.length);
  if (p === null) {
    const none = { psi: null, ks: null, ksPValue: null, missingPValue: null };
    return { ...base, ...none, status: 'ok', note: 'no recent values' };
  }
  const missingPValue = twoProportionPValue(
    ref.missingShare,
    ref.n,
    base.recentMissingShare ?? 0,
    recent.length,
  );
  if (sorted.length === 0 || ref.sample.length === 0) {
    const note =
      sorted.length === 0 ? 'no finite recent value: KS not computable' : 'no finite training value';
    const status = levelOf(p, [missingPValue], t);
    return { ...base, psi: p, ks: null, ksPValue: null, missingPValue, status, note };
  }
  const ks = ksStatistic(ref.sample, sorted);
  // The reference sample stands for the training set: its size is the conservative n.
  const pv = ksPValue(ks, ref.sample.length, sorted.length);
  return { ...base, psi: p, ks, ksPValue: pv, missingPValue, status: levelOf(p, [pv, missingPValue], t) };
}

const RANK: Record<DriftLevel, number> = { ok: 0, warn: 1, drift: 2 };
export const worstLevel = (levels: Iterable<DriftLevel>): DriftLevel => {
  let worst: DriftLevel = 'ok';
  for (const l of levels) if (RANK[l] > RANK[worst]) worst = l;
  return worst;
};
