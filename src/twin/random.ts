/**
 * Seeded random streams for the twin. Every stream is keyed by (seed, parts...) so a machine, a
 * capture or a site draws the same numbers whatever else is generated, and in whatever order:
 * a capture can be rendered alone (streaming, export) and still be byte-identical.
 */
import { createRng, type Rng } from '../maths/random.js';

export class TwinRandom {
  private readonly next: Rng;
  private spare = NaN;

  constructor(seed: number, ...parts: Array<number | string>) {
    this.next = createRng(mixSeed(seed, ...parts));
  }

  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal deviate (Box–Muller; the second deviate of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    let u = this.next();
    while (u <= 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Fills `out` with N(0, sigma²) deviates (the hot loop of capture noise). */
  fillNormal(out: Float64Array, sigma: number): void {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      let u = this.next();
      while (u <= 0) u = this.next();
      const r = sigma * Math.sqrt(-2 * Math.log(u));
      const a = 2 * Math.PI * this.next();
      out[i] = r * Math.cos(a);
      out[i + 1] = r * Math.sin(a);
    }
    if (i < n) out[i] = sigma * this.normal();
  }
}

/** 32-bit FNV-1a over the seed and the parts, finished with a murmur3 avalanche. */
export function mixSeed(seed: number, ...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  const eat = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator: ("ab", "c") and ("a", "bc") differ
    h = Math.imul(h, 0x01000193);
  };
  eat(String(seed));
  for (const p of parts) eat(String(p));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
