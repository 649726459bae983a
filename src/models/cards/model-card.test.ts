import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashArtifactDir } from '../artifacts.js';
import { confusion, reliability, rocCurve, rulBuckets, type RulHeldOut } from './card-figures.js';
import { readCardData, saveCardData, writeModelCard } from './card-store.js';
import { renderModelCard, type CardData } from './model-card.js';
import { assertWellFormedXml, xyMarks } from '../../plot/xml-check.js';

function synthRul(n = 60): RulHeldOut {
  const trueRul = Array.from({ length: n }, (_, i) => Math.min(125, i * 2.5));
  const predicted = trueRul.map((t, i) => t + (i % 2 ? 6 : -4));
  return {
    kind: 'rul',
    source: 'synthetic units',
    unitName: 'cycles',
    cap: 125,
    level: 0.8,
    trueRul,
    predicted,
    lower: predicted.map((p) => p - 5),
    upper: predicted.map((p) => p + 5),
  };
}

const manifest = {
  kind: 'prognos.rul-model',
  modelKind: 'rul',
  architecture: 'toeplitz-dcnn-ensemble',
  members: 2,
  window: 30,
  cap: 125,
  featureSet: { name: 'scalar-readings', version: '1', hash: 'f'.repeat(64) },
  interval: { level: 0.8 },
  training: {
    seed: 7,
    backend: 'wasm',
    tfjsVersion: '4.22.0',
    hyperparameters: { batchSize: 256 },
    data: { rows: 900, units: 8, cycleRange: [1, 200] },
  },
};

