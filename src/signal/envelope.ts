import { DEFECT_KEYS, type DefectFrequencies, type DefectKey } from './bearing.js';
import { complexFft, realFft } from './fft.js';
import { bandBins, SpectrumAnalyzer, type Band } from './spectrum.js';
import type { WindowName } from './window.js';

/**
 * Envelope analysis (amplitude demodulation) for rolling-element bearings: band-pass around a
 * structural resonance excited by the defect impacts, take the Hilbert envelope, and look at the
 * envelope's spectrum for the defect frequencies. Both the band-pass and the Hilbert transform
 * are done in one frequency-domain step: keeping only the positive-frequency bins of the band,
 * doubled, and inverse transforming gives the analytic signal of the band-passed window.
 */

/** Half-width of the search around a target frequency f: max(fraction·f, bins·binHz). */
export interface PeakTolerance {
  fraction: number;
  bins: number;
}

export const DEFAULT_TOLERANCE: PeakTolerance = { fraction: 0.02, bins: 1 };

export class EnvelopeAnalyzer {
  readonly bins: number;
  readonly binHz: number;
  /** Hilbert envelope of the band-passed window, same length and rate as the input. */
  readonly envelope: Float64Array;
  /**
   * Spectrum of the envelope (mean removed, windowed, amplitude-corrected). After `fromSpectrum`
   * with `full = false` only `spectrum.raw` is filled: read bins with `amplitudeNear`.
   */
  readonly spectrum: SpectrumAnalyzer;
  private readonly raw: Float64Array;
  private readonly first: number;
  private readonly last: number;

  /**
   * `squared`: keep |analytic|² instead of |analytic| (the squared envelope of Randall & Antoni;
   * its spectrum, the SES, is what the CWRU benchmark of Smith & Randall 2015 reads).
   */
  constructor(
    readonly n: number,
    readonly sampleRate: number,
    readonly band: Band,
    window: WindowName = 'hann',
    readonly squared = false,
  ) {
    if (!(band[0] >= 0 && band[1] > band[0]))
      throw new RangeError(`envelope band must satisfy 0 ≤ low < high`);
    this.bins = Math.floor(n / 2) + 1;
    this.binHz = sampleRate / n;
    const [start, end] = bandBins(band, this.binHz, this.bins);
    // Nyquist has no analytic counterpart: stop below it.
    this.first = start;
    this.last = Math.min(end, n % 2 === 0 ? this.bins - 1 : this.bins);
    if (this.last <= this.first) throw new RangeError(`envelope band ${band[0]}–${band[1]} Hz holds no bins`);
    this.raw = new Float64Array(2 * this.bins);
    this.envelope = new Float64Array(n);
    this.spectrum = new SpectrumAnalyzer(n, sampleRate, window);
  }

  /**
   * From the DFT of the window (bins 0..n/2, interleaved, e.g. SpectrumAnalyzer.raw): fills
   * `envelope` and the envelope spectrum (all bins when `full`, else only its raw DFT).
   */
  fromSpectrum(raw: Float64Array, full = true): this {
    const { envelope, n, first, last } = this;
    const fft = complexFft(n);
    const analytic = fft.input();
    analytic.fill(0);
    for (let k = first; k < last; k++) {
      analytic[2 * k] = 2 * raw[2 * k]!;
      analytic[2 * k + 1] = 2 * raw[2 * k + 1]!;
    }
    const z = fft.executeInverse(); // unscaled: divide by n here, in the same pass
    const scale = 1 / n;
    const squared = this.squared;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const re = z[2 * i]! * scale;
      const im = z[2 * i + 1]! * scale;
      const sq = re * re + im * im;
      const e = squared ? sq : Math.sqrt(sq);
      envelope[i] = e;
      sum += e;
    }
    if (full) {
      this.spectrum.transform(envelope, sum / n);
      this.spectrum.computeMagnitudes();
    } else {
      this.spectrum.transformRaw(envelope, sum / n);
    }
    return this;
  }

  /** Envelope analysis of a time-domain window (allocation-free after construction). */
  analyze(x: Float64Array | Float32Array, full = true): this {
    if (x.length < this.n) throw new RangeError(`window needs ${this.n} samples, got ${x.length}`);
    const n = this.n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i]!;
    const mean = sum / n;
    const fft = realFft(n);
    const input = fft.input();
    for (let i = 0; i < n; i++) input[i] = x[i]! - mean;
    fft.execute(this.raw);
    return this.fromSpectrum(this.raw, full);
  }

  /** Like peakNear on the envelope spectrum, computing only the bins searched. */
  amplitudeNear(f: number, tol: PeakTolerance = DEFAULT_TOLERANCE): number {
    const [lo, hi] = searchRange(f, this.binHz, this.bins, tol);
    let best = NaN;
    for (let k = lo; k <= hi; k++) {
      const m = this.spectrum.windowedMagnitudeAt(k);
      if (!(m <= best)) best = m;
    }
    return best;
  }

  /** Root-sum-square of the envelope peaks at the first `harmonics` multiples of f (see defectAmplitude). */
  defectAmplitude(f: number, harmonics: number, tol: PeakTolerance = DEFAULT_TOLERANCE): number {
    let s = 0;
    let found = false;
    for (let h = 1; h <= harmonics; h++) {
      const a = this.amplitudeNear(h * f, tol);
      if (Number.isFinite(a)) {
        s += a * a;
        found = true;
      }
    }
    return found ? Math.sqrt(s) : NaN;
  }
}

