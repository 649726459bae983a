import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMat5 } from '../../src/acquisition/formats/mat5.js';

/** Repository root, from this file's location (tests/helpers/). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Full CWRU files beside the checkout, see ../shared/datasets/README.md. */
export const cwruDir = path.resolve(repoRoot, '../shared/datasets/cwru');

/** Small committed excerpts (datasets/cwru-sample/README.md). */
export const cwruSampleDir = path.resolve(repoRoot, 'datasets/cwru-sample');

export const CWRU_SAMPLE_RATE = 12_000;

/** Drive-end acceleration (g) and shaft speed of one CWRU MAT file, via the project's MAT reader. */
export function readCwruDriveEnd(file: string): { driveEnd: Float64Array; rpm: number | null } {
  const mat = parseMat5(new Uint8Array(readFileSync(file)), { file });
  const de = mat.variables.find((v) => v.name.endsWith('_DE_time'));
  if (!de) throw new Error(`${file}: no *_DE_time variable`);
  const prefix = de.name.slice(0, -'_DE_time'.length);
  const rpm =
    mat.variables.find((v) => v.name === `${prefix}RPM`) ?? mat.variables.find((v) => v.name.endsWith('RPM'));
  return { driveEnd: de.data, rpm: rpm?.data[0] ?? null };
}

/** A committed float32 little-endian sample as Float64Array. */
export function readF32Sample(file: string): Float64Array {
  const buf = readFileSync(file);
  const f32 = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return Float64Array.from(f32);
}
