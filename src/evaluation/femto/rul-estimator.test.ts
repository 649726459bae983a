import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateFemto, readRunIndicators } from './evaluate-femto.js';
import { healthTrack, type SnapshotIndicators } from './health-indicator.js';
import { phm2012Score, estimateBearingRul, summariseRun } from './rul-estimator.js';
import { createRng } from '../../maths/random.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const shared = join(root, '../shared/datasets/femto');

/**
 * A synthetic run: flat noisy baseline, then from `onsetS` rms and peak grow as exp(rate·t) until
 * the peak passes 20 g, the end of the run.
 */
function syntheticRun(onsetS: number, rate: number, seed: number, maxSnapshots = 2000): SnapshotIndicators[] {
  const rng = createRng(seed);
  const out: SnapshotIndicators[] = [];
  for (let i = 0; i < maxSnapshots; i++) {
    const t = i * 10;
    const growth = t > onsetS ? Math.exp(rate * (t - onsetS)) : 1;
    const noise = 1 + 0.05 * (rng() - 0.5);
    const s = { t, rms: 0.3 * growth * noise, peak: 1.5 * growth * noise };
    out.push(s);
    if (s.peak > 20) break;
  }
  return out;
}

describe('FEMTO RUL estimator', () => {
  it('finds the onset of a synthetic exponential degradation', () => {
    const run = syntheticRun(3000, 0.004, 1);
    const track = healthTrack(run);
    expect(track.onset).not.toBeNull();
    expect(track.t[track.onset!]!).toBeGreaterThan(3000);
    expect(track.t[track.onset!]!).toBeLessThan(3300);
  });

  it('predicts the RUL of a synthetic exponential degradation close to the truth', () => {
    const training = [summariseRun('train', syntheticRun(4000, 0.003, 2))];
    const test = syntheticRun(2000, 0.004, 3);
    const cut = test.findIndex((s) => s.t >= 2400); // ~400 s after the onset
    const truth = test.at(-1)!.t - test[cut]!.t;
    const p = estimateBearingRul(test.slice(0, cut + 1), training);
    expect(p.method).toBe('exponential');
    expect(Math.abs(p.predicted_rul_s - truth)).toBeLessThan(0.15 * truth);
  });

  it('without an onset, predicts the training onset-to-end time with an interval up to the life', () => {
    const training = [summariseRun('train', syntheticRun(4000, 0.003, 2))];
    const p = estimateBearingRul(syntheticRun(1e9, 0, 4, 100), training);
    expect(p.method).toBe('no-onset');
    expect(p.predicted_rul_s).toBe(training[0]!.post_onset_s);
    expect(p.interval_s[1]).toBeGreaterThan(p.interval_s[0]);
  });

  it('scores like PHM 2012: late predictions cost more than early ones', () => {
    expect(phm2012Score(100, 100)).toEqual({ percent_error: 0, score: 1 });
    expect(phm2012Score(100, 120).score).toBeCloseTo(Math.exp((Math.log(0.5) * 20) / 5), 10);
    expect(phm2012Score(100, 80).score).toBeCloseTo(0.5, 10);
  });

  it('reads indicators from the committed sample folder', async () => {
    const run = await readRunIndicators(join(root, 'datasets/femto-sample/Bearing2_7'));
    expect(run.files).toBe(3);
    expect(run.snapshots.map((s) => s.t)).toEqual([0, 10, 20]);
    for (const s of run.snapshots) expect(s.rms > 0 && s.peak > s.rms).toBe(true);
  });
});

const haveShared = existsSync(shared);
if (!haveShared) console.info(`skipping the FEMTO evaluation: ${shared} not found`);

describe.runIf(haveShared)('FEMTO Bearing3_1 → Bearing2_7 cut at 172 (real files)', () => {
  it('runs and reports finite numbers', async () => {
    const r = await evaluateFemto(
      [join(shared, 'Learning_set/Bearing3_1')],
      join(shared, 'Full_Test_Set/Bearing2_7'),
      172,
    );
    expect(r.true_rul_s).toBe(580);
    for (const v of [r.predicted_rul_s, r.percent_error, r.score, ...r.interval_s])
      expect(Number.isFinite(v)).toBe(true);
  });
});
