/** Figures of bench/soak.ts: percentiles and memory growth over a run. */

export interface MemorySample {
  tS: number;
  rssMb: number;
  heapMb: number;
}

/** `sorted` ascending; nearest-rank percentile, 0 for no data. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface Growth {
  first: number;
  last: number;
  growth: number;
  slopePerMin: number;
}

/**
 * Growth of RSS and heapUsed: the mean of the last third of the samples against the first
 * third, after a warm-up (JIT, pools, caches filling: the first sixth of the run, at least 3 s)
 * is dropped, and the slope over the kept samples in MB a minute.
 */
export function memoryGrowth(samples: MemorySample[]): { warmupS: number; rss: Growth; heap: Growth } {
  const end = samples.at(-1)?.tS ?? 0;
  const warmupS = Math.min(end / 2, Math.max(3, end / 6));
  const kept = samples.filter((s) => s.tS >= warmupS);
  const third = Math.max(1, Math.floor(kept.length / 3));
  const of = (pick: (s: MemorySample) => number): Growth => {
    const first = mean(kept.slice(0, third).map(pick));
    const last = mean(kept.slice(-third).map(pick));
    return {
      first,
      last,
      growth: last - first,
      slopePerMin:
        slope(
          kept.map((s) => s.tS),
          kept.map(pick),
        ) * 60,
    };
  };
  return { warmupS, rss: of((s) => s.rssMb), heap: of((s) => s.heapMb) };
}
