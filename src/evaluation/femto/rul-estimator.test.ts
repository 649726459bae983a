import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateFemto, readRunIndicators } from './evaluate-femto.js';
import {
  HEALTH_DEFAULTS,
  healthTrack,
  snapshotIndicators,
  type SnapshotIndicators,
} from './health-indicator.js';
import { phm2012Score, phm2012Summary, estimateBearingRul, summariseRun } from './rul-estimator.js';
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
    expect(p).toMatchObject({ method: 'exponential', state: 'degrading' });
    expect(Math.abs(p.predicted_rul_s - truth)).toBeLessThan(0.15 * truth);
  });

  // Changed with the population prior (issue 19): without an onset the RUL used to be the
  // training onset-to-end time; it is now the population's remaining life given the running time.
  it('without an onset, says "no degradation detected" and gives the population remaining life', () => {
    const training = [
      summariseRun('a', syntheticRun(4000, 0.003, 2)),
      summariseRun('b', syntheticRun(6000, 0.004, 5)),
      summariseRun('c', syntheticRun(9000, 0.002, 6)),
    ];
    const healthy = syntheticRun(1e9, 0, 4, 100);
    const p = estimateBearingRul(healthy, training);
    expect(p).toMatchObject({
      state: 'no-onset',
      status: 'no degradation detected',
      method: 'population-weibull',
    });
    // Independent of the fit code: with the fitted Weibull, S(t + RUL)/S(t) = 1/2 at the median
    // and 0.9 / 0.1 at the interval's ends, t the running time.
    const { shape, scale } = p.population!;
    const s = (t: number): number => Math.exp(-((t / scale) ** shape));
    const t = healthy.at(-1)!.t;
    expect(s(t + p.predicted_rul_s) / s(t)).toBeCloseTo(0.5, 9);
    expect(s(t + p.interval_s[0]) / s(t)).toBeCloseTo(0.9, 9);
    expect(s(t + p.interval_s[1]) / s(t)).toBeCloseTo(0.1, 9);
    // The population is the training lives: the median life lies among them.
    const lives = training.map((r) => r.life_s).sort((x, y) => x - y);
    expect(scale * Math.LN2 ** (1 / shape)).toBeGreaterThan(lives[0]!);
    expect(scale * Math.LN2 ** (1 / shape)).toBeLessThan(lives[2]!);
  });

  it('detects the onset on the indicator it is given', () => {
    // rms flat, kurtosis rising from 2000 s: only a kurtosis indicator sees the onset.
    const run = syntheticRun(1e9, 0, 7, 400).map((s) => ({
      ...s,
      kurtosis: s.t > 2000 ? 3 + (s.t - 2000) / 100 : 3,
    }));
    expect(healthTrack(run).onset).toBeNull();
    const track = healthTrack(run, { ...HEALTH_DEFAULTS, indicator: 'kurtosis~median5' });
    expect(track.t[track.onset!]).toBeGreaterThan(2000);
    expect(track.t[track.onset!]).toBeLessThan(2300);
    expect(() =>
      healthTrack(syntheticRun(1e9, 0, 7, 40), { ...HEALTH_DEFAULTS, indicator: 'crest' }),
    ).toThrow(/do not carry the indicator "crest"/);
  });

  it('scores like PHM 2012: late predictions cost more than early ones', () => {
    expect(phm2012Score(100, 100)).toEqual({ percent_error: 0, score: 1 });
    expect(phm2012Score(100, 120).score).toBeCloseTo(Math.exp((Math.log(0.5) * 20) / 5), 10);
    expect(phm2012Score(100, 80).score).toBeCloseTo(0.5, 10);
  });

  it('matches the challenge description at its plotted points and averages A over bearings', () => {
    // IEEEPHM2012-Challenge-Details.pdf, figure 7: A = 0.25 at Er = −10 % (late), 0.5 at Er = +20 % (early).
    expect(phm2012Score(100, 110).percent_error).toBeCloseTo(-10, 10);
    expect(phm2012Score(100, 110).score).toBeCloseTo(0.25, 10);
    expect(phm2012Score(580, 464).percent_error).toBeCloseTo(20, 10);
    expect(phm2012Score(580, 464).score).toBeCloseTo(0.5, 10);
    const s = phm2012Summary([
      { actual: 100, predicted: 110 },
      { actual: 580, predicted: 464 },
      { actual: 339, predicted: 339 },
    ]);
    expect(s.bearings).toBe(3);
    expect(s.mean_abs_percent_error).toBeCloseTo(10, 10);
    expect(s.phm2012_score).toBeCloseTo((0.25 + 0.5 + 1) / 3, 10);
    expect(() => phm2012Summary([])).toThrow(/no scored bearing/);
  });

  it('reads a bearing with one odd row per file oddity, counting the flagged rows', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'femto-odd-')), 'Bearing2_7');
    const src = join(root, 'datasets/femto-sample/Bearing2_7');
    mkdirSync(dir);
    copyFileSync(join(src, 'acc_00001.csv'), join(dir, 'acc_00001.csv'));
    const lines = readFileSync(join(src, 'acc_00002.csv'), 'utf8').split('\n');
    // Row 5: microsecond count of 1,000,000; row 9: an unreadable acceleration.
    lines[4] = lines[4]!.replace(/^(\d+,\d+,\d+),[^,]+,/, '$1,1000000,');
    lines[8] = lines[8]!.replace(/,[^,]+,([^,]+)$/, ',n/a,$1');
    writeFileSync(join(dir, 'acc_00002.csv'), lines.join('\n'));
    // A file with no readable row: left out like a lost snapshot, counted.
    writeFileSync(join(dir, 'acc_00003.csv'), 'x;y\n');
    const run = await readRunIndicators(dir);
    expect(run.snapshots.length).toBe(2);
    expect(run.quality).toMatchObject({ flagged_rows: 2, dropped_rows: 1, files: 1, unreadable_files: 1 });
    expect(run.quality.examples[0]).toMatch(/^acc_00002\.csv line 5, field "microsecond"/);
  });

  it('reads indicators from the committed sample folder', async () => {
    const run = await readRunIndicators(join(root, 'datasets/femto-sample/Bearing2_7'));
    expect(run.files).toBe(3);
    expect(run.snapshots.map((s) => s.t)).toEqual([0, 10, 20]);
    for (const s of run.snapshots) expect(s.rms > 0 && s.peak > s.rms).toBe(true);
  });

  it('computes the snapshot indicators of two sines by their textbook values', () => {
    // 1 g at 5 kHz horizontally, 2 g at 10 kHz vertically, both on a bin (25.6 kHz / 2560 = 10 Hz):
    // power A²/2 in the band holding each (3.2–6.4 and 9.6–12.8 kHz), rms sqrt((0.5 + 2) / 2),
    // peak 2 g, crest √2 and kurtosis 1.5 for any sine.
    const sine = (amp: number, hz: number): Float64Array =>
      Float64Array.from({ length: 2560 }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / 25_600));
    const s = snapshotIndicators(0, sine(1, 5000), sine(2, 10_000));
    expect(s.rms).toBeCloseTo(Math.sqrt(1.25), 9);
    expect(s.peak).toBeCloseTo(2, 6);
    expect(s.crest).toBeCloseTo(Math.SQRT2, 6);
    expect(s.kurtosis).toBeCloseTo(1.5, 6);
    const [b0, b1, b2, b3] = s.bands!;
    expect(b1).toBeCloseTo(0.5, 6);
    expect(b3).toBeCloseTo(2, 6);
    expect(b0! + b2!).toBeLessThan(1e-9);
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
