import type { PffftModule } from '@echogarden/pffft-wasm/simd';
import { f64ComplexTransform, f64RealTransform } from './fft-fallback.js';

/**
 * Hot-path FFT. After `await initSignal()` transforms run in PFFFT compiled to WASM SIMD
 * (float32, ~4-5x faster than fft.js at n = 4096 on this project's bench, see
 * bench/fft-candidates.bench.ts). Its error is ~1e-7 of the spectrum peak: below what any
 * accelerometer resolves, and callers remove the mean first so a DC offset cannot eat the
 * float32 dynamic range. Before init, if WASM fails to load, with `initSignal({ backend: 'f64' })`
 * or for sizes PFFFT cannot do, transforms are exact float64 (fft.js, Bluestein for odd sizes).
 * Every transform is a length-n DFT: there is no zero padding.
 */

export type FftBackend = 'pffft-simd' | 'pffft' | 'f64';

let wasm: PffftModule | null = null;
let backend: FftBackend = 'f64';
let pending: Promise<FftBackend> | null = null;
let wasmBackendName: FftBackend | null = null;
const realPlans = new Map<number, RealFft>();
const complexPlans = new Map<number, ComplexFft>();

async function loadWasm(): Promise<FftBackend> {
  try {
    const simd = await import('@echogarden/pffft-wasm/simd');
    wasm = await simd.default();
    return 'pffft-simd';
  } catch {
    try {
      const scalar = await import('@echogarden/pffft-wasm');
      wasm = await scalar.default();
      return 'pffft';
    } catch {
      wasm = null;
      return 'f64';
    }
  }
}

/**
 * Loads the WASM backend once; safe to call many times. Synchronous callers work without it
 * (float64 fallback), they are only slower. `{ backend: 'f64' }` forces the float64 path.
 */
export function initSignal(options: { backend?: 'auto' | 'f64' } = {}): Promise<FftBackend> {
  if (options.backend === 'f64') {
    setBackend('f64');
    return Promise.resolve(backend);
  }
  if (wasm) {
    if (backend === 'f64') setBackend(wasmBackendName ?? 'pffft');
    return Promise.resolve(backend);
  }
  pending ??= loadWasm().then((name) => {
    wasmBackendName = name === 'f64' ? null : name;
    setBackend(name);
    return name;
  });
  return pending;
}

function setBackend(name: FftBackend): void {
  if (name !== backend) {
    // Plans hold backend-specific state; drop them so the next lookup builds the right kind.
    // Their WASM buffers are not freed: switching happens at start-up and in tests only.
    realPlans.clear();
    complexPlans.clear();
  }
  backend = name;
}

export const fftBackend = (): FftBackend => backend;

/** PFFFT accepts n = 2^a·3^b·5^c that is a multiple of 32 (real) or 16 (complex). */
export function pffftSupports(n: number, kind: 'real' | 'complex'): boolean {
  if (!Number.isInteger(n) || n <= 0 || n % (kind === 'real' ? 32 : 16) !== 0) return false;
  let m = n;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}

/**
 * Real-input forward DFT. `forward` copies its input; hot loops can instead write straight into
 * `input()` (float32 WASM memory or a float64 scratch, valid until the next plan call) and call
 * `execute(out)`. `out` (length ≥ 2·bins) receives bins 0..floor(n/2), re/im interleaved.
 */
export interface RealFft {
  readonly size: number;
  readonly bins: number;
  readonly backend: FftBackend;
  input(): Float32Array | Float64Array;
  execute(out: Float64Array): void;
  forward(input: Float64Array | Float32Array, out: Float64Array): void;
}

/**
 * Complex DFT on interleaved re/im arrays of length 2n; `inverse` is scaled by 1/n. The low-level
 * pair `input()` / `executeInverse()` returns the *unscaled* inverse in a view the caller reads
 * before its next plan call (no copy, no scaling pass).
 */
export interface ComplexFft {
  readonly size: number;
  readonly backend: FftBackend;
  input(): Float32Array | Float64Array;
  executeInverse(): Float32Array | Float64Array;
  forward(input: Float64Array, out: Float64Array): void;
  inverse(input: Float64Array, out: Float64Array): void;
}

/** Buffers of one PFFFT plan in WASM memory; views are rebuilt if the memory grew. */
class WasmPlan {
  private readonly setup: number;
  private readonly inPtr: number;
  private readonly outPtr: number;
  private readonly workPtr: number;
  private heap: Float32Array | null = null;
  private inView: Float32Array | null = null;
  private outView: Float32Array | null = null;

