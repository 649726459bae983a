// Derives the committed CWRU sample from the real file: the first 24,000 samples (2 s at 12 kHz)
// of each signal of record 105 (inner race, 0.007 in, 0 HP) plus its rpm, rewritten as an
// uncompressed little-endian MAT v5 file with the same variable names and types.
// Run: npx tsx tests/helpers/make-cwru-sample.ts [path/to/12k_Drive_End_IR007_0_105.mat]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMat5 } from '../../src/acquisition/formats/mat5.js';
import { writeMat5, type MatVariableSpec } from './mat5-writer.js';
import { repoRoot, sharedDatasetsDir } from './datasets.js';

const SAMPLES = 24_000;
const source = process.argv[2] ?? resolve(sharedDatasetsDir, 'cwru/12k_Drive_End_IR007_0_105.mat');
const mat = parseMat5(readFileSync(source), { file: source });
// MATLAB stores the integral rpm of a double array as one miUINT16 small data element; do the same.
const specs: MatVariableSpec[] = mat.variables.map((v) =>
  v.data.length === 1
    ? { name: v.name, data: v.data, dims: v.dims, storedAs: 'uint16' }
    : { name: v.name, data: v.data.subarray(0, SAMPLES) },
);
const outDir = resolve(repoRoot, 'datasets/cwru-sample');
mkdirSync(outDir, { recursive: true });
const out = resolve(outDir, '12k_Drive_End_IR007_0_105.mat');
writeFileSync(
  out,
  writeMat5(specs, {
    headerText:
      'MATLAB 5.0 MAT-file, Platform: PCWIN, derived by prognos from CWRU record 105 (first 24000 samples)',
  }),
);
console.log(`wrote ${out}: ${specs.map((s) => `${s.name}[${s.data.length}]`).join(', ')}`);
