import { describe, expect, it } from 'vitest';
import { temperatureFeatures, temperatureSlopePerHour } from './temperature.js';

describe('temperatureFeatures', () => {
  const t0 = Date.UTC(2025, 0, 1);
  const minutes = Array.from({ length: 121 }, (_, i) => t0 + i * 60_000);

  it('fits the slope per hour on epoch-millisecond timestamps', () => {
    const values = minutes.map((_, i) => 40 + 1.5 * (i / 60)); // 1.5 °C/h
    const f = temperatureFeatures(minutes, values, 35);
    expect(f.slopePerHour).toBeCloseTo(1.5, 9);
    expect(f.mean).toBeCloseTo(41.5, 9);
    expect(f.max).toBeCloseTo(43, 9);
    expect(f.riseOverBaseline).toBeCloseTo(6.5, 9);
  });

  it('is a least-squares fit: symmetric noise does not bias it, uneven sampling is fine', () => {
    const ts = [0, 10, 11, 12, 50, 90].map((m) => t0 + m * 60_000);
    const values = ts.map((t, i) => 20 - 3 * ((t - t0) / 3_600_000) + (i % 2 ? 0.1 : -0.1));
    expect(temperatureSlopePerHour(ts, values)).toBeCloseTo(-3, 0);
  });

  it('returns NaN where a value is undefined', () => {
    expect(temperatureFeatures([t0], [20]).slopePerHour).toBeNaN();
    expect(temperatureFeatures([t0, t0 + 1], [20, 21]).riseOverBaseline).toBeNaN();
    expect(temperatureFeatures([], []).mean).toBeNaN();
    expect(() => temperatureFeatures([1, 2], [1])).toThrow(/length/);
  });
});
