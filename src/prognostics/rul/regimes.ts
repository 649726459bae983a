/**
 * Operating-regime discovery. C-MAPSS multi-condition subsets put the three operational settings
 * in six tight clusters; single-condition subsets have one cluster of noise. We run deterministic
 * k-means (farthest-point seeding, Lloyd iterations) for k = 1..maxRegimes and keep the largest k
 * whose clusters are well separated: the nearest pair of centroids must be `separation` times
 * farther apart than the widest cluster's RMS radius. Splitting a genuine cluster (k too large)
 * or splitting noise (single condition) never passes that test.
 */

export interface RegimeModel {
  /** Per setting: distances are computed on (value − offset) / scale. */
  offset: number[];
  scale: number[];
  /** Centroids in original setting units, sorted lexicographically. */
  centroids: number[][];
}

export interface RegimeOptions {
  maxRegimes?: number;
  separation?: number;
  /** Discovery runs on an even stride of at most this many points; assignment uses all. */
  maxPoints?: number;
}

type Vec = number[];

function dist2(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    s += d * d;
  }
  return s;
}

function nearest(point: Vec, centroids: Vec[]): number {
  let best = 0;
  let bestD = Infinity;
  centroids.forEach((c, i) => {
    const d = dist2(point, c);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

interface KMeansResult {
  centroids: Vec[];
  labels: number[];
}

function kMeans(points: Vec[], k: number, maxIter = 100): KMeansResult {
  const dims = points[0]?.length ?? 0;
  const mean = Array.from(
    { length: dims },
    (_, j) => points.reduce((s, p) => s + (p[j] ?? 0), 0) / points.length,
  );
  const first = points[nearest(mean, points)] ?? mean;
  const centroids: Vec[] = [[...first]];
  const minD = points.map((p) => dist2(p, first));
  while (centroids.length < k) {
    let far = 0;
    minD.forEach((d, i) => {
      if (d > (minD[far] ?? 0)) far = i;
    });
    const next = [...(points[far] ?? first)];
    centroids.push(next);
    points.forEach((p, i) => (minD[i] = Math.min(minD[i] ?? Infinity, dist2(p, next))));
  }
  let labels = points.map((p) => nearest(p, centroids));
  for (let iter = 0; iter < maxIter; iter++) {
    const sums = centroids.map(() => new Array<number>(dims).fill(0));
    const counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      const l = labels[i] ?? 0;
      counts[l] = (counts[l] ?? 0) + 1;
      p.forEach((v, j) => ((sums[l] as number[])[j] = ((sums[l] as number[])[j] ?? 0) + v));
    });
    sums.forEach((s, c) => {
      if ((counts[c] ?? 0) > 0) centroids[c] = s.map((v) => v / (counts[c] ?? 1));
    });
    const next = points.map((p) => nearest(p, centroids));
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    if (!changed) break;
  }
  return { centroids, labels };
}

function isSeparated(points: Vec[], { centroids, labels }: KMeansResult, separation: number): boolean {
  const k = centroids.length;
  if (k === 1) return true;
  const sq = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  points.forEach((p, i) => {
    const l = labels[i] ?? 0;
    sq[l] = (sq[l] ?? 0) + dist2(p, centroids[l] ?? p);
    counts[l] = (counts[l] ?? 0) + 1;
  });
  if (counts.some((c) => c < 2)) return false;
  const radius = Math.max(...sq.map((s, c) => Math.sqrt(s / (counts[c] ?? 1))));
  let minDist = Infinity;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      minDist = Math.min(minDist, Math.sqrt(dist2(centroids[a] ?? [], centroids[b] ?? [])));
    }
  }
  // A radius of exactly 0 (noise-free settings) is separated as long as centroids differ.
  return minDist > 0 && minDist > separation * radius;
}

export function discoverRegimes(settings: readonly Vec[], options: RegimeOptions = {}): RegimeModel {
  const { maxRegimes = 10, separation = 6, maxPoints = 20_000 } = options;
  if (settings.length === 0) throw new Error('discoverRegimes: no rows');
  const dims = settings[0]?.length ?? 0;
  const offset: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < dims; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of settings) {
      lo = Math.min(lo, s[j] ?? 0);
      hi = Math.max(hi, s[j] ?? 0);
    }
    offset.push(lo);
    scale.push(hi - lo > 1e-12 ? hi - lo : 1);
  }
  const stride = Math.max(1, Math.ceil(settings.length / maxPoints));
  const points: Vec[] = [];
  for (let i = 0; i < settings.length; i += stride) {
    points.push((settings[i] ?? []).map((v, j) => (v - (offset[j] ?? 0)) / (scale[j] ?? 1)));
  }
  let best: KMeansResult = kMeans(points, 1);
  for (let k = 2; k <= Math.min(maxRegimes, points.length); k++) {
    const result = kMeans(points, k);
    if (isSeparated(points, result, separation)) best = result;
  }
  const centroids = best.centroids
    .map((c) => c.map((v, j) => v * (scale[j] ?? 1) + (offset[j] ?? 0)))
    .sort((a, b) => {
      for (let j = 0; j < a.length; j++) if ((a[j] ?? 0) !== (b[j] ?? 0)) return (a[j] ?? 0) - (b[j] ?? 0);
      return 0;
    });
  return { offset, scale, centroids };
}

/** Returns a function mapping one row's settings to its regime index (nearest centroid). */
export function regimeAssigner(model: RegimeModel): (setting: readonly number[]) => number {
  const scaleOf = (v: number, j: number): number => (v - (model.offset[j] ?? 0)) / (model.scale[j] ?? 1);
  const centroids = model.centroids.map((c) => c.map(scaleOf));
  return (setting) => nearest(setting.map(scaleOf), centroids);
}
