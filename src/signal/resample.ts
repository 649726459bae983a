/**
 * Resampling helpers. `decimate` lets 48 kHz recordings (e.g. the CWRU normal baseline) be
 * compared with 12 kHz ones: a plain every-4th-sample pick would fold 6–24 kHz energy back
 * into the 0–6 kHz band and fake spectral lines.
 */

export type FirWindow = 'hamming' | 'blackman';

export interface LowPassOptions {
  /** Odd number of taps (linear phase, integer group delay). */
  numTaps: number;
  /** Cutoff as a fraction of the Nyquist frequency, 0 < cutoff < 1. */
  cutoff: number;
  window?: FirWindow;
}

/** Windowed-sinc low-pass FIR coefficients, normalised to unit gain at DC. */
export function designLowPassFir({ numTaps, cutoff, window = 'hamming' }: LowPassOptions): Float64Array {
  if (!Number.isInteger(numTaps) || numTaps < 1 || numTaps % 2 === 0) {
    throw new RangeError(`numTaps must be a positive odd integer, got ${numTaps}`);
  }
  if (!(cutoff > 0 && cutoff < 1)) throw new RangeError(`cutoff must be in (0, 1), got ${cutoff}`);
  const h = new Float64Array(numTaps);
  const mid = (numTaps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < numTaps; i++) {
    const t = i - mid;
    const sinc = t === 0 ? cutoff : Math.sin(Math.PI * cutoff * t) / (Math.PI * t);
    const phase = numTaps === 1 ? 0 : (2 * Math.PI * i) / (numTaps - 1);
    const w =
      window === 'blackman'
        ? 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase)
        : 0.54 - 0.46 * Math.cos(phase);
    h[i] = sinc * w;
    sum += h[i] as number;
  }
  for (let i = 0; i < numTaps; i++) h[i] = (h[i] as number) / sum;
  return h;
}

export interface DecimateOptions {
  /** Defaults to 20 * factor + 1, as scipy.signal.decimate does for its FIR mode. */
  numTaps?: number;
  /**
   * Cutoff as a fraction of the *output* Nyquist frequency; defaults to 0.8, so that the
   * transition band ends near the new Nyquist instead of straddling it.
   */
  cutoff?: number;
  window?: FirWindow;
}

/**
 * Low-pass filters `signal` and keeps every `factor`-th sample. The FIR is applied centred
 * (group delay removed, zero padding at the edges), so output sample k lines up in time with
 * input sample k * factor. Only the kept samples are computed.
 */
export function decimate(
  signal: ArrayLike<number>,
  factor: number,
  options: DecimateOptions = {},
): Float64Array {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
  }
  if (factor === 1) return Float64Array.from(signal);
  const numTaps = options.numTaps ?? 20 * factor + 1;
  const cutoff = (options.cutoff ?? 0.8) / factor;
  const h = designLowPassFir({ numTaps, cutoff, window: options.window ?? 'hamming' });
  const n = signal.length;
  const half = (numTaps - 1) / 2;
  const out = new Float64Array(Math.ceil(n / factor));
  for (let k = 0; k < out.length; k++) {
    const centre = k * factor;
    const lo = Math.max(0, centre - half);
    const hi = Math.min(n - 1, centre + half);
    let acc = 0;
    // h is symmetric, so h[centre - j + half] = h[j - centre + half].
    for (let j = lo; j <= hi; j++) acc += (h[j - centre + half] as number) * (signal[j] as number);
    out[k] = acc;
  }
  return out;
}
