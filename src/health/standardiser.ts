/**
 * Per-feature z-scoring fitted on training rows. NaN values (e.g. env_* of a window without a
 * known shaft speed) are ignored when fitting and mapped to 0 — the training mean — when
 * applied, so they neither train nor score as deviations.
 */
import type { Matrix } from '../tf/train-loop.js';

export interface Standardiser {
  mean: number[];
  std: number[];
}

export type VectorsInput = readonly (ArrayLike<number> & { length: number })[];

export function fitStandardiser(rows: VectorsInput, width: number): Standardiser {
  const sum = new Float64Array(width);
  const sq = new Float64Array(width);
  const count = new Float64Array(width);
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      const v = row[j] ?? NaN;
      if (!Number.isFinite(v)) continue;
      sum[j] = (sum[j] ?? 0) + v;
      count[j] = (count[j] ?? 0) + 1;
    }
  }
  const mean = Array.from(sum, (s, j) => ((count[j] ?? 0) > 0 ? s / (count[j] ?? 1) : 0));
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      const v = row[j] ?? NaN;
      if (Number.isFinite(v)) sq[j] = (sq[j] ?? 0) + (v - (mean[j] ?? 0)) ** 2;
    }
  }
  // A feature constant on the training rows keeps a tiny but non-zero scale: any later change
  // is then a (very) large deviation, which is what it is.
  const std = Array.from(sq, (s, j) => {
    const n = count[j] ?? 0;
    const sd = n > 1 ? Math.sqrt(s / (n - 1)) : 0;
    return Math.max(sd, 1e-6 * Math.max(1, Math.abs(mean[j] ?? 0)));
  });
  return { mean, std };
}

export function standardise(norm: Standardiser, rows: VectorsInput): Matrix {
  const cols = norm.mean.length;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new RangeError(`vector ${i} has ${row.length} values, the model expects ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j] ?? NaN;
      data[i * cols + j] = Number.isFinite(v) ? (v - (norm.mean[j] ?? 0)) / (norm.std[j] ?? 1) : 0;
    }
  });
  return { data, rows: rows.length, cols };
}