/** Bins searched around f: within max(fraction·f, bins·binHz), clamped to 1..bins−1 (empty: lo > hi). */
export function searchRange(f: number, binHz: number, bins: number, tol: PeakTolerance): [number, number] {
  if (!(f > 0)) return [1, 0];
  const half = Math.max(tol.fraction * f, tol.bins * binHz);
  const lo = Math.max(1, Math.ceil((f - half) / binHz - 1e-9));
  const hi = Math.min(bins - 1, Math.floor((f + half) / binHz + 1e-9));
  return [lo, hi];
}

/** Largest magnitude within the tolerance around f, and where it is; NaN if f is out of range. */
export function peakNear(
  magnitude: Float64Array,
  binHz: number,
  f: number,
  tol: PeakTolerance = DEFAULT_TOLERANCE,
): { hz: number; amplitude: number } {
  const [lo, hi] = searchRange(f, binHz, magnitude.length, tol);
  if (lo > hi) return { hz: NaN, amplitude: NaN };
  let best = lo;
  for (let k = lo + 1; k <= hi; k++) if (magnitude[k]! > magnitude[best]!) best = k;
  return { hz: best * binHz, amplitude: magnitude[best]! };
}

/** Peak amplitude at f, 2f, … harmonics·f; harmonics above Nyquist are NaN. */
export function harmonicAmplitudes(
  magnitude: Float64Array,
  binHz: number,
  f: number,
  harmonics: number,
  tol: PeakTolerance = DEFAULT_TOLERANCE,
  out: Float64Array = new Float64Array(harmonics),
): Float64Array {
  for (let h = 1; h <= harmonics; h++) out[h - 1] = peakNear(magnitude, binHz, h * f, tol).amplitude;
  return out;
}

/**
 * One number per defect: root-sum-square of the envelope peaks at its first `harmonics`
 * harmonics (those below Nyquist), in the envelope's unit (g for acceleration in g).
 */
export function defectAmplitude(
  magnitude: Float64Array,
  binHz: number,
  f: number,
  harmonics: number,
  tol: PeakTolerance = DEFAULT_TOLERANCE,
): number {
  let s = 0;
  let found = false;
  for (let h = 1; h <= harmonics; h++) {
    const a = peakNear(magnitude, binHz, h * f, tol).amplitude;
    if (Number.isFinite(a)) {
      s += a * a;
      found = true;
    }
  }
  return found ? Math.sqrt(s) : NaN;
}

export function defectAmplitudes(
  magnitude: Float64Array,
  binHz: number,
  freqs: DefectFrequencies,
  harmonics: number,
  tol: PeakTolerance = DEFAULT_TOLERANCE,
): Record<DefectKey, number> {
  const out = {} as Record<DefectKey, number>;
  for (const key of DEFECT_KEYS) out[key] = defectAmplitude(magnitude, binHz, freqs[key], harmonics, tol);
  return out;
}

/** Convenience (allocates): amplitude spectrum of the Hilbert envelope of x band-passed to `band`. */
export function envelopeSpectrum(
  x: Float64Array | Float32Array,
  sampleRate: number,
  band: Band,
  window: WindowName = 'hann',
): { binHz: number; magnitude: Float64Array; envelope: Float64Array } {
  const a = new EnvelopeAnalyzer(x.length, sampleRate, band, window).analyze(x);
  return { binHz: a.binHz, magnitude: a.spectrum.magnitude, envelope: a.envelope };
}
