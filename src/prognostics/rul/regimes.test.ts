import { describe, expect, it } from 'vitest';
import { fitRegimeNormaliser, normaliseInto } from './normalisation.js';
import { createRng } from '../../maths/random.js';
import { discoverRegimes, regimeAssigner } from './regimes.js';

// The six operating conditions of C-MAPSS FD002/FD004 (altitude kft, Mach, throttle resolver angle).
const CONDITIONS = [
  [0, 0, 100],
  [10, 0.25, 100],
  [20, 0.7, 100],
  [25, 0.62, 60],
  [35, 0.84, 100],
  [42, 0.84, 100],
];

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

describe('discoverRegimes', () => {
  it('finds the six synthetic operating conditions and assigns rows to them', () => {
    const rng = createRng(5);
    const truth: number[] = [];
    const settings = Array.from({ length: 3000 }, () => {
      const c = Math.floor(rng() * 6);
      truth.push(c);
      const base = CONDITIONS[c] as number[];
      return [base[0]! + 0.003 * gauss(rng), base[1]! + 0.0003 * gauss(rng), base[2]!];
    });
    const model = discoverRegimes(settings);
    expect(model.centroids).toHaveLength(6);
    model.centroids.forEach((c, i) => {
      expect(c[0]).toBeCloseTo(CONDITIONS[i]![0]!, 1);
      expect(c[2]).toBeCloseTo(CONDITIONS[i]![2]!, 1);
    });
    const assign = regimeAssigner(model);
    // Centroids are sorted like CONDITIONS, so regime index = condition index.
    expect(settings.every((s, i) => assign(s) === truth[i])).toBe(true);
  });

  it('finds one regime in single-condition noise (FD001/FD003)', () => {
    const rng = createRng(9);
    const settings = Array.from({ length: 2000 }, () => [0.002 * gauss(rng), 0.0003 * gauss(rng), 100]);
    expect(discoverRegimes(settings).centroids).toHaveLength(1);
    const uniform = Array.from({ length: 2000 }, () => [rng(), rng(), 100]);
    expect(discoverRegimes(uniform).centroids).toHaveLength(1);
  });
});

describe('fitRegimeNormaliser', () => {
  it('z-scores each sensor with its own regime statistics and drops constant sensors', () => {
    const rng = createRng(3);
    const regimes: number[] = [];
    const sensors: number[][] = [];
    for (let i = 0; i < 2000; i++) {
      const r = i % 2;
      regimes.push(r);
      // sensor 0: informative, offset by regime; sensor 1: constant within a regime (set by the
      // condition only); sensor 2: quantised, nearly always the same value.
      sensors.push([
        r === 0 ? 100 + gauss(rng) : 500 + 4 * gauss(rng),
        r === 0 ? 7 : 9,
        i % 50 === 0 ? 1.01 : 1,
      ]);
    }
    const norm = fitRegimeNormaliser(sensors, regimes, 2);
    expect(norm.sensorIndices).toEqual([0]);
    expect(norm.mean[0]![0]).toBeCloseTo(100, 0);
    expect(norm.mean[1]![0]).toBeCloseTo(500, 0);
    expect(norm.std[1]![0]).toBeCloseTo(4, 0);
    const out = new Float32Array(2);
    normaliseInto(norm, 0, [100, 7, 1], out, 0);
    normaliseInto(norm, 1, [500, 9, 1], out, 1);
    expect(Math.abs(out[0]!)).toBeLessThan(0.1);
    expect(Math.abs(out[1]!)).toBeLessThan(0.1);
    // Every regime ends up with mean ≈ 0 and std ≈ 1.
    for (const r of [0, 1]) {
      const z = sensors
        .filter((_, i) => regimes[i] === r)
        .map((s) => {
          const o = new Float32Array(1);
          normaliseInto(norm, r, s, o, 0);
          return o[0]!;
        });
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
      expect(mean).toBeCloseTo(0, 5);
      expect(sd).toBeCloseTo(1, 5);
    }
  });
});