  constructor(
    private readonly m: PffftModule,
    n: number,
    private readonly floats: number,
    kind: 0 | 1,
  ) {
    this.setup = m._pffft_new_setup(n, kind);
    if (!this.setup) throw new Error(`PFFFT cannot plan size ${n}`);
    this.inPtr = m._pffft_aligned_malloc(floats * 4);
    this.outPtr = m._pffft_aligned_malloc(floats * 4);
    this.workPtr = m._pffft_aligned_malloc(floats * 4);
  }

  private refresh(): void {
    if (this.heap !== this.m.HEAPF32) {
      const heap = this.m.HEAPF32;
      this.heap = heap;
      this.inView = heap.subarray(this.inPtr >> 2, (this.inPtr >> 2) + this.floats);
      this.outView = heap.subarray(this.outPtr >> 2, (this.outPtr >> 2) + this.floats);
    }
  }

  input(): Float32Array {
    this.refresh();
    return this.inView!;
  }

  run(dir: 0 | 1): Float32Array {
    this.m._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, dir);
    this.refresh();
    return this.outView!;
  }
}

function pffftReal(m: PffftModule, n: number, name: FftBackend): RealFft {
  const plan = new WasmPlan(m, n, n, 0);
  const execute = (out: Float64Array): void => {
    const o = plan.run(0);
    // Ordered real layout: [X0, X(n/2), re1, im1, ...]; move Nyquist to the end.
    out.set(o);
    out[n] = out[1]!;
    out[n + 1] = 0;
    out[1] = 0;
  };
  return {
    size: n,
    bins: n / 2 + 1,
    backend: name,
    input: () => plan.input(),
    execute,
    forward(input, out) {
      plan.input().set(input.length === n ? input : input.subarray(0, n));
      execute(out);
    },
  };
}

function pffftComplex(m: PffftModule, n: number, name: FftBackend): ComplexFft {
  const plan = new WasmPlan(m, n, 2 * n, 1);
  const load = (input: Float64Array): void =>
    plan.input().set(input.length === 2 * n ? input : input.subarray(0, 2 * n));
  return {
    size: n,
    backend: name,
    input: () => plan.input(),
    executeInverse: () => plan.run(1),
    forward(input, out) {
      load(input);
      out.set(plan.run(0));
    },
    inverse(input, out) {
      load(input);
      const o = plan.run(1);
      const scale = 1 / n;
      for (let i = 0; i < 2 * n; i++) out[i] = o[i]! * scale;
    },
  };
}

function f64Real(n: number): RealFft {
  const t = f64RealTransform(n);
  const scratch = new Float64Array(n);
  return {
    size: n,
    bins: Math.floor(n / 2) + 1,
    backend: 'f64',
    input: () => scratch,
    execute: (out) => t.forward(scratch, out),
    forward: (input, out) => t.forward(input, out),
  };
}

function f64Complex(n: number): ComplexFft {
  const t = f64ComplexTransform(n);
  const scratch = new Float64Array(2 * n);
  const result = new Float64Array(2 * n);
  return {
    size: n,
    backend: 'f64',
    input: () => scratch,
    executeInverse() {
      t.inverse(scratch, result);
      for (let i = 0; i < 2 * n; i++) result[i] = result[i]! * n;
      return result;
    },
    forward: (input, out) => t.forward(input, out),
    inverse: (input, out) => t.inverse(input, out),
  };
}

/** Cached plan for a real transform of size n (n ≥ 2). */
export function realFft(n: number): RealFft {
  let plan = realPlans.get(n);
  if (!plan) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`FFT size must be an integer ≥ 2, got ${n}`);
    if (wasm && backend !== 'f64' && pffftSupports(n, 'real')) plan = pffftReal(wasm, n, backend);
    else plan = f64Real(n);
    realPlans.set(n, plan);
  }
  return plan;
}

/** Cached plan for a complex transform of size n (n ≥ 2). */
export function complexFft(n: number): ComplexFft {
  let plan = complexPlans.get(n);
  if (!plan) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`FFT size must be an integer ≥ 2, got ${n}`);
    if (wasm && backend !== 'f64' && pffftSupports(n, 'complex')) plan = pffftComplex(wasm, n, backend);
    else plan = f64Complex(n);
    complexPlans.set(n, plan);
  }
  return plan;
}
