import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianNoise, seededRandom, sine } from '../../tests/helpers/signals.js';
import { FeatureExtractor } from '../features/extract-features.js';
import { defineFeatureSet } from '../features/feature-set.js';
import { initSignal } from '../signal/fft.js';
import { calibratedScore, fitCalibration } from './calibration.js';
import { tabularFeatureSet } from '../features/feature-set-ref.js';
import { scoreHealth, trainHealthModel } from './health-model.js';
import { loadHealthModel, saveHealthModel } from './health-store.js';

const tmp = mkdtempSync(join(tmpdir(), 'prognos-health-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 8 features driven by 2 latent factors plus a little noise: healthy data with structure. */
function cluster(n: number, seed: number): number[][] {
  const mix = seededRandom(1);
  const a = Array.from({ length: 8 }, () => [mix() * 2 - 1, mix() * 2 - 1]);
  const z = gaussianNoise(2 * n, seed);
  const e = gaussianNoise(8 * n, seed + 1, 0.1);
  return Array.from({ length: n }, (_, i) =>
    a.map(
      ([p, q], j) =>
        10 + j + (p ?? 0) * (z[2 * i] ?? 0) + (q ?? 0) * (z[2 * i + 1] ?? 0) + (e[8 * i + j] ?? 0),
    ),
  );
}

const names = Array.from({ length: 8 }, (_, j) => `f${j}`);
const set = tabularFeatureSet('synthetic', 1, names);

describe('calibration', () => {
  it('maps the healthy median to 0, the 99th percentile to 0.5 and far errors to 1', () => {
    const errors = Array.from({ length: 1001 }, (_, i) => 1 + i / 100); // median 6, q99 10.9
    const cal = fitCalibration(errors);
    expect(calibratedScore(cal, 0.5)).toBe(0);
    expect(calibratedScore(cal, 6)).toBeCloseTo(0, 9);
    expect(calibratedScore(cal, cal.quantiles[2] ?? 0)).toBeCloseTo(0.5, 9);
    expect(calibratedScore(cal, cal.quantiles[3] ?? 0)).toBeCloseTo(0.75, 9);
    expect(calibratedScore(cal, 1e6)).toBe(1);
    const grid = [2, 7, 9, 10.5, 11, 50, 200].map((e) => calibratedScore(cal, e));
    expect([...grid].sort((x, y) => x - y)).toEqual(grid);
  });
});

describe('health autoencoder on a synthetic healthy cluster', () => {
  const healthy = cluster(600, 10);
  let trained: Awaited<ReturnType<typeof trainHealthModel>>;
  const epochs: number[] = [];

  beforeAll(async () => {
    trained = await trainHealthModel({
      featureNames: names,
      featureSet: set,
      healthy,
      seed: 3,
      epochs: 80,
      patience: 10,
      onEpoch: (r) => epochs.push(r.epoch),
    });
  });

  it('scores shifted points higher, in [0, 1], and names the shifted feature', () => {
    const fresh = cluster(200, 99);
    const shifted = cluster(200, 77).map((v) => v.map((x, j) => (j === 3 ? x + 4 : x)));
    const h = scoreHealth(trained.model, trained.manifest, fresh);
    const s = scoreHealth(trained.model, trained.manifest, shifted);
    for (const r of [...h, ...s]) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    const mean = (v: { score: number }[]) => v.reduce((a, r) => a + r.score, 0) / v.length;
    expect(mean(h)).toBeLessThan(0.3);
    expect(mean(s)).toBeGreaterThan(0.8);
    const top = s.filter((r) => r.contributions[0]?.feature === 'f3').length;
    expect(top / s.length).toBeGreaterThan(0.9);
    const first = s[0]?.contributions[0];
    expect(first?.z).toBeGreaterThan(0);
    expect(s[0]?.contributions).toHaveLength(3);
    expect(epochs[0]).toBe(0);
  });

  it('writes a manifest with kind, feature set and calibration, and round-trips identical scores', async () => {
    const { model, manifest } = trained;
    expect(manifest).toMatchObject({
      kind: 'health',
      featureSet: { name: 'synthetic', version: 1, hash: set.hash },
      featureNames: names,
      seed: 3,
    });
    expect(manifest.calibration.quantiles).toHaveLength(4);
    expect(manifest.training.validationRows).toBe(120);
    const dir = join(tmp, 'synthetic');
    await saveHealthModel(dir, model, manifest);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(onDisk.featureSet).toEqual({ name: 'synthetic', version: 1, hash: set.hash });
    const loaded = await loadHealthModel(dir);
    const probe = cluster(20, 5).map((v, i) => v.map((x, j) => (j === i % 8 ? x + i / 4 : x)));
    expect(scoreHealth(loaded.model, loaded.manifest, probe)).toEqual(scoreHealth(model, manifest, probe));
  });

  it('rejects vectors of the wrong width', () => {
    expect(() => scoreHealth(trained.model, trained.manifest, [[1, 2, 3]])).toThrow(/expects 8/);
  });
});

describe('health autoencoder on vibration feature vectors', () => {
  beforeAll(async () => {
    await initSignal();
  });

  it('scores windows with bearing-like impacts above healthy windows', async () => {
    const fs = 12_000;
    const n = 2048;
    const featureSet = defineFeatureSet({ sampleRate: fs, windowLength: n });
    const extractor = new FeatureExtractor(featureSet);
    const window = (seed: number, faulty: boolean): Float64Array => {
      const x = sine(n, fs, 29.95, 0.5, seed);
      const noise = gaussianNoise(n, seed, 0.05 + 0.005 * (seed % 5));
      for (let i = 0; i < n; i++) x[i] = (x[i] ?? 0) + (noise[i] ?? 0);
      if (faulty) {
        // Decaying 3 kHz bursts at ~107 Hz: an outer-race defect's impacts.
        for (let start = seed % 50; start < n; start += 112) {
          for (let k = 0; k < 40 && start + k < n; k++) {
            x[start + k] =
              (x[start + k] ?? 0) + 0.6 * Math.exp(-k / 8) * Math.sin((2 * Math.PI * 3000 * k) / fs);
          }
        }
      }
      // Envelope features stay NaN (no shaft speed): the model must ignore them.
      return Float64Array.from(extractor.extract(x));
    };
    const healthy = Array.from({ length: 200 }, (_, i) => window(i + 1, false));
    const { model, manifest } = await trainHealthModel({
      featureNames: featureSet.featureNames,
      featureSet,
      healthy,
      seed: 1,
      epochs: 60,
      patience: 10,
    });
    expect(manifest.featureSet).toEqual({
      name: featureSet.name,
      version: featureSet.version,
      hash: featureSet.hash,
    });
    const h = scoreHealth(
      model,
      manifest,
      Array.from({ length: 30 }, (_, i) => window(1000 + i, false)),
    );
    const f = scoreHealth(
      model,
      manifest,
      Array.from({ length: 30 }, (_, i) => window(2000 + i, true)),
    );
    const median = (v: { score: number }[]) => [...v].map((r) => r.score).sort((a, b) => a - b)[15] ?? NaN;
    expect(median(h)).toBeLessThan(0.5);
    expect(median(f)).toBeGreaterThan(0.9);
    for (const r of [...h, ...f]) expect(Number.isFinite(r.score)).toBe(true);
    expect(f[0]?.contributions.every((c) => !c.feature.startsWith('env_'))).toBe(true);
  });
});
