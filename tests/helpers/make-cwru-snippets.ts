// Derives the two 0.5 s CWRU snippets the live-diagnosis test streams (datasets/cwru-sample/README.md):
// the first 6,000 drive-end samples of ball record 118 (12 kHz, as recorded) and the first 24,000
// drive-end samples of normal record 97 (48 kHz) decimated by 4 to 12 kHz with src/signal/resample.ts
// (what `prognos eval cwru` does to that record), both as headerless little-endian float32.
// Run: npx tsx tests/helpers/make-cwru-snippets.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decimate } from '../../src/signal/resample.js';
import { cwruDir, cwruSampleDir, readCwruDriveEnd } from './cwru-drive-end.js';

const SNIPPET = 6_000;
const jobs = [
  { file: '12k_Drive_End_B007_0_118.mat', out: 'B007_0_118_DE_first6000.f32', factor: 1 },
  { file: 'normal_0_97.mat', out: 'normal_0_97_DE_first24000_decimated4.f32', factor: 4 },
];
for (const j of jobs) {
  const { driveEnd, rpm } = readCwruDriveEnd(resolve(cwruDir, j.file));
  const head = driveEnd.subarray(0, SNIPPET * j.factor);
  const x = j.factor === 1 ? head : decimate(head, j.factor);
  const f32 = Float32Array.from(x.subarray(0, SNIPPET));
  writeFileSync(resolve(cwruSampleDir, j.out), new Uint8Array(f32.buffer));
  console.log(`wrote ${j.out}: ${f32.length} samples, rpm ${rpm}`);
}
