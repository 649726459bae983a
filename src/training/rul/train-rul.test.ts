import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '../../tf/tfjs.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCmapss } from '../../acquisition/formats/cmapss.js';
import { cmapssSequences } from '../../evaluation/cmapss/cmapss-sequences.js';
import { loadRulModel, saveRulModel } from '../../prognostics/rul/rul-store.js';
import { predictRul } from '../../prognostics/rul/predict-rul.js';
import { trainRul, type TrainRulOptions } from './train-rul.js';
import type { EpochLogs } from './train-member.js';

const sampleDir = fileURLToPath(new URL('../../../datasets/cmapss-sample', import.meta.url));
const read = (file: string) => cmapssSequences(parseCmapss(readFileSync(join(sampleDir, file), 'utf8')));
const train = read('train_FD001_units1-3.txt');
const test = read('test_FD001_units1-3.txt');
const tmp = mkdtempSync(join(tmpdir(), 'prognos-rul-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny: TrainRulOptions = {
  seed: 1,
  members: 2,
  maxEpochs: 2,
  minEpochs: 2,
  patience: 5,
  batchSize: 64,
  learningRate: 0.003,
  network: { filters: 4, kernelSize: 5, dense: 16, convLayers: 2 },
};

describe('trainRul end to end on the committed FD001 sample', () => {
  it('trains, predicts finite RULs with intervals and round-trips through save/load', async () => {
    const epochs: [number, EpochLogs][] = [];
    const { model, manifest } = await trainRul(train, { ...tiny, onEpoch: (e, l) => epochs.push([e, l]) });

    expect(epochs.map(([e, l]) => [l.member, e])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    for (const member of [0, 1]) {
      const [first, second] = epochs.filter(([, l]) => l.member === member).map(([, l]) => l.loss);
      expect(second).toBeLessThan(first as number);
    }
    expect(manifest.featureNames).toHaveLength(14 + 14 + 1);
    expect(manifest.featureNames.slice(-2)).toEqual(['sensor_21_minus_baseline', 'cycle']);
    expect(manifest.regimes.centroids).toHaveLength(1);
    expect(manifest.training.folds.flat().sort()).toEqual([1, 2, 3]);
    expect(model.outputs[0]?.shape).toEqual([null, 2]);

    const predictions = predictRul(model, manifest, test);
    expect(predictions.map((p) => p.key)).toEqual([1, 2, 3]);
    expect(predictions.map((p) => p.t)).toEqual([31, 49, 126]);
    for (const p of predictions) {
      expect(Number.isFinite(p.rul)).toBe(true);
      expect(p.members).toHaveLength(2);
      // The interval is for the true RUL: a biased, barely trained model may not sit inside it.
      expect(Number.isFinite(p.lower) && Number.isFinite(p.upper)).toBe(true);
      expect(p.lower).toBeLessThanOrEqual(p.upper);
    }

    const dir = join(tmp, 'cmapss-test', '1');
    await saveRulModel(dir, model, manifest);
    const loaded = await loadRulModel(dir);
    expect(loaded.manifest).toEqual(JSON.parse(JSON.stringify(manifest)));
    const again = predictRul(loaded.model, loaded.manifest, test);
    again.forEach((p, i) => {
      expect(p.rul).toBeCloseTo(predictions[i]!.rul, 4);
      expect(p.lower).toBeCloseTo(predictions[i]!.lower, 4);
    });
    model.dispose();
    loaded.model.dispose();
  });

  it('is reproducible for a seed', async () => {
    const a = await trainRul(train, { ...tiny, members: 1, maxEpochs: 1, minEpochs: 1 });
    const b = await trainRul(train, { ...tiny, members: 1, maxEpochs: 1, minEpochs: 1 });
    const pa = predictRul(a.model, a.manifest, test).map((p) => p.rul);
    const pb = predictRul(b.model, b.manifest, test).map((p) => p.rul);
    expect(pb).toEqual(pa);
    a.model.dispose();
    b.model.dispose();
  });

  it('trains members in worker threads to the same weights as in this thread', async () => {
    const options = { ...tiny, maxEpochs: 1, minEpochs: 1 };
    const inline = await trainRul(train, { ...options, parallel: 1 });
    const workers = await trainRul(train, { ...options, parallel: 2 });
    const a = predictRul(inline.model, inline.manifest, test);
    const b = predictRul(workers.model, workers.manifest, test);
    b.forEach((p, i) => expect(p.members).toEqual(a[i]!.members));
    expect(workers.manifest.interval).toEqual(inline.manifest.interval);
    inline.model.dispose();
    workers.model.dispose();
  });

  it('stops when the AbortSignal fires and leaks no tensors', async () => {
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    let seen = 0;
    const run = trainRul(train, {
      ...tiny,
      maxEpochs: 50,
      minEpochs: 50,
      signal: controller.signal,
      onEpoch: () => {
        seen++;
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(1);
    // The built network's weights stay alive until disposed by the caller; optimiser state and
    // best-weight snapshots must not.
    expect(tf.memory().numTensors - before).toBeLessThan(60);
  });
});
