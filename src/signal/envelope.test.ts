import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cwruDir,
  cwruSampleDir,
  CWRU_SAMPLE_RATE,
  readCwruDriveEnd,
  readF32Sample,
} from '../../tests/helpers/cwru-drive-end.js';
import { gaussianNoise } from '../../tests/helpers/signals.js';
import { defectFrequencies, SKF_6205 } from './bearing.js';
import {
  defectAmplitudes,
  EnvelopeAnalyzer,
  envelopeSpectrum,
  harmonicAmplitudes,
  peakNear,
  searchRange,
} from './envelope.js';
import { initSignal } from './fft.js';
import type { Band } from './spectrum.js';

beforeAll(async () => {
  await initSignal();
});

/**
 * Band-pass for the CWRU drive-end records: 2–5 kHz. Welch spectra of these records show the
 * structural resonances the defect impacts excite between about 2.5 and 4 kHz; the band is wide
 * enough to hold them all and stays clear of the shaft harmonics and of the anti-alias roll-off
 * near 6 kHz. The tests do not tune it per record.
 */
const CWRU_BAND: Band = [2000, 5000];
/** Where the envelope-spectrum peak is looked for: above the 1× shaft line, below 2×BPFI+. */
const SEARCH_HZ: Band = [50, 400];

function envelopePeakHz(x: Float64Array, band: Band = CWRU_BAND): number {
  const { magnitude, binHz } = envelopeSpectrum(x, CWRU_SAMPLE_RATE, band);
  let best = Math.ceil(SEARCH_HZ[0] / binHz);
  for (let k = best; k * binHz <= SEARCH_HZ[1]; k++) if (magnitude[k]! > magnitude[best]!) best = k;
  return best * binHz;
}

describe('envelope analysis, synthetic', () => {
  const fs = 12_000;
  const n = 4096;
  const binHz = fs / n;
  const fc = 1024 * binHz; // 3 kHz carrier
  const fm = 36 * binHz; // ~105 Hz modulation
  const m = 0.4;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    x[i] = (1 + m * Math.cos(2 * Math.PI * fm * t)) * Math.sin(2 * Math.PI * fc * t);
  }

  it('recovers the modulation of an AM signal: envelope mean 1, line of amplitude m at fm', () => {
    const a = new EnvelopeAnalyzer(n, fs, [2000, 4000]).analyze(x);
    const mean = a.envelope.reduce((s, v) => s + v, 0) / n;
    expect(mean).toBeCloseTo(1, 4);
    expect(a.spectrum.magnitude[36]).toBeCloseTo(m, 4);
    expect(peakNear(a.spectrum.magnitude, binHz, fm * 1.01)).toEqual({
      hz: fm,
      amplitude: a.spectrum.magnitude[36],
    });
    // The lazy path reads the same bins.
    expect(a.amplitudeNear(fm)).toBeCloseTo(m, 4);
  });

  it('squared envelope: (1 + m·cos)² has mean 1 + m²/2 and a line of 2m at fm, m²/2 at 2fm', () => {
    const a = new EnvelopeAnalyzer(n, fs, [2000, 4000], 'hann', true).analyze(x);
    const mean = a.envelope.reduce((s, v) => s + v, 0) / n;
    expect(mean).toBeCloseTo(1 + (m * m) / 2, 4);
    expect(a.spectrum.magnitude[36]).toBeCloseTo(2 * m, 4);
    expect(a.spectrum.magnitude[72]).toBeCloseTo((m * m) / 2, 4);
  });

  it('searches ±max(2 %, 1 bin) around each harmonic and combines harmonics root-sum-square', () => {
    expect(searchRange(100, 1, 2049, { fraction: 0.02, bins: 1 })).toEqual([98, 102]);
    expect(searchRange(10, 1, 2049, { fraction: 0.02, bins: 1 })).toEqual([9, 11]);
    expect(searchRange(-1, 1, 2049, { fraction: 0.02, bins: 1 })[0]).toBeGreaterThan(0);
    const { magnitude } = envelopeSpectrum(x, fs, [2000, 4000]);
    const h = harmonicAmplitudes(magnitude, binHz, fm, 3);
    expect(h[0]).toBeCloseTo(m, 4);
    expect(h[1]).toBeLessThan(1e-3);
    const a = new EnvelopeAnalyzer(n, fs, [2000, 4000]).analyze(x, false);
    expect(a.defectAmplitude(fm, 3)).toBeCloseTo(Math.hypot(h[0]!, h[1]!, h[2]!), 5);
    // Harmonics above Nyquist are skipped, a frequency wholly out of range gives NaN.
    expect(a.defectAmplitude(fs, 2)).toBeNaN();
  });

  it('is flat for band-limited noise (no false line)', () => {
    const { magnitude, binHz: b } = envelopeSpectrum(gaussianNoise(n, 1), fs, [2000, 4000]);
    const f = defectFrequencies(SKF_6205, 29.95);
    const amps = defectAmplitudes(magnitude, b, f, 1);
    for (const v of Object.values(amps)) expect(v).toBeLessThan(0.1);
  });

  it('rejects a band without bins', () => {
    expect(() => new EnvelopeAnalyzer(64, 1000, [400, 401])).toThrow(/no bins/);
  });
});

