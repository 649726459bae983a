import { realFft } from './fft.js';
import { periodicWindowSums, windowedBinPower, windowSpectrumInto, type WindowName } from './window.js';

/**
 * One-sided spectra of real windows. Conventions used by every spectral feature:
 * - the mean is removed first (DC is not vibration, and it would dominate a float32 FFT);
 * - the window is periodic and applied in the frequency domain (exact, see window.ts);
 * - `magnitude` is amplitude-corrected: a sinusoid of amplitude A on a bin reads A;
 * - `power` is mean-square per bin (noise-bandwidth corrected): Σ power ≈ variance of the window,
 *   so band sums are in (unit)², e.g. g².
 * Spectral features skip bin 0.
 */
export class SpectrumAnalyzer {
  readonly bins: number;
  readonly binHz: number;
  /** DFT of the mean-removed, unwindowed window: bins 0..n/2, re/im interleaved. */
  readonly raw: Float64Array;
  /** Same bins after windowing. */
  readonly windowed: Float64Array;
  readonly power: Float64Array;
  readonly magnitude: Float64Array;
  /** Multiply |X_w[k]| by this for amplitude, |X_w[k]|² by powScale for mean-square (interior bins). */
  readonly ampScale: number;
  readonly powScale: number;

  constructor(
    readonly n: number,
    readonly sampleRate: number,
    readonly window: WindowName = 'hann',
  ) {
    this.bins = Math.floor(n / 2) + 1;
    this.binHz = sampleRate / n;
    this.raw = new Float64Array(2 * this.bins);
    this.windowed = new Float64Array(2 * this.bins);
    this.power = new Float64Array(this.bins);
    this.magnitude = new Float64Array(this.bins);
    const sums = periodicWindowSums(window, n);
    this.ampScale = 2 / sums.sum;
    this.powScale = 2 / (n * sums.sumSq);
  }

  /** Fills `raw` and `windowed`. `mean` may be passed when the caller already has it. */
  transform(x: Float64Array | Float32Array, mean = meanOf(x, this.n)): void {
    this.transformRaw(x, mean);
    windowSpectrumInto(this.window, this.raw, this.n, this.windowed);
  }

  /** Fills `raw` only; see `windowedMagnitudeAt` for reading a few windowed bins. */
  transformRaw(x: Float64Array | Float32Array, mean = meanOf(x, this.n)): void {
    const n = this.n;
    if (x.length < n) throw new RangeError(`window needs ${n} samples, got ${x.length}`);
    // Looked up per call (a Map hit) so a plan made before initSignal() does not pin float64.
    const fft = realFft(n);
    const input = fft.input();
    for (let i = 0; i < n; i++) input[i] = x[i]! - mean;
    fft.execute(this.raw);
  }

  /** Raw DFT of what the caller wrote into `realFft(n).input()` (already mean-removed). */
  executeRaw(): void {
    realFft(this.n).execute(this.raw);
  }

  /** Amplitude-corrected magnitude of windowed bin k, computed from `raw` alone. */
  windowedMagnitudeAt(k: number): number {
    const sq = windowedBinPower(this.window, this.raw, this.n, k);
    const edge = k === 0 || 2 * k === this.n;
    return Math.sqrt(sq) * this.ampScale * (edge ? 0.5 : 1);
  }

  /** Fills `power` and `magnitude` from `windowed`. */
  computeMagnitudes(): void {
    const { windowed, power, magnitude, bins, n } = this;
    for (let k = 0; k < bins; k++) {
      const re = windowed[2 * k]!;
      const im = windowed[2 * k + 1]!;
      const sq = re * re + im * im;
      // DC and (even n) Nyquist have no mirror image: half the one-sided factor.
      const edge = k === 0 || 2 * k === n;
      power[k] = edge ? sq * this.powScale * 0.5 : sq * this.powScale;
      magnitude[k] = edge ? Math.sqrt(sq) * this.ampScale * 0.5 : Math.sqrt(sq) * this.ampScale;
    }
  }

  analyze(x: Float64Array | Float32Array): this {
    this.transform(x);
    this.computeMagnitudes();
    return this;
  }
}

function meanOf(x: Float64Array | Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

export interface MagnitudeSpectrum {
  binHz: number;
  magnitude: Float64Array;
  power: Float64Array;
}

/** Convenience (allocates): amplitude and power spectrum of the whole of x. */
export function magnitudeSpectrum(
  x: Float64Array | Float32Array,
  sampleRate: number,
  window: WindowName = 'hann',
): MagnitudeSpectrum {
  const a = new SpectrumAnalyzer(x.length, sampleRate, window).analyze(x);
  return { binHz: a.binHz, magnitude: a.magnitude, power: a.power };
}

/** Frequency of the largest bin above DC. */
export function dominantFrequency(magnitude: Float64Array, binHz: number): number {
  let best = 1;
  for (let k = 2; k < magnitude.length; k++) if (magnitude[k]! > magnitude[best]!) best = k;
  return magnitude.length > 1 ? best * binHz : NaN;
}

/** Amplitude-weighted mean frequency (the librosa/MPEG-7 convention), DC excluded. */
export function spectralCentroid(magnitude: Float64Array, binHz: number): number {
  let num = 0;
  let den = 0;
  for (let k = 1; k < magnitude.length; k++) {
    num += k * magnitude[k]!;
    den += magnitude[k]!;
  }
  return den > 0 ? (num / den) * binHz : NaN;
}

/** Shannon entropy of the normalised power distribution over bins 1.., divided by log(bins). */
export function spectralEntropy(power: Float64Array): number {
  let sum = 0;
  let sumPlogP = 0;
  for (let k = 1; k < power.length; k++) {
    const p = power[k]!;
    if (p > 0) {
      sum += p;
      sumPlogP += p * Math.log(p);
    }
  }
  const count = power.length - 1;
  if (!(sum > 0) || count < 2) return NaN;
  // −Σ (p/S) log(p/S) = log S − Σ p log p / S
  return (Math.log(sum) - sumPlogP / sum) / Math.log(count);
}

export type Band = readonly [lowHz: number, highHz: number];

/** `count` equal bands from 0 Hz to Nyquist. */
export function equalBands(count: number, sampleRate: number): Band[] {
  const nyquist = sampleRate / 2;
  return Array.from(
    { length: count },
    (_, i) => [(i * nyquist) / count, ((i + 1) * nyquist) / count] as const,
  );
}

/** First and one-past-last bin of a band: lo ≤ f < hi, and a band ending at Nyquist includes it. */
export function bandBins(band: Band, binHz: number, bins: number): [number, number] {
  const nyquist = (bins - 1) * binHz;
  const start = Math.max(1, Math.ceil(band[0] / binHz - 1e-9));
  const end = band[1] >= nyquist ? bins : Math.min(bins, Math.ceil(band[1] / binHz - 1e-9));
  return [start, Math.max(start, end)];
}

/** Mean-square power in each band (sum of `power` bins), DC excluded. */
export function bandEnergies(power: Float64Array, binHz: number, bands: readonly Band[]): Float64Array {
  const out = new Float64Array(bands.length);
  bands.forEach((band, b) => {
    const [start, end] = bandBins(band, binHz, power.length);
    let s = 0;
    for (let k = start; k < end; k++) s += power[k]!;
    out[b] = s;
  });
  return out;
}
