/**
 * Cosine-sum windows w[i] = Σ_k (−1)^k a_k cos(2πki/N). Periodic ("DFT-even", scipy's default
 * for spectral analysis) unless `symmetric` is asked for. Because a periodic cosine-sum window is
 * a short kernel in the frequency domain, `windowSpectrumInto` can window an already computed
 * spectrum exactly, which lets one FFT serve both the windowed spectrum and the envelope band-pass.
 */
export type WindowName = 'rectangular' | 'hann' | 'hamming' | 'blackman' | 'blackman-harris' | 'flattop';

export const WINDOW_NAMES: readonly WindowName[] = [
  'rectangular',
  'hann',
  'hamming',
  'blackman',
  'blackman-harris',
  'flattop',
];

const COEFFICIENTS: Record<WindowName, readonly number[]> = {
  rectangular: [1],
  hann: [0.5, 0.5],
  hamming: [0.54, 0.46],
  blackman: [0.42, 0.5, 0.08],
  'blackman-harris': [0.35875, 0.48829, 0.14128, 0.01168],
  flattop: [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368],
};

export function windowCoefficients(name: WindowName): readonly number[] {
  const c = COEFFICIENTS[name];
  if (!c) throw new RangeError(`unknown window "${String(name)}"`);
  return c;
}

export function makeWindow(name: WindowName, n: number, symmetric = false): Float64Array {
  const a = windowCoefficients(name);
  const w = new Float64Array(n);
  const denom = symmetric ? n - 1 : n;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < a.length; k++) {
      const term = a[k]! * Math.cos((2 * Math.PI * k * i) / denom);
      v += k % 2 === 0 ? term : -term;
    }
    w[i] = n === 1 ? 1 : v;
  }
  return w;
}

/** Σw (coherent gain × n) and Σw² (for power / noise-bandwidth correction). */
export function windowSums(w: Float64Array): { sum: number; sumSq: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < w.length; i++) {
    sum += w[i]!;
    sumSq += w[i]! * w[i]!;
  }
  return { sum, sumSq };
}

/** Closed-form Σw and Σw² of the periodic window of length n (exact when n > 2·terms). */
export function periodicWindowSums(name: WindowName, n: number): { sum: number; sumSq: number } {
  const a = windowCoefficients(name);
  let sq = a[0]! * a[0]!;
  for (let k = 1; k < a.length; k++) sq += (a[k]! * a[k]!) / 2;
  return { sum: n * a[0]!, sumSq: n * sq };
}

/**
 * Windows a one-sided spectrum in place of multiplying the samples: `spec` holds bins
 * 0..floor(n/2) of the DFT of the unwindowed signal (re/im interleaved), `out` receives the same
 * bins of DFT(x · w) for the periodic window. Bins outside the half spectrum come from Hermitian
 * symmetry, X[−k] = X[n−k] = conj(X[k]).
 */
export function windowSpectrumInto(name: WindowName, spec: Float64Array, n: number, out: Float64Array): void {
  const a = windowCoefficients(name);
  const half = Math.floor(n / 2);
  const a0 = a[0]!;
  if (a.length === 2) {
    // Hann and Hamming: a three-tap kernel, the hot path of feature extraction.
    const c = -a[1]! / 2;
    for (let k = 1; k < half; k++) {
      const i = 2 * k;
      out[i] = a0 * spec[i]! + c * (spec[i - 2]! + spec[i + 2]!);
      out[i + 1] = a0 * spec[i + 1]! + c * (spec[i - 1]! + spec[i + 3]!);
    }
    edgeBin(a, spec, n, half, 0, out);
    if (half > 0) edgeBin(a, spec, n, half, half, out);
    return;
  }
  for (let k = 0; k <= half; k++) edgeBin(a, spec, n, half, k, out);
}

/** |DFT(x·w)[k]|² for one bin, from the unwindowed half spectrum (see windowSpectrumInto). */
export function windowedBinPower(name: WindowName, spec: Float64Array, n: number, k: number): number {
  const a = windowCoefficients(name);
  const half = Math.floor(n / 2);
  edgeBin(a, spec, n, half, k, binScratch, 0);
  return binScratch[0]! * binScratch[0]! + binScratch[1]! * binScratch[1]!;
}

const binScratch = new Float64Array(2);

function edgeBin(
  a: readonly number[],
  spec: Float64Array,
  n: number,
  half: number,
  k: number,
  out: Float64Array,
  at = 2 * k,
): void {
  let re = a[0]! * spec[2 * k]!;
  let im = a[0]! * spec[2 * k + 1]!;
  for (let j = 1; j < a.length; j++) {
    const c = (j % 2 === 0 ? a[j]! : -a[j]!) / 2;
    re += c * (binRe(spec, k - j, n, half) + binRe(spec, k + j, n, half));
    im += c * (binIm(spec, k - j, n, half) + binIm(spec, k + j, n, half));
  }
  out[at] = re;
  out[at + 1] = im;
}

const fold = (k: number, n: number): number => ((k % n) + n) % n;

function binRe(spec: Float64Array, k: number, n: number, half: number): number {
  const m = fold(k, n);
  return m <= half ? spec[2 * m]! : spec[2 * (n - m)]!;
}

function binIm(spec: Float64Array, k: number, n: number, half: number): number {
  const m = fold(k, n);
  return m <= half ? spec[2 * m + 1]! : -spec[2 * (n - m) + 1]!;
}
