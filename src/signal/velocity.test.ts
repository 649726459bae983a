import { beforeAll, describe, expect, it } from 'vitest';
import { sine } from '../../tests/helpers/signals.js';
import { initSignal } from './fft.js';
import { isoZone, zoneBoundaries } from '../state/iso20816.js';
import { STANDARD_GRAVITY, velocityRms } from './velocity.js';

beforeAll(async () => {
  await initSignal();
});

const FS = 12_000;

describe('velocityRms', () => {
  // a(t) = A sin(2πft) g  →  v(t) = −A·g/(2πf) cos(2πft), RMS = A·g/(2πf·√2) (×1000 for mm/s)
  const analytic = (a: number, f: number): number =>
    (a * STANDARD_GRAVITY * 1000) / (2 * Math.PI * f * Math.SQRT2);

  it.each([
    [0.5, (12_000 / 4096) * 20], // on a bin
    [0.5, 100],
    [0.2, 29.95],
    [1, 500],
    [0.05, 987],
  ])('of a %f g sine at %f Hz matches the analytic value', (a, f) => {
    const v = velocityRms(sine(4096, FS, f, a, 0.4), FS);
    expect(v / analytic(a, f)).toBeCloseTo(1, 2);
  });

  it('ignores energy outside 10–1000 Hz', () => {
    const x = sine(4096, FS, 3000, 5);
    expect(velocityRms(x, FS)).toBeLessThan(1e-3 * analytic(5, 3000));
    // 1 g at 100 Hz is 11.0 mm/s RMS: ISO zone D for every machine class
    const v = velocityRms(sine(12_000, FS, 100, 1), FS);
    expect(v).toBeCloseTo(11.04, 1);
  });
});

describe('ISO 20816-3 zones', () => {
  it('has the standard boundaries', () => {
    expect(zoneBoundaries(1, 'rigid')).toEqual([2.3, 4.5, 7.1]);
    expect(zoneBoundaries(1, 'flexible')).toEqual([3.5, 7.1, 11.0]);
    expect(zoneBoundaries(2, 'rigid')).toEqual([1.4, 2.8, 4.5]);
    expect(zoneBoundaries(2, 'flexible')).toEqual([2.3, 4.5, 7.1]);
  });

  it.each([
    [1, 'rigid', 2.3, 'A'],
    [1, 'rigid', 2.31, 'B'],
    [1, 'rigid', 4.5, 'B'],
    [1, 'rigid', 7.1, 'C'],
    [1, 'rigid', 7.11, 'D'],
    [1, 'flexible', 3.4, 'A'],
    [1, 'flexible', 10.9, 'C'],
    [1, 'flexible', 11.01, 'D'],
    [2, 'rigid', 0, 'A'],
    [2, 'rigid', 1.5, 'B'],
    [2, 'rigid', 2.9, 'C'],
    [2, 'rigid', 4.6, 'D'],
    [2, 'flexible', 2.3, 'A'],
    [2, 'flexible', 4.4, 'B'],
    [2, 'flexible', 7.0, 'C'],
    [2, 'flexible', 7.2, 'D'],
  ] as const)(
    'group %i %s at %f mm/s is zone %s (a boundary value stays in the lower zone)',
    (g, f, v, zone) => {
      expect(isoZone(v, g, f)).toBe(zone);
    },
  );

  it('rejects bad input naming the field', () => {
    expect(() => isoZone(-1, 1, 'rigid')).toThrow(/velocity/);
    expect(() => isoZone(1, 3 as 1, 'rigid')).toThrow(/group/);
    expect(() => isoZone(1, 1, 'soft' as 'rigid')).toThrow(/foundation/);
  });
});
