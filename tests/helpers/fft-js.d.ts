// fft-js (reference FFT used only by tests) ships no typings.
declare module 'fft-js' {
  type Complex = [number, number];
  export function fft(signal: number[] | Complex[]): Complex[];
  export function ifft(signal: Complex[]): Complex[];
  /** O(n²) DFT, any n. */
  export function dft(signal: number[] | Complex[]): Complex[];
  const fftjs: { fft: typeof fft; ifft: typeof ifft; dft: typeof dft };
  export default fftjs;
}
