/**
 * Sliding windows over encoded sequences, built on demand per batch (materialising every window
 * of a large data set would copy the data `window` times). A window ending before the sequence's
 * `window`-th step is padded at the front with its first step, as short test units are.
 */
import type { EncodedSequence } from './sequences.js';

/** One sample: the window of `sequences[sequence]` (an index, not a key) ending at step `end`. */
export interface WindowRef {
  sequence: number;
  end: number;
}

export function allWindows(sequences: readonly EncodedSequence[]): WindowRef[] {
  const refs: WindowRef[] = [];
  sequences.forEach((s, sequence) => {
    for (let end = 0; end < s.t.length; end++) refs.push({ sequence, end });
  });
  return refs;
}

export function lastWindows(sequences: readonly EncodedSequence[]): WindowRef[] {
  return sequences.map((s, sequence) => ({ sequence, end: s.t.length - 1 }));
}

export function fillWindows(
  sequences: readonly EncodedSequence[],
  refs: readonly WindowRef[],
  window: number,
  width: number,
): Float32Array {
  const out = new Float32Array(refs.length * window * width);
  refs.forEach((ref, b) => {
    const features = (sequences[ref.sequence] as EncodedSequence).features;
    for (let k = 0; k < window; k++) {
      const row = Math.max(0, ref.end - window + 1 + k);
      out.set(features.subarray(row * width, (row + 1) * width), (b * window + k) * width);
    }
  });
  return out;
}

export function windowTargets(
  sequences: readonly EncodedSequence[],
  refs: readonly WindowRef[],
): Float32Array {
  return Float32Array.from(refs, (ref) => sequences[ref.sequence]?.targets?.[ref.end] ?? NaN);
}
