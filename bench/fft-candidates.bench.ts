/**
 * FFT candidates for the hot path (src/signal/fft.ts), real forward transforms of random data:
 * fft.js (radix-4, float64), PFFFT WASM SIMD and scalar (float32, including the float64→float32
 * copy in and the copy out), and fft-js (the test reference). Accuracy is the largest bin error
 * relative to the spectrum peak, against fft-js.
 *   node --import tsx bench/fft-candidates.bench.ts
 */
import fftjs from 'fft-js';
import FFT from 'fft.js';
import pffftScalar from '@echogarden/pffft-wasm';
import pffftSimd from '@echogarden/pffft-wasm/simd';
import type { PffftModule } from '@echogarden/pffft-wasm/simd';
import { gaussianNoise } from '../tests/helpers/signals.js';

function rate(fn: () => void, seconds = 1): number {
  for (let i = 0; i < 500; i++) fn();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (seconds * 1000) / 3) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
    }
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

function relError(get: (k: number) => [number, number], ref: [number, number][], n: number): number {
  let peak = 0;
  let err = 0;
  for (let k = 0; k <= n / 2; k++) {
    const [re, im] = ref[k]!;
    const [r, i] = get(k);
    peak = Math.max(peak, Math.hypot(re, im));
    err = Math.max(err, Math.hypot(r - re, i - im));
  }
  return err / peak;
}

function pffftCandidate(m: PffftModule, n: number, x: Float64Array) {
  const setup = m._pffft_new_setup(n, 0);
  const [inp, out, work] = [0, 0, 0].map(() => m._pffft_aligned_malloc(n * 4)) as [number, number, number];
  const result = new Float64Array(n);
  const run = (): void => {
    const heap = m.HEAPF32;
    heap.set(x, inp >> 2);
    m._pffft_transform_ordered(setup, inp, out, work, 0);
    result.set(heap.subarray(out >> 2, (out >> 2) + n));
  };
  run();
  const get = (k: number): [number, number] =>
    k === 0 ? [result[0]!, 0] : k === n / 2 ? [result[1]!, 0] : [result[2 * k]!, result[2 * k + 1]!];
  return { run, get };
}

const simd = await pffftSimd();
const scalar = await pffftScalar();
console.log('size   candidate              transforms/s   µs/transform   max error / peak');
for (const n of [1024, 4096, 16384]) {
  const x = gaussianNoise(n, n);
  for (let i = 0; i < n; i++) x[i] = x[i]! + 4 * Math.sin(0.2 * i);
  const ref = fftjs.fft(Array.from(x));
  const fj = new FFT(n);
  const fjOut = new Float64Array(2 * n);
  const candidates: [string, () => void, (k: number) => [number, number]][] = [
    ['fft.js f64 radix-4', () => fj.realTransform(fjOut, x), (k) => [fjOut[2 * k]!, fjOut[2 * k + 1]!]],
  ];
  for (const [name, m] of [
    ['pffft wasm simd f32', simd],
    ['pffft wasm f32', scalar],
  ] as const) {
    const c = pffftCandidate(m, n, x);
    candidates.push([name, c.run, c.get]);
  }
  const xs = Array.from(x);
  let refOut = ref;
  candidates.push(['fft-js (reference)', () => (refOut = fftjs.fft(xs)), (k) => refOut[k]!]);
  for (const [name, run, get] of candidates) {
    const r = rate(run, name.startsWith('fft-js') ? 0.5 : 1);
    run();
    const e = relError(get, ref, n);
    console.log(
      `${String(n).padEnd(6)} ${name.padEnd(22)} ${r.toFixed(0).padStart(12)} ${(1e6 / r).toFixed(2).padStart(14)}   ${e.toExponential(1)}`,
    );
  }
}
