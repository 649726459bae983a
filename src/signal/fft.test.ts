import fftjs from 'fft-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianNoise, uniformNoise } from '../../tests/helpers/signals.js';
import { complexFft, fftBackend, initSignal, pffftSupports, realFft } from './fft.js';

/** max |X − ref| over bins 0..n/2, relative to the largest |ref|. */
function errorVsReference(x: Float64Array, out: Float64Array, ref: [number, number][]): number {
  let peak = 0;
  let err = 0;
  for (let k = 0; k <= Math.floor(x.length / 2); k++) {
    const [re, im] = ref[k]!;
    peak = Math.max(peak, Math.hypot(re, im));
    err = Math.max(err, Math.hypot(out[2 * k]! - re, out[2 * k + 1]! - im));
  }
  return err / peak;
}

function reference(x: Float64Array): [number, number][] {
  const pow2 = (x.length & (x.length - 1)) === 0;
  return pow2 ? fftjs.fft(Array.from(x)) : fftjs.dft(Array.from(x));
}

// float64 fallback: exact to rounding; PFFFT (float32 SIMD): ~1e-7 of the peak, bounded here at 1e-6.
const TOLERANCE = { f64: 1e-12, pffft: 1e-6 } as const;

describe.each(['f64', 'auto'] as const)('real FFT, backend %s', (backend) => {
  beforeAll(async () => {
    await initSignal({ backend });
  });
  afterAll(async () => {
    await initSignal({ backend: 'auto' });
  });
  const tol = () => (fftBackend() === 'f64' ? TOLERANCE.f64 : TOLERANCE.pffft);

  it.each([32, 64, 256, 1024, 4096, 16384])('matches fft-js on random data, n = %i', (n) => {
    const x = gaussianNoise(n, n + 7);
    // A DC offset and a strong tone: the tolerance is relative to the peak, as the hot path sees it.
    for (let i = 0; i < n; i++) x[i] = x[i]! + 5 * Math.sin(0.3 * i);
    const out = new Float64Array(n + 2);
    realFft(n).forward(x, out);
    expect(errorVsReference(x, out, reference(x))).toBeLessThan(tol());
  });

  it.each([12000, 96, 100, 1000, 1023, 17])('works for non-power-of-two n = %i (exact length-n DFT)', (n) => {
    const x = uniformNoise(n, n);
    const plan = realFft(n);
    expect(plan.bins).toBe(Math.floor(n / 2) + 1);
    const out = new Float64Array(2 * plan.bins);
    plan.forward(x, out);
    const ref = n <= 2048 ? fftjs.dft(Array.from(x)) : null;
    if (ref)
      expect(errorVsReference(x, out, ref)).toBeLessThan(plan.backend === 'f64' ? 1e-9 : TOLERANCE.pffft);
    // Parseval holds for any reference-free size: Σx² = (|X0|² + 2Σ|Xk|² (+ |X_{n/2}|²)) / n.
    let energy = 0;
    for (let i = 0; i < n; i++) energy += x[i]! * x[i]!;
    let spec = 0;
    for (let k = 0; k < plan.bins; k++) {
      const sq = out[2 * k]! ** 2 + out[2 * k + 1]! ** 2;
      spec += k === 0 || 2 * k === n ? sq : 2 * sq;
    }
    expect(spec / n / energy).toBeCloseTo(1, 5);
  });

  it.each([64, 4096, 1000])('complex forward/inverse round-trips, n = %i', (n) => {
    const z = uniformNoise(2 * n, 3);
    const spec = new Float64Array(2 * n);
    const back = new Float64Array(2 * n);
    const plan = complexFft(n);
    plan.forward(z, spec);
    plan.inverse(spec, back);
    let err = 0;
    for (let i = 0; i < 2 * n; i++) err = Math.max(err, Math.abs(back[i]! - z[i]!));
    expect(err).toBeLessThan(plan.backend === 'f64' ? 1e-12 : 1e-5);
    // executeInverse is the unscaled inverse in place of `inverse`.
    plan.input().set(spec);
    const raw = plan.executeInverse();
    expect(raw[6]! / n).toBeCloseTo(z[6]!, 5);
  });
});

describe('backend selection', () => {
  it('uses PFFFT SIMD after initSignal() and caches plans per size', async () => {
    const name = await initSignal();
    expect(['pffft-simd', 'pffft', 'f64']).toContain(name);
    expect(realFft(4096)).toBe(realFft(4096));
    expect(realFft(4096).backend).toBe(name);
    // Sizes PFFFT cannot plan fall back to the exact float64 path.
    expect(realFft(1000).backend).toBe('f64');
  });

  it('knows which sizes PFFFT supports', () => {
    expect(pffftSupports(4096, 'real')).toBe(true);
    expect(pffftSupports(12000, 'real')).toBe(true);
    expect(pffftSupports(48, 'real')).toBe(false);
    expect(pffftSupports(48, 'complex')).toBe(true);
    expect(pffftSupports(32 * 7, 'real')).toBe(false);
  });

  it('rejects sizes below 2', () => {
    expect(() => realFft(1)).toThrow(RangeError);
  });
});
