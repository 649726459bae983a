import { createRng, shuffleInPlace } from './random.js';

/**
 * Row indices split so each class keeps its share on both sides (a 3 % positive rate leaves
 * too few failures in a random 20 % to score on). Deterministic for a seed; sorted output.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  fraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] ?? 0;
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = shuffleInPlace(byClass.get(c) ?? [], rng);
    const n = Math.round(rows.length * fraction);
    test.push(...rows.slice(0, n));
    train.push(...rows.slice(n));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
