import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cwruSampleDir, readF32Sample } from '../../tests/helpers/cwru-drive-end.js';
import { gaussianNoise, sine } from '../../tests/helpers/signals.js';
import { defectFrequencies, SKF_6205 } from '../signal/bearing.js';
import { EnvelopeAnalyzer } from '../signal/envelope.js';
import { initSignal } from '../signal/fft.js';
import {
  bandEnergies,
  dominantFrequency,
  magnitudeSpectrum,
  spectralCentroid,
  spectralEntropy,
} from '../signal/spectrum.js';
import { timeStats } from '../signal/stats.js';
import { STANDARD_GRAVITY, velocityRms } from '../signal/velocity.js';
import { extractFeatures, FeatureExtractor, featureRecord } from './extract-features.js';
import { assertFeatureSetHash, canonicalJson, defineFeatureSet } from './feature-set.js';

beforeAll(async () => {
  await initSignal();
});

const EXPECTED_NAMES = [
  'mean',
  'std',
  'rms',
  'peak',
  'peak_to_peak',
  'crest_factor',
  'kurtosis',
  'skewness',
  'shape_factor',
  'impulse_factor',
  'clearance_factor',
  'velocity_rms_mm_s',
  'dominant_hz',
  'spectral_centroid_hz',
  'spectral_entropy',
  ...Array.from({ length: 8 }, (_, i) => `band_energy_${i + 1}`),
  'env_bpfo',
  'env_bpfi',
  'env_bsf',
  'env_ftf',
];

describe('defineFeatureSet', () => {
  const set = defineFeatureSet({ sampleRate: 12_000, windowLength: 4096 });

  it('has the fixed, ordered snake_case names and documented defaults', () => {
    expect(set.featureNames).toEqual(EXPECTED_NAMES);
    expect(set.name).toBe('prognos-vibration');
    expect(set.version).toBe(1);
    expect(set.params.bands).toHaveLength(8);
    expect(set.params.envelope).toEqual({
      band: [2000, 5000],
      harmonics: 3,
      tolerance: { fraction: 0.02, bins: 1 },
      window: 'hann',
    });
    expect(Object.isFrozen(set.params.bands[0])).toBe(true);
  });

  it('hashes canonical JSON: stable, key-order independent, sensitive to every parameter', () => {
    // Pinned: if this changes, models trained on the old definition must be retrained.
    expect(set.hash).toBe('d2e9a79a1b52f35f1ee970dfcc286a911ec8fd35a3c9aecf1ab86c6eaac84694');
    expect(defineFeatureSet({ windowLength: 4096, sampleRate: 12_000 }).hash).toBe(set.hash);
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    const variants = [
      defineFeatureSet({ sampleRate: 12_000, windowLength: 2048 }),
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, bandCount: 4 }),
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, window: 'hamming' }),
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, envelope: { harmonics: 2 } }),
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, envelope: null }),
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, version: 2 }),
    ];
    expect(new Set([set.hash, ...variants.map((v) => v.hash)]).size).toBe(variants.length + 1);
    expect(variants[1]!.featureNames).toContain('band_energy_4');
    expect(variants[1]!.featureNames).not.toContain('band_energy_5');
    expect(variants[4]!.featureNames).not.toContain('env_bpfo');
  });

  it('refuses features of another definition', () => {
    expect(() => assertFeatureSetHash(set, set.hash)).not.toThrow();
    const other = defineFeatureSet({ sampleRate: 25_600, windowLength: 4096 });
    expect(() => assertFeatureSetHash(other, set.hash)).toThrow(/feature set mismatch/);
  });

  it('rejects bad parameters naming the field', () => {
    expect(() => defineFeatureSet({ sampleRate: 0, windowLength: 4096 })).toThrow(/sampleRate/);
    expect(() => defineFeatureSet({ sampleRate: 12_000, windowLength: 8 })).toThrow(/windowLength/);
    expect(() => defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, bands: [[0, 7000]] })).toThrow(
      /bands\[0\]/,
    );
    expect(() =>
      defineFeatureSet({ sampleRate: 12_000, windowLength: 4096, envelope: { band: [5000, 4000] } }),
    ).toThrow(/envelope.band/);
  });
});

