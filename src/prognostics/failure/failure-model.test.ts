import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAi4iCsv } from '../../acquisition/formats/ai4i.js';
import { ai4iFeatureSet, ai4iVector } from '../../evaluation/ai4i/ai4i-features.js';
import { evaluateAi4i } from '../../evaluation/ai4i/evaluate-ai4i.js';
import { predictFailure } from './failure-model.js';
import { loadFailureModel, saveFailureModel } from './failure-store.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sample = parseAi4iCsv(
  readFileSync(join(root, 'datasets/ai4i2020-sample/ai4i2020_train_head300.csv'), 'utf8'),
);
const fullPath = join(root, '../shared/datasets/ai4i2020/ai4i2020_train.csv');
const tmp = mkdtempSync(join(tmpdir(), 'prognos-failure-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('failure classifier on the committed AI4I sample', () => {
  it('trains, gives calibrated probabilities in [0, 1] and round-trips through save/load', async () => {
    const { model, manifest, evaluation } = await evaluateAi4i(sample, undefined, { seed: 5, epochs: 30 });
    expect(evaluation).toMatchObject({
      testSource: 'holdout',
      trainRows: 239,
      testRows: 60,
      testPositives: 2,
    });
    for (const key of ['rocAuc', 'prAuc', 'brier', 'logLoss', 'f1'] as const) {
      expect(Number.isFinite(evaluation[key])).toBe(true);
    }
    expect(evaluation.perModeRecall.osf.n + evaluation.perModeRecall.hdf.n).toBeGreaterThanOrEqual(0);
    expect(manifest).toMatchObject({
      kind: 'failure',
      featureSet: { name: 'ai4i-process', version: 1, hash: ai4iFeatureSet().hash },
      calibration: { method: 'platt' },
      seed: 5,
    });
    expect(manifest.featureNames).toHaveLength(11);

    const vectors = sample.map(ai4iVector);
    const predictions = predictFailure(model, manifest, vectors);
    for (const p of predictions) {
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
      expect(p.alarm).toBe(p.probability >= manifest.threshold);
    }
    // Calibrated: the mean probability is near the failure rate, not the 50 % of a weighted model.
    const mean = predictions.reduce((a, p) => a + p.probability, 0) / predictions.length;
    expect(mean).toBeLessThan(0.15);

    const dir = join(tmp, 'sample');
    await saveFailureModel(dir, model, manifest);
    const loaded = await loadFailureModel(dir);
    expect(predictFailure(loaded.model, loaded.manifest, vectors)).toEqual(predictions);
    expect(loaded.manifest.featureSet).toEqual(manifest.featureSet);
  });
});

describe.runIf(existsSync(fullPath))('failure classifier on the full AI4I training file', () => {
  it('separates failures on a stratified 20 % hold-out', async () => {
    const rows = parseAi4iCsv(readFileSync(fullPath, 'utf8'));
    const { evaluation } = await evaluateAi4i(rows, undefined, {
      seed: 42,
      batchSize: 256,
      learningRate: 0.003,
    });
    // Larger batches and rate than the CLI defaults keep this test short; figures: prognos eval ai4i.
    console.log(`AI4I hold-out: ${JSON.stringify(evaluation)}`);
    expect(evaluation.testPositives).toBe(51);
    expect(evaluation.rocAuc).toBeGreaterThan(0.9);
    expect(evaluation.prAuc).toBeGreaterThan(0.5);
    expect(evaluation.brier).toBeLessThan(evaluation.brierBaseline);
  });
});

if (!existsSync(fullPath)) console.log(`skipping full-data AI4I test: ${fullPath} not found`);