describe('envelope analysis, committed CWRU excerpts (datasets/cwru-sample)', () => {
  const bpfi = defectFrequencies(SKF_6205, 1797 / 60).bpfi;
  const bpfo = defectFrequencies(SKF_6205, 1796 / 60).bpfo;

  it('IR007 (first 12,000 samples) peaks within 2 % of BPFI', () => {
    const x = readF32Sample(path.join(cwruSampleDir, 'IR007_0_105_DE_first12000.f32'));
    expect(x.length).toBe(12_000);
    expect(Math.abs(envelopePeakHz(x) / bpfi - 1)).toBeLessThan(0.02);
    // and on one 4096-sample window, the size the feature set uses
    expect(Math.abs(envelopePeakHz(x.subarray(0, 4096)) / bpfi - 1)).toBeLessThan(0.02);
  });

  it('OR007@6 (first 12,000 samples) peaks within 2 % of BPFO', () => {
    const x = readF32Sample(path.join(cwruSampleDir, 'OR007@6_0_130_DE_first12000.f32'));
    expect(Math.abs(envelopePeakHz(x) / bpfo - 1)).toBeLessThan(0.02);
    expect(Math.abs(envelopePeakHz(x.subarray(4096, 8192)) / bpfo - 1)).toBeLessThan(0.02);
  });
});

const haveCwru = existsSync(cwruDir);
if (!haveCwru) console.log(`skipping full-record CWRU envelope tests: ${cwruDir} not found`);

describe.runIf(haveCwru)('envelope analysis, full CWRU records (../shared/datasets/cwru)', () => {
  const files = haveCwru ? readdirSync(cwruDir) : [];
  const pick = (tag: string): string =>
    path.join(
      cwruDir,
      files.find((f) => f.includes(`_${tag}_`))!,
    );

  it.each([
    ['IR007', 'bpfi'],
    ['IR014', 'bpfi'],
    ['IR021', 'bpfi'],
    ['OR007@6', 'bpfo'],
    ['OR021@6', 'bpfo'],
  ] as const)(
    '%s: the envelope spectrum peaks within 2 percent of %s (shaft speed from X<no>RPM)',
    (tag, key) => {
      const { driveEnd, rpm } = readCwruDriveEnd(pick(tag));
      expect(rpm).toBeGreaterThan(1700);
      const target = defectFrequencies(SKF_6205, rpm! / 60)[key];
      const peak = envelopePeakHz(driveEnd); // whole record, ~10 s: an exact non-power-of-two DFT
      expect(Math.abs(peak / target - 1)).toBeLessThan(0.02);
    },
  );

  it('OR014@6: known exception, BPFO is not the dominant envelope line (logged, not asserted)', () => {
    // Record 197 is dominated by lines at ~161 Hz and ~179 Hz (6× shaft) in every band tried
    // (0.5–6 kHz); BPFO is 0.4–0.7 of the largest line. Smith & Randall (2015) flag several CWRU
    // records whose signature does not match the labelled fault; this test keeps the observation
    // visible instead of tuning the band until the label fits.
    const { driveEnd, rpm } = readCwruDriveEnd(pick('OR014@6'));
    const bpfo197 = defectFrequencies(SKF_6205, rpm! / 60).bpfo;
    const { magnitude, binHz } = envelopeSpectrum(driveEnd, CWRU_SAMPLE_RATE, CWRU_BAND);
    const peak = envelopePeakHz(driveEnd);
    const atBpfo = peakNear(magnitude, binHz, bpfo197).amplitude;
    console.log(
      `OR014@6: envelope peak at ${peak.toFixed(1)} Hz, BPFO ${bpfo197.toFixed(1)} Hz, ` +
        `amplitude at BPFO / peak = ${(atBpfo / magnitude[Math.round(peak / binHz)]!).toFixed(2)}`,
    );
    expect(Number.isFinite(atBpfo)).toBe(true);
  });
});
