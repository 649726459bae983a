import { mkdtempSync, writeFileSync } from 'node:fs';
import { featureDrift } from './drift-stats.js';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ASSET_SAMPLE,
  buildDriftReference,
  DRIFT_REFERENCE_FILE,
  mixtureReference,
  readDriftReference,
  saveDriftReference,
} from './drift-reference.js';

const SET = { name: 's', version: 1, hash: 'h'.repeat(64), featureNames: ['a', 'b', 'c'] };

describe('drift reference', () => {
  // Asset 1: 200 rows around 0; asset 2: 5 rows (too few for a baseline of its own).
  const rows = [
    ...Array.from({ length: 200 }, (_, i) => [i / 200, NaN, 7]),
    ...Array.from({ length: 5 }, () => [10, NaN, 7]),
  ];
  const assetOf = [...new Array<number>(200).fill(1), ...new Array<number>(5).fill(2)];

  it('keeps the columns asked for, and per-asset baselines for assets with enough rows', () => {
    const ref = buildDriftReference(SET, [0, 2], rows, 'test rows', assetOf);
    expect(ref.features.map((f) => [f.name, f.index])).toEqual([
      ['a', 0],
      ['c', 2],
    ]);
    expect(ref.rows).toBe(205);
    expect(ref.assets?.map((a) => [a.assetId, a.rows])).toEqual([[1, 200]]);
    expect(ref.assets![0]!.features[0]!.sample).toHaveLength(ASSET_SAMPLE);
    expect(buildDriftReference(SET, [0], rows, 'no groups').assets).toBeUndefined();
  });

  it('round-trips through the artifact directory exactly; absent is undefined, invalid throws', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drift-ref-'));
    expect(await readDriftReference(dir)).toBeUndefined();
    const ref = buildDriftReference(SET, [0, 2], rows, 'test rows', assetOf);
    await saveDriftReference(dir, ref);
    expect(await readDriftReference(dir)).toEqual(ref);
    writeFileSync(path.join(dir, DRIFT_REFERENCE_FILE), JSON.stringify({ ...ref, version: 2 }));
    await expect(readDriftReference(dir)).rejects.toThrow(/drift-reference.json\/version/);
  });

  it('a mixture of the compared assets: leaving an asset out is not drift, a shift still is', () => {
    // Two machines at different levels: asset 1 around 0, asset 2 around 10.
    const level = (a: number, i: number) => (a === 1 ? 0 : 10) + ((i * 7919) % 200) / 200;
    const train = [1, 2].flatMap((a) => Array.from({ length: 200 }, (_, i) => [level(a, i)]));
    const assetOf = [...new Array<number>(200).fill(1), ...new Array<number>(200).fill(2)];
    const ref = buildDriftReference({ ...SET, featureNames: ['a'] }, [0], train, 'two machines', assetOf);
    const recent = Array.from({ length: 100 }, (_, i) => level(1, i * 3 + 1));
    const t = { psiWarn: 0.1, psiDrift: 0.25, ksAlpha: 0.01 };
    // Asset 1 alone against both machines' training rows: half the mass is missing.
    expect(featureDrift(ref.features[0]!, recent, t).status).toBe('drift');
    const mix = mixtureReference(ref, new Map([[1, 100]]));
    expect(featureDrift(mix[0]!, recent, t).status).toBe('ok');
    expect(
      featureDrift(
        mix[0]!,
        recent.map((x) => x + 0.5),
        t,
      ).status,
    ).toBe('drift');
    // Both, weighted by their recent rows; an unknown asset brings the whole training set.
    expect(
      mixtureReference(
        ref,
        new Map([
          [1, 100],
          [2, 100],
        ]),
      )[0]!.n,
    ).toBe(200);
    expect(mixtureReference(ref, new Map([[3, 50]]))).toBe(ref.features);
    expect(mixtureReference(buildDriftReference(SET, [0], rows, 'no groups'), new Map([[1, 9]]))).toEqual(
      buildDriftReference(SET, [0], rows, 'no groups').features,
    );
  });
});