describe('extractFeatures', () => {
  const set = defineFeatureSet({ sampleRate: 12_000, windowLength: 4096 });
  const ir007 = readF32Sample(path.join(cwruSampleDir, 'IR007_0_105_DE_first12000.f32'));
  const win = ir007.subarray(0, 4096);
  const shaftHz = 1797 / 60;

  it('agrees with the standalone signal functions', () => {
    const rec = featureRecord(set, extractFeatures(win, { set, shaftHz, bearing: SKF_6205 }));
    const stats = timeStats(win);
    expect(rec.mean).toBe(stats.mean);
    expect(rec.kurtosis).toBe(stats.kurtosis);
    expect(rec.clearance_factor).toBe(stats.clearanceFactor);
    const { magnitude, power, binHz } = magnitudeSpectrum(win, 12_000);
    const close = (a: number, b: number): void => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-9);
    close(rec.dominant_hz!, dominantFrequency(magnitude, binHz));
    close(rec.spectral_centroid_hz!, spectralCentroid(magnitude, binHz));
    close(rec.spectral_entropy!, spectralEntropy(power));
    close(rec.velocity_rms_mm_s!, velocityRms(win, 12_000));
    const bands = bandEnergies(power, binHz, set.params.bands);
    bands.forEach((e, i) => close(rec[`band_energy_${i + 1}`]!, e));
    const env = new EnvelopeAnalyzer(4096, 12_000, [2000, 5000]).analyze(win);
    const f = defectFrequencies(SKF_6205, shaftHz);
    close(rec.env_bpfi!, env.defectAmplitude(f.bpfi, 3));
    close(rec.env_ftf!, env.defectAmplitude(f.ftf, 3));
    // An inner-race record: the BPFI line dominates the other defect lines.
    expect(rec.env_bpfi!).toBeGreaterThan(2 * Math.max(rec.env_bpfo!, rec.env_bsf!, rec.env_ftf!));
  });

  it('gives NaN env_* without shaft speed or bearing geometry, keeping the vector length', () => {
    const v = extractFeatures(win, { set });
    expect(v).toHaveLength(EXPECTED_NAMES.length);
    expect(Array.from(v.slice(-4)).every(Number.isNaN)).toBe(true);
    expect(extractFeatures(win, { set, shaftHz, bearing: null })[26]).toBeNaN();
    expect(Array.from(v.slice(0, -4)).every(Number.isFinite)).toBe(true);
  });

  it('reuses the output vector, accepts float32 windows and checks the window length', () => {
    const out = new Float64Array(set.featureNames.length);
    const f32 = Float32Array.from(win);
    expect(extractFeatures(f32, { set, out, shaftHz, bearing: SKF_6205 })).toBe(out);
    expect(() => extractFeatures(win.subarray(0, 100), { set })).toThrow(/4096/);
  });

  it('velocity of a 100 Hz, 1 g sine is 11.04 mm/s', () => {
    const v = featureRecord(set, extractFeatures(sine(4096, 12_000, 100, 1), { set }));
    expect(v.velocity_rms_mm_s! / ((STANDARD_GRAVITY * 1000) / (2 * Math.PI * 100 * Math.SQRT2))).toBeCloseTo(
      1,
      2,
    );
    expect(v.dominant_hz).toBeCloseTo(100, -1);
  });

  it('works for non-power-of-two windows and other windows', () => {
    const odd = defineFeatureSet({ sampleRate: 10_000, windowLength: 1000, window: 'blackman-harris' });
    const x = gaussianNoise(1000, 3);
    const rec = featureRecord(odd, new FeatureExtractor(odd).extract(x, { shaftHz: 25, bearing: SKF_6205 }));
    expect(Object.values(rec).every(Number.isFinite)).toBe(true);
    expect(rec.spectral_entropy!).toBeGreaterThan(0.8);
  });

  describe('float32 hot path vs float64', () => {
    afterAll(async () => {
      await initSignal({ backend: 'auto' });
    });

    it('agrees to ~1e-6 relative on real data', async () => {
      const fast = new FeatureExtractor(set).extract(win, { shaftHz, bearing: SKF_6205 });
      await initSignal({ backend: 'f64' });
      const exact = new FeatureExtractor(set).extract(win, { shaftHz, bearing: SKF_6205 });
      await initSignal({ backend: 'auto' });
      for (let i = 0; i < exact.length; i++) {
        expect(Math.abs(fast[i]! - exact[i]!) / Math.abs(exact[i]!), set.featureNames[i]).toBeLessThan(1e-5);
      }
    });
  });
});
