import { describe, expect, it } from 'vitest';
import { memoryGrowth, percentile, slope, type MemorySample } from '../bench/soak-stats.js';

describe('soak figures', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('sees a leak as growth and slope, and a warm-up as neither', () => {
    const run = (heap: (t: number) => number): MemorySample[] =>
      Array.from({ length: 61 }, (_, t) => ({ tS: t, rssMb: 200, heapMb: heap(t) }));
    const leak = memoryGrowth(run((t) => 80 + t / 6)); // 10 MB a minute
    expect(leak.heap.slopePerMin).toBeCloseTo(10, 6);
    expect(leak.heap.growth).toBeGreaterThan(5);
    expect(leak.rss.growth).toBe(0);
    // A cache filling in the first seconds, flat afterwards.
    const warm = memoryGrowth(run((t) => (t < 8 ? 40 + 5 * t : 80)));
    expect(warm.warmupS).toBe(10);
    expect(warm.heap.growth).toBe(0);
    expect(warm.heap.slopePerMin).toBe(0);
    expect(slope([1, 2, 3], [2, 4, 6])).toBe(2);
  });
});