describe('model card', () => {
  it('RUL: three figures with the right number of marks, linked from the Markdown, metrics beside the baseline', () => {
    const h = synthRul();
    const data: CardData = {
      schemaVersion: 1,
      heldOut: h,
      params: { members: 2, maxEpochs: 3 },
      dataRange: {
        assets: [1, 2, 3],
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        rows: 900,
      },
      baseline: { version: 1, metrics: { rmse: 8, phm08: 50 } },
      primary: { name: 'rmse', lowerIsBetter: true },
    };
    const { markdown, figures } = renderModelCard({
      name: 'pump-rul',
      version: 2,
      manifest,
      metrics: { rmse: 5, phm08: 40, note: 'x' },
      trainingRunId: 9,
      data,
    });
    expect(figures.map((f) => f.file)).toEqual([
      'card-predicted-vs-true.svg',
      'card-interval-coverage.svg',
      'card-residuals-by-rul.svg',
    ]);
    for (const f of figures) {
      assertWellFormedXml(f.svg);
      expect(markdown).toContain(`](${f.file})`);
    }
    expect(xyMarks(figures[0]!.svg).points).toBe(60);
    // 5 buckets of 25 cycles + "all"; every bucket has units here.
    expect((figures[1]!.svg.match(/<rect class="mark"/g) ?? []).length).toBe(6);
    expect((figures[2]!.svg.match(/<rect class="mark"/g) ?? []).length).toBe(5);
    expect(markdown).toMatch(/^# Model card: pump-rul v2\n/);
    expect(markdown).toContain('| **rmse** (primary) | 5 | 8 | -3 |');
    expect(markdown).toContain('| phm08 | 40 | 50 | -10 |');
    expect(markdown).toContain('scalar-readings v1 (ffffffffffff)');
    expect(markdown).toContain('| RUL cap | 125 |');
    expect(markdown).toContain('| members (requested) | 2 |');
    expect(markdown).toContain('| assets | 3: 1, 2, 3 |');
    expect(markdown).toContain('| cycle range | 1–200 |');
    expect(markdown).toContain('| training run | 9 |');
    expect(markdown).toContain('Held-out data: synthetic units.');
    // Deterministic: the same inputs give the same card.
    expect(
      renderModelCard({ name: 'pump-rul', version: 2, manifest, metrics: { rmse: 5 }, data }).markdown,
    ).toBe(renderModelCard({ name: 'pump-rul', version: 2, manifest, metrics: { rmse: 5 }, data }).markdown);
  });

  it('RUL buckets and coverage follow the data', () => {
    const h = synthRul();
    const buckets = rulBuckets(h);
    expect(buckets.map((b) => b.label)).toEqual(['0–24', '25–49', '50–74', '75–99', '100–125']);
    expect(buckets.reduce((s, b) => s + b.idx.length, 0)).toBe(60);
    expect(buckets[4]!.idx).toContain(59); // the cap itself lands in the last bucket
  });

  it('a unit without a prediction or truth (NaN, null after JSON) is left out, not drawn at 0', async () => {
    const h = { ...synthRul(4), trueRul: [10, NaN, 30, 40], predicted: [12, 20, NaN, 41] };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-card-nan-'));
    await saveCardData(dir, { heldOut: h });
    const back = (await readCardData(dir))!.heldOut as RulHeldOut;
    expect(back.trueRul[1]).toBeNull();
    const { figures } = renderModelCard({
      name: 'm',
      version: 1,
      manifest,
      metrics: {},
      data: { schemaVersion: 1, heldOut: back },
    });
    for (const f of figures) {
      assertWellFormedXml(f.svg);
      expect(f.svg).not.toMatch(/NaN|null/);
    }
    expect(xyMarks(figures[0]!.svg).points).toBe(2);
    expect(rulBuckets(back).reduce((n, b) => n + b.idx.length, 0)).toBe(3);
    // 0–24 holds unit 1 (10 → 12) only; 25–49 holds unit 4, unit 3 has no prediction.
    expect(figures[2]!.svg).toContain('>0–24<tspan x="111.6" dy="14">n=1</tspan>');
  });

  it('health: score distributions and ROC', () => {
    const { figures, markdown } = renderModelCard({
      name: 'fleet-health',
      version: 1,
      manifest: { kind: 'health', architecture: 'dense-autoencoder', layers: [8, 3, 8] },
      metrics: { separation_auc: 0.9 },
      data: {
        schemaVersion: 1,
        heldOut: {
          kind: 'health',
          source: 'rows',
          healthy: [0.1, 0.2, 0.3, NaN],
          endOfLife: [0.8, 0.9, 0.25],
        },
      },
    });
    expect(figures.map((f) => f.file)).toEqual(['card-score-distribution.svg', 'card-roc.svg']);
    figures.forEach((f) => assertWellFormedXml(f.svg));
    expect(xyMarks(figures[0]!.svg).lines).toBe(2);
    expect(figures[0]!.svg).toContain('healthy held-out (n=3)');
    expect(markdown).toContain('| layers | 8, 3, 8 |');
    expect(rocCurve([0.1, 0.2, 0.3, 0.8, 0.9, 0.25], [0, 0, 0, 1, 1, 1]).at(-1)).toEqual([1, 1]);
    expect(rocCurve([1, 2], [0, 0])).toEqual([]);
  });

  it('classifier: confusion matrix counts at the threshold, reliability bins, nested metrics shown', () => {
    const h = {
      kind: 'classifier' as const,
      source: 'rows',
      positiveLabel: 'failure',
      threshold: 0.5,
      labels: [0, 0, 0, 1, 1, 1],
      probabilities: [0.1, 0.6, 0.2, 0.9, 0.4, 0.7],
    };
    expect(confusion(h)).toEqual([
      [2, 1],
      [1, 2],
    ]);
    expect(reliability(h).length).toBe(6);
    const { figures, markdown } = renderModelCard({
      name: 'ai4i-failure',
      version: 1,
      manifest: { kind: 'failure', threshold: 0.5, label: 'failure' },
      metrics: { test: { rocAuc: 0.88, perModeRecall: { TWF: 1 } } },
      data: { schemaVersion: 1, heldOut: h },
    });
    expect(figures.map((f) => f.file)).toEqual([
      'card-confusion-matrix.svg',
      'card-reliability.svg',
      'card-roc.svg',
    ]);
    expect((figures[0]!.svg.match(/<rect class="mark"/g) ?? []).length).toBe(4);
    expect(markdown).toContain('| test.rocAuc | 0.88 |');
  });

  it('writes the card beside the artifact, replaces stale figures, and leaves the artifact hash alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-card-'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(path.join(dir, 'weights.bin'), Buffer.from([1, 2, 3]));
    const before = await hashArtifactDir(dir);
    writeFileSync(path.join(dir, 'card-old-figure.svg'), '<svg/>');
    await saveCardData(dir, { heldOut: synthRul(10) });
    const data = await readCardData(dir);
    expect(data?.heldOut.kind).toBe('rul');
    const files = await writeModelCard(dir, {
      name: 'm',
      version: 1,
      manifest,
      metrics: { rmse: 1 },
      data: data!,
    });
    expect(files[0]).toBe('MODEL_CARD.md');
    expect(readdirSync(dir).sort()).toEqual([
      'MODEL_CARD.md',
      'card-heldout.json',
      'card-interval-coverage.svg',
      'card-predicted-vs-true.svg',
      'card-residuals-by-rul.svg',
      'manifest.json',
      'weights.bin',
    ]);
    expect(readFileSync(path.join(dir, 'MODEL_CARD.md'), 'utf8')).toContain('# Model card: m v1');
    expect(await hashArtifactDir(dir)).toBe(before);
    expect(await readCardData(mkdtempSync(path.join(os.tmpdir(), 'prognos-nocard-')))).toBeUndefined();
    writeFileSync(path.join(dir, 'card-heldout.json'), JSON.stringify({ schemaVersion: 9 }));
    await expect(readCardData(dir)).rejects.toThrow(/unknown schema/);
  });
});
