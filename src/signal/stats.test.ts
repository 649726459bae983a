import { describe, expect, it } from 'vitest';
import { gaussianNoise, sine } from '../../tests/helpers/signals.js';
import { timeStats, timeStatsInto, TIME_STAT_COUNT } from './stats.js';

describe('timeStats', () => {
  // 50 Hz at 12 kHz over 4800 samples: exactly 20 periods, so sample statistics are exact.
  const A = 2.5;
  const x = sine(4800, 12_000, 50, A);

  it('gives the analytic values of a sine', () => {
    const s = timeStats(x);
    expect(s.mean).toBeCloseTo(0, 12);
    expect(s.rms).toBeCloseTo(A / Math.SQRT2, 12);
    expect(s.std).toBeCloseTo(A / Math.SQRT2, 12);
    expect(s.peak).toBeCloseTo(A, 12);
    expect(s.peakToPeak).toBeCloseTo(2 * A, 12);
    expect(s.crestFactor).toBeCloseTo(Math.SQRT2, 12);
    expect(s.kurtosis).toBeCloseTo(1.5, 10); // Pearson kurtosis of a sine
    expect(s.skewness).toBeCloseTo(0, 10);
    // |sin| has kinks, so the sampled means are Riemann sums: ~1e-4 off the integrals.
    expect(s.shapeFactor).toBeCloseTo(Math.PI / (2 * Math.SQRT2), 3); // rms / mean|x|
    expect(s.impulseFactor).toBeCloseTo(Math.PI / 2, 3); // peak / mean|x|
    // mean √|sin| = Γ(3/4)/(√π Γ(5/4)) = 0.76275976…; clearance = peak / (mean √|x|)²
    // (√|x| has cusps at the zero crossings: the sampled mean is only good to ~0.2 %.)
    expect(s.clearanceFactor / (A / (Math.sqrt(A) * 0.7627597635) ** 2)).toBeCloseTo(1, 2);
  });

  it('gives kurtosis ≈ 3 and skewness ≈ 0 for Gaussian noise (seeded)', () => {
    const noise = gaussianNoise(200_000, 42, 0.7, 0.1);
    const s = timeStats(noise);
    expect(s.mean).toBeCloseTo(0.1, 2);
    expect(s.std).toBeCloseTo(0.7, 2);
    expect(Math.abs(s.kurtosis - 3)).toBeLessThan(0.05);
    expect(Math.abs(s.skewness)).toBeLessThan(0.02);
  });

  it('keeps central moments exact under a large DC offset', () => {
    const shifted = sine(4800, 12_000, 50, A, 0, 1e6);
    const s = timeStats(shifted);
    expect(s.std).toBeCloseTo(A / Math.SQRT2, 6);
    expect(s.kurtosis).toBeCloseTo(1.5, 6);
  });

  it('writes at an offset, returns NaN for empty or constant windows, and can emit the centred signal', () => {
    const out = new Float64Array(TIME_STAT_COUNT + 2);
    const centered = new Float32Array(4);
    timeStatsInto(Float64Array.of(1, 2, 3, 6), out, 2, 4, centered);
    expect(out[2]).toBe(3);
    expect(Array.from(centered)).toEqual([-2, -1, 0, 3]);
    expect(timeStats(new Float64Array(0)).rms).toBeNaN();
    expect(timeStats(new Float64Array(8).fill(2)).kurtosis).toBeNaN();
  });
});
