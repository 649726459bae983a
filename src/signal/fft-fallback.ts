import FFT from 'fft.js';

/**
 * Float64 transforms used before `initSignal()` has loaded the WASM backend, when it is not
 * available, and for sizes PFFFT cannot do (PFFFT needs n = 2^a·3^b·5^c and n % 32 === 0 for real,
 * n % 16 === 0 for complex). Powers of two go to fft.js (radix-4); any other size uses Bluestein's
 * chirp-z algorithm on top of fft.js, so every transform is an exact length-n DFT: bins stay at
 * k·fs/n and no zero padding changes the spectrum a caller sees.
 */

const isPowerOfTwo = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

const nextPowerOfTwo = (n: number): number => {
  let m = 2;
  while (m < n) m *= 2;
  return m;
};

/** Complex DFT of size n on interleaved re/im Float64Arrays; inverse is scaled by 1/n. */
export interface F64ComplexTransform {
  forward(input: Float64Array, out: Float64Array): void;
  inverse(input: Float64Array, out: Float64Array): void;
}

class Pow2Complex implements F64ComplexTransform {
  private readonly fft: FFT;
  constructor(n: number) {
    this.fft = new FFT(n);
  }
  forward(input: Float64Array, out: Float64Array): void {
    this.fft.transform(out, input);
  }
  inverse(input: Float64Array, out: Float64Array): void {
    this.fft.inverseTransform(out, input);
  }
}

class BluesteinComplex implements F64ComplexTransform {
  private readonly inner: FFT;
  private readonly chirp: Float64Array; // w[k] = exp(-iπk²/n), interleaved
  private readonly chirpSpectrum: Float64Array; // FFT of conj(w) laid out circularly
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly conjIn: Float64Array;

  constructor(private readonly n: number) {
    const m = nextPowerOfTwo(2 * n - 1);
    this.inner = new FFT(m);
    this.chirp = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle small, so large n do not lose precision.
      const angle = (Math.PI * ((k * k) % (2 * n))) / n;
      this.chirp[2 * k] = Math.cos(angle);
      this.chirp[2 * k + 1] = -Math.sin(angle);
    }
    const b = new Float64Array(2 * m);
    for (let k = 0; k < n; k++) {
      const re = this.chirp[2 * k]!;
      const im = -this.chirp[2 * k + 1]!;
      b[2 * k] = re;
      b[2 * k + 1] = im;
      if (k > 0) {
        b[2 * (m - k)] = re;
        b[2 * (m - k) + 1] = im;
      }
    }
    this.chirpSpectrum = new Float64Array(2 * m);
    this.inner.transform(this.chirpSpectrum, b);
    this.a = new Float64Array(2 * m);
    this.b = new Float64Array(2 * m);
    this.conjIn = new Float64Array(2 * n);
  }

  forward(input: Float64Array, out: Float64Array): void {
    const { n, a, b, chirp, chirpSpectrum } = this;
    a.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = input[2 * k]!;
      const xi = input[2 * k + 1]!;
      const wr = chirp[2 * k]!;
      const wi = chirp[2 * k + 1]!;
      a[2 * k] = xr * wr - xi * wi;
      a[2 * k + 1] = xr * wi + xi * wr;
    }
    this.inner.transform(b, a);
    for (let i = 0; i < b.length; i += 2) {
      const re = b[i]!;
      const im = b[i + 1]!;
      const cr = chirpSpectrum[i]!;
      const ci = chirpSpectrum[i + 1]!;
      b[i] = re * cr - im * ci;
      b[i + 1] = re * ci + im * cr;
    }
    this.inner.inverseTransform(a, b);
    for (let k = 0; k < n; k++) {
      const yr = a[2 * k]!;
      const yi = a[2 * k + 1]!;
      const wr = chirp[2 * k]!;
      const wi = chirp[2 * k + 1]!;
      out[2 * k] = yr * wr - yi * wi;
      out[2 * k + 1] = yr * wi + yi * wr;
    }
  }

  inverse(input: Float64Array, out: Float64Array): void {
    // ifft(x) = conj(fft(conj(x))) / n
    const { n, conjIn } = this;
    for (let i = 0; i < 2 * n; i += 2) {
      conjIn[i] = input[i]!;
      conjIn[i + 1] = -input[i + 1]!;
    }
    this.forward(conjIn, out);
    const scale = 1 / n;
    for (let i = 0; i < 2 * n; i += 2) {
      out[i] = out[i]! * scale;
      out[i + 1] = -out[i + 1]! * scale;
    }
  }
}

export function f64ComplexTransform(n: number): F64ComplexTransform {
  return isPowerOfTwo(n) ? new Pow2Complex(n) : new BluesteinComplex(n);
}

/** Real-input forward DFT: fills bins 0..floor(n/2) of `out` (interleaved re/im). */
export interface F64RealTransform {
  forward(input: Float64Array | Float32Array, out: Float64Array): void;
}

export function f64RealTransform(n: number): F64RealTransform {
  const bins = Math.floor(n / 2) + 1;
  if (isPowerOfTwo(n) && n >= 4) {
    const fft = new FFT(n);
    const scratch = new Float64Array(2 * n);
    return {
      forward(input, out) {
        fft.realTransform(scratch, input);
        out.set(scratch.subarray(0, 2 * bins));
      },
    };
  }
  const complex = f64ComplexTransform(n);
  const packed = new Float64Array(2 * n);
  const full = new Float64Array(2 * n);
  return {
    forward(input, out) {
      for (let i = 0; i < n; i++) packed[2 * i] = input[i]!;
      complex.forward(packed, full);
      out.set(full.subarray(0, 2 * bins));
    },
  };
}
