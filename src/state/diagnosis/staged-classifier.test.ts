import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../maths/random.js';
import { initBackend } from '../../tf/backend.js';
import { argmaxRow, balancedAccuracy } from '../../maths/multiclass-metrics.js';
import { CLASSIFIER_DEFAULTS } from './classifier.js';
import { nullStatistics, trainStagedClassifier } from './staged-classifier.js';

beforeAll(async () => {
  await initBackend();
});

const NAMES = ['log_rms', 'log_peak', 'ses_bpfi', 'ses_bpfo'];

/** Labelled rows: level by class; the race score of the class's own defect stands out. */
function rows(): { x: Float32Array; y: Int32Array } {
  const rng = createRng(3);
  const noise = (): number => (rng() - 0.5) * 0.6; // uniform ±0.3: null σ ≈ 0.17
  const level = [-3, -1, -2, -1];
  const x: number[] = [];
  const y: number[] = [];
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < 80; i++) {
      x.push(level[c]! + noise() / 3, level[c]! + 1 + noise() / 3);
      x.push(0.2 + noise() + (c === 1 ? 1.5 : 0), 0.2 + noise() + (c === 3 ? 1.5 : 0));
      y.push(c);
    }
  }
  return { x: Float32Array.from(x), y: Int32Array.from(y) };
}

describe('staged classifier: level gate, then race signatures tested against their null', () => {
  it('estimates the null from the windows without the defect: median and 1.4826 × MAD', () => {
    const s = nullStatistics(
      Float64Array.from([1, 2, 3, 4, 100, 5]),
      Int32Array.from([0, 0, 0, 0, 3, 0]),
      3,
      'f',
    );
    expect(s).toEqual({ feature: 'f', median: 3, scale: 1.4826, windows: 5 });
    expect(() => nullStatistics(Float64Array.from([1]), Int32Array.from([3]), 3, 'f')).toThrow(/no training/);
  });

  it('reads normal, inner race, ball and outer race; a threshold moves only borderline windows', async () => {
    const { x, y } = rows();
    const model = await trainStagedClassifier(x, y, NAMES, {
      ...CLASSIFIER_DEFAULTS,
      seed: 1,
      fixedEpochs: 60,
      learningRate: 0.03,
      l2: 1e-3,
    });
    try {
      const proba = model.predict(x);
      const predicted = Array.from(y, (_, i) => argmaxRow(proba, i, 4));
      expect(balancedAccuracy(y, predicted)).toBeGreaterThan(0.97);
      const [inner, outer] = model.nulls;
      expect(inner!.feature).toBe('ses_bpfi');
      // The null of BPFO excludes the outer-race rows: its median is the noise level, not pulled up.
      expect(outer!.median).toBeLessThan(0.4);
      // A window 3 σ above the BPFO null at a fault level: outer race at threshold 2, ball at 4.
      const z3 = outer!.median + 3 * outer!.scale;
      const borderline = Float32Array.from([-1, 0, inner!.median, z3]);
      expect(argmaxRow(model.predict(borderline, 2), 0, 4)).toBe(3);
      expect(argmaxRow(model.predict(borderline, 4), 0, 4)).toBe(2);
      // A race line far above its null is a fault even at the normal level.
      const quietButLined = Float32Array.from([-3, -2, inner!.median + 8 * inner!.scale, outer!.median]);
      expect(argmaxRow(model.predict(quietButLined), 0, 4)).toBe(1);
    } finally {
      model.dispose();
    }
  });

  it('needs its level and signature features', async () => {
    const { x, y } = rows();
    await expect(
      trainStagedClassifier(x, y, ['a', 'b', 'c', 'd'], { ...CLASSIFIER_DEFAULTS, seed: 1 }),
    ).rejects.toThrow(/needs/);
  });
});
