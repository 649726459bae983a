import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCmapss, parseCmapssRul } from '../../acquisition/formats/cmapss.js';
import { cmapssSequences } from '../../evaluation/cmapss/cmapss-sequences.js';
import { initBackend } from '../../tf/backend.js';
import { loadRulModel } from './rul-store.js';
import { predictRul } from './predict-rul.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('committed baseline models/cmapss-fd001-rul/1', () => {
  it('loads and predicts the sample test engines within its stated error', async () => {
    await initBackend();
    const { model, manifest } = await loadRulModel(join(root, 'models/cmapss-fd001-rul/1'));
    expect(manifest.cap).toBe(125);
    expect(manifest.training.data.units).toBe(100);
    const sample = join(root, 'datasets/cmapss-sample');
    const test = cmapssSequences(parseCmapss(readFileSync(join(sample, 'test_FD001_units1-3.txt'), 'utf8')));
    const truth = parseCmapssRul(readFileSync(join(sample, 'RUL_FD001_units1-3.txt'), 'utf8'));
    const predictions = predictRul(model, manifest, test);
    expect(predictions).toHaveLength(3);
    predictions.forEach((p, i) => {
      expect(p.members).toHaveLength(manifest.members);
      // Three engines say little about accuracy; this guards against a broken transform or
      // weights (a wrong normalisation puts predictions tens of cycles off).
      expect(Math.abs(p.rul - Math.min(125, truth[i]!))).toBeLessThan(40);
    });
    model.dispose();
  });
});
