import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCmapss } from '../../acquisition/formats/cmapss.js';
import { cmapssVectors, evaluateCmapssHealth } from './cmapss-health.js';
import { spearman } from '../../maths/ranks.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fullPath = join(root, '../shared/datasets/cmapss/train_FD001.txt');

describe('spearman', () => {
  it('is 1 for any increasing relation and handles ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 1e4])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([0, 0, 1, 2], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
  });
});

describe('C-MAPSS health vectors', () => {
  it('averages each unit’s last cycles causally, never across units', () => {
    const row = (unit: number, cycle: number, v: number) => ({
      unit,
      cycle,
      settings: [0, 0, 0],
      sensors: Array.from({ length: 21 }, () => v),
    });
    const v = cmapssVectors([row(1, 1, 1), row(1, 2, 3), row(1, 3, 5), row(2, 1, 10)], [2, 3], 2);
    expect(v).toEqual([
      [1, 1],
      [2, 2],
      [4, 4],
      [10, 10],
    ]);
  });

  it('trains and evaluates on the committed three-engine sample', async () => {
    const rows = parseCmapss(
      readFileSync(join(root, 'datasets/cmapss-sample/train_FD001_units1-3.txt'), 'utf8'),
    );
    const { manifest, evaluation } = await evaluateCmapssHealth(rows, {
      seed: 1,
      epochs: 20,
      evalFraction: 0.34,
    });
    expect(evaluation).toMatchObject({ trainUnits: 2, evalUnits: 1 });
    expect(manifest.featureNames).toHaveLength(14);
    expect(manifest.featureSet.name).toBe('cmapss-sensors');
    expect(Number.isFinite(evaluation.spearman)).toBe(true);
  });
});

describe.runIf(existsSync(fullPath))('health index on the full FD001 training file', () => {
  it('rises toward failure on held-out engines', async () => {
    const rows = parseCmapss(readFileSync(fullPath, 'utf8'));
    const { evaluation } = await evaluateCmapssHealth(rows, { seed: 42, epochs: 40, batchSize: 128 });
    console.log(`C-MAPSS FD001 health: ${JSON.stringify(evaluation)}`);
    expect(evaluation.evalUnits).toBe(20);
    expect(evaluation.spearman).toBeGreaterThan(0.3);
    expect(evaluation.meanScoreLast10).toBeGreaterThan(evaluation.meanScoreFirst10 + 0.4);
  });
});

if (!existsSync(fullPath)) console.log(`skipping full-data C-MAPSS health test: ${fullPath} not found`);
