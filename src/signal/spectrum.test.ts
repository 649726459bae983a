import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianNoise, sine } from '../../tests/helpers/signals.js';
import { initSignal } from './fft.js';
import {
  bandBins,
  bandEnergies,
  dominantFrequency,
  equalBands,
  magnitudeSpectrum,
  spectralCentroid,
  spectralEntropy,
} from './spectrum.js';
import { timeStats } from './stats.js';

beforeAll(async () => {
  await initSignal();
});

const FS = 12_000;
const N = 4096;
const BIN = FS / N;

describe('magnitudeSpectrum', () => {
  it('reads the amplitude of an on-bin sine at its bin, DC removed', () => {
    const k = 100;
    const x = sine(N, FS, k * BIN, 0.8, 0.3, 5);
    const { magnitude, binHz } = magnitudeSpectrum(x, FS);
    expect(binHz).toBe(BIN);
    expect(magnitude[k]).toBeCloseTo(0.8, 5);
    expect(magnitude[0]).toBeLessThan(1e-5);
    expect(dominantFrequency(magnitude, binHz)).toBe(k * BIN);
  });

  it('finds the dominant bin of an off-bin sine and keeps Σ power ≈ mean square', () => {
    const f = 1234.5;
    const x = sine(N, FS, f, 1.3);
    const { magnitude, power, binHz } = magnitudeSpectrum(x, FS);
    expect(Math.abs(dominantFrequency(magnitude, binHz) - f)).toBeLessThanOrEqual(binHz / 2);
    const total = power.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1.3 ** 2 / 2, 2);
    expect(spectralCentroid(magnitude, binHz)).toBeCloseTo(f, -1);
  });

  it('spectral entropy is low for a tone and near 1 for white noise', () => {
    const tone = magnitudeSpectrum(sine(N, FS, 100 * BIN), FS);
    const noise = magnitudeSpectrum(gaussianNoise(N, 5), FS);
    expect(spectralEntropy(tone.power)).toBeLessThan(0.2);
    expect(spectralEntropy(noise.power)).toBeGreaterThan(0.9);
    expect(spectralEntropy(noise.power)).toBeLessThanOrEqual(1);
  });

  it('band energies split the variance over 8 equal bands to Nyquist', () => {
    const x = gaussianNoise(N, 9, 0.5);
    const { power, binHz } = magnitudeSpectrum(x, FS);
    const bands = equalBands(8, FS);
    expect(bands[0]).toEqual([0, 750]);
    expect(bands[7]).toEqual([5250, 6000]);
    const e = bandEnergies(power, binHz, bands);
    const sum = e.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(
      power.slice(1).reduce((a, b) => a + b, 0),
      12,
    );
    expect(sum / timeStats(x).std ** 2).toBeCloseTo(1, 1);
    // white noise: roughly equal shares
    for (const v of e) expect(v / sum).toBeGreaterThan(0.08);
  });

  it('assigns bins to bands as lo ≤ f < hi, with Nyquist in the last band', () => {
    expect(bandBins([0, 750], BIN, N / 2 + 1)).toEqual([1, 256]);
    expect(bandBins([5250, 6000], BIN, N / 2 + 1)).toEqual([1792, N / 2 + 1]);
  });
});
