import { describe, expect, it } from 'vitest';
import { samplesFromJson } from './ingest-validation.js';

describe('samplesFromJson', () => {
  it('stores finite numbers as float32', () => {
    const out = samplesFromJson([0, -1.5, 3.25, 1e-3], 'samples', 10);
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([0, -1.5, 3.25, Math.fround(1e-3)]);
  });

  it('names the index of the first sample that is not a finite float32', () => {
    expect(() => samplesFromJson([1, '2', 3], 'samples', 10)).toThrow(
      'samples[1] must be a finite number, got "2"',
    );
    expect(() => samplesFromJson([1, 2, null], 'samples', 10)).toThrow(
      'samples[2] must be a finite number, got null',
    );
    expect(() => samplesFromJson([NaN], 'samples', 10)).toThrow(
      'samples[0] must be a finite number, got NaN',
    );
    expect(() => samplesFromJson([1, -Infinity], 'samples', 10)).toThrow(
      'samples[1] must be a finite number',
    );
    expect(() => samplesFromJson([1, 1e39], 'samples', 10)).toThrow(
      'samples[1] 1e+39 is outside the float32 range',
    );
  });

  it('refuses an empty or oversized capture', () => {
    expect(() => samplesFromJson([], 'samples', 10)).toThrow('samples must hold at least one sample');
    expect(() => samplesFromJson([1, 2, 3], 'samples', 2)).toThrow('samples holds 3 samples; at most 2');
  });
});
