/**
 * The full feature set (src/features) on 4096-sample windows, here and in numpy/scipy
 * (bench/features_numpy.py, vectorised over windows), on the same windows: real CWRU drive-end
 * records when ../shared/datasets/cwru exists, generated signals otherwise. Prints the largest
 * relative difference per feature, windows/second for both and the ratio (one core each: the
 * extractor is single-threaded and numpy's FFT and element-wise kernels are too).
 *   node --import tsx bench/features.bench.ts [--seconds 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cwruDir, readCwruDriveEnd } from '../tests/helpers/cwru-drive-end.js';
import { gaussianNoise } from '../tests/helpers/signals.js';
import { FeatureExtractor } from '../src/features/extract-features.js';
import { defineFeatureSet } from '../src/features/feature-set.js';
import { SKF_6205 } from '../src/signal/bearing.js';
import { initSignal } from '../src/signal/fft.js';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const SECONDS = Number(flags.seconds);
const N = 4096;
const FS = 12_000;

function loadWindows(): { windows: Float64Array[]; shaftHz: number[]; source: string } {
  const windows: Float64Array[] = [];
  const shaftHz: number[] = [];
  if (existsSync(cwruDir)) {
    const files = readdirSync(cwruDir).filter((f) => f.startsWith('12k_') && f.endsWith('.mat'));
    for (const f of files.sort()) {
      const { driveEnd, rpm } = readCwruDriveEnd(path.join(cwruDir, f));
      for (let s = 0; s + N <= driveEnd.length; s += N) {
        windows.push(driveEnd.slice(s, s + N));
        shaftHz.push((rpm ?? 1797) / 60);
      }
    }
    return { windows, shaftHz, source: `CWRU 12 kHz drive end, ${files.length} records` };
  }
  // 3 kHz resonance ringing at a 107 Hz defect rate, plus noise.
  for (let w = 0; w < 256; w++) {
    const x = gaussianNoise(N, w + 1, 0.2);
    for (let i = 0; i < N; i++) {
      const t = (i / FS) % (1 / 107);
      x[i] = x[i]! + Math.exp(-t * 800) * Math.sin(2 * Math.PI * 3000 * t);
    }
    windows.push(x);
    shaftHz.push(1797 / 60);
  }
  return { windows, shaftHz, source: 'generated (../shared/datasets/cwru not found)' };
}

function findPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

const { windows, shaftHz, source } = loadWindows();
const set = defineFeatureSet({ sampleRate: FS, windowLength: N });
const names = set.featureNames;
console.log(
  `windows: ${windows.length} × ${N} samples (${source}); features: ${names.length}; set ${set.hash.slice(0, 12)}`,
);
console.log(
  `load average: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')} (timings are best of rounds)`,
);

function tsRate(extractor: FeatureExtractor, out: Float64Array): number {
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    for (let w = 0; w < windows.length; w++) {
      extractor.extract(windows[w]!, { shaftHz: shaftHz[w]!, bearing: SKF_6205 }, out);
    }
    done += windows.length;
  }
  return done / ((performance.now() - t0) / 1000);
}

const backend = await initSignal();
const extractor = new FeatureExtractor(set);
const ours = windows.map((w, i) =>
  Float64Array.from(extractor.extract(w, { shaftHz: shaftHz[i]!, bearing: SKF_6205 })),
);
const out = new Float64Array(names.length);
tsRate(extractor, out); // warm-up

const python = findPython();
const dir = mkdtempSync(path.join(tmpdir(), 'prognos-bench-'));
interface NumpyResult {
  windows_per_s: number;
  single_window_per_s: number;
  numpy: string;
  batch: number;
}
let numpy: NumpyResult | null = null;
let theirs: Float64Array | null = null;
const tsRates: number[] = [];
try {
  const input = path.join(dir, 'windows.f64');
  const shaftFile = path.join(dir, 'shaft.f64');
  const output = path.join(dir, 'features.f64');
  const all = new Float64Array(windows.length * N);
  windows.forEach((w, i) => all.set(w, i * N));
  writeFileSync(input, all);
  writeFileSync(shaftFile, Float64Array.from(shaftHz));
  const g = SKF_6205;
  const pyArgs = [
    path.resolve(import.meta.dirname, 'features_numpy.py'),
    ...['--input', input, '--output', output, '--shaft', shaftFile, '--params', JSON.stringify(set.params)],
    ...['--bearing', `${g.nBalls},${g.ballDiameter},${g.pitchDiameter},${g.contactAngleDeg}`],
    ...['--seconds', String(SECONDS)],
  ];
  // Alternate the two so a busy machine penalises both alike; keep each side's best round.
  for (let round = 0; round < 3; round++) {
    tsRates.push(tsRate(extractor, out));
    if (python) {
      const r = JSON.parse(execFileSync(python, pyArgs, { encoding: 'utf8' })) as NumpyResult;
      if (!numpy || r.windows_per_s > numpy.windows_per_s) numpy = r;
    }
  }
  if (python) {
    const buf = readFileSync(output);
    theirs = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ts = Math.max(...tsRates);
if (theirs) {
  console.log('\nagreement with numpy (max |ours − numpy| / max(|numpy|, 1e-6 · max|column|)):');
  let worst = 0;
  names.forEach((name, j) => {
    let scale = 0;
    for (let w = 0; w < windows.length; w++) scale = Math.max(scale, Math.abs(theirs[w * names.length + j]!));
    let max = 0;
    for (let w = 0; w < windows.length; w++) {
      const a = ours[w]![j]!;
      const b = theirs[w * names.length + j]!;
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      max = Math.max(max, Math.abs(a - b) / Math.max(Math.abs(b), 1e-6 * scale));
    }
    worst = Math.max(worst, max);
    console.log(`  ${name.padEnd(22)} ${max.toExponential(2)}`);
  });
  console.log(`  worst                  ${worst.toExponential(2)}`);
}

console.log(`\nprognos (${backend} FFT): ${ts.toFixed(0)} windows/s (${(1e6 / ts).toFixed(1)} µs/window)`);
if (numpy) {
  console.log(
    `numpy ${numpy.numpy}, vectorised (best batch: ${numpy.batch} windows per call): ${numpy.windows_per_s.toFixed(0)} windows/s`,
  );
  console.log(`numpy, one window per call: ${numpy.single_window_per_s.toFixed(0)} windows/s`);
  console.log(`ratio prognos / numpy vectorised: ${(ts / numpy.windows_per_s).toFixed(2)}× (goal ≥ 1.5×)`);
} else {
  console.log('numpy/scipy not found (tried python3 and /usr/bin/python3): no comparison');
}
