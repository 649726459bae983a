/** Deterministic test signals. */
import { createRng } from '../../src/maths/random.js';

/** mulberry32: a seeded uniform generator in [0, 1); the project's one (src/maths/random.ts). */
export const seededRandom = createRng;

/** Standard normal samples (Box–Muller) from a seeded generator. */
export function gaussianNoise(n: number, seed: number, sigma = 1, mean = 0): Float64Array {
  const rand = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * sigma;
    out[i] = mean + r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function sine(
  n: number,
  sampleRate: number,
  hz: number,
  amplitude = 1,
  phase = 0,
  offset = 0,
): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = offset + amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate + phase);
  return out;
}

export function uniformNoise(n: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: n }, () => rand() - 0.5);
}
