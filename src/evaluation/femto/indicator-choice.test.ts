import { describe, expect, it } from 'vitest';
import { createRng } from '../../maths/random.js';
import type { SnapshotIndicators } from './health-indicator.js';
import { scoreCandidates } from './indicator-choice.js';

/** rms and peak grow exponentially from the onset, with noise; kurtosis and crest are noise only. */
function run(onsetS: number, rate: number, seed: number): SnapshotIndicators[] {
  const rng = createRng(seed);
  const out: SnapshotIndicators[] = [];
  for (let t = 0; ; t += 10) {
    const g = t > onsetS ? Math.exp(rate * (t - onsetS)) : 1;
    const noise = 1 + 0.1 * (rng() - 0.5);
    out.push({ t, rms: 0.3 * g * noise, peak: 1.5 * g * noise, kurtosis: 3 + rng(), crest: 5 + rng() });
    if (1.5 * g > 20) return out;
  }
}

describe('health indicator choice', () => {
  it('prefers an indicator that grows in every run over noise, and ranks by fitness', () => {
    const scores = scoreCandidates([run(2000, 0.004, 1), run(5000, 0.002, 2), run(800, 0.01, 3)], 30);
    expect(scores.map((s) => s.name)).not.toContain('band0'); // not carried: left out
    // The runs end when the raw peak passes 20 g: every rms/peak variant trends alike, and the
    // unsmoothed ones end closest to one value (prognosability), so one of them leads.
    expect(scores[0]!.name).toMatch(/^(rms|peak)(~median(5|15))?$/);
    expect(scores.slice(0, 6).every((s) => /^(rms|peak)/.test(s.name))).toBe(true);
    const kurtosis = scores.find((s) => s.name === 'kurtosis')!;
    expect(kurtosis.fitness).toBeLessThan(scores[0]!.fitness);
    for (let i = 1; i < scores.length; i++)
      expect(scores[i]!.fitness).toBeLessThanOrEqual(scores[i - 1]!.fitness);
  });
});
