// The package ships Emscripten ES modules without typings; only what fft.ts uses is declared.
declare module '@echogarden/pffft-wasm/simd' {
  export interface PffftModule {
    HEAPF32: Float32Array;
    _pffft_new_setup(n: number, transform: 0 | 1): number;
    _pffft_destroy_setup(setup: number): void;
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, dir: 0 | 1): void;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(ptr: number): void;
    _pffft_simd_size(): number;
  }
  const factory: () => Promise<PffftModule>;
  export default factory;
}

declare module '@echogarden/pffft-wasm' {
  import type { PffftModule } from '@echogarden/pffft-wasm/simd';
  const factory: () => Promise<PffftModule>;
  export default factory;
}
