import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cwruSampleDir, readF32Sample } from '../../../tests/helpers/cwru-drive-end.js';
import { gaussianNoise, seededRandom } from '../../../tests/helpers/signals.js';
import { defectFrequencies, SKF_6205 } from '../../signal/bearing.js';
import { initSignal } from '../../signal/fft.js';
import { SesSignatures, signatureLines } from './ses-signatures.js';

beforeAll(async () => {
  await initSignal();
});

const fs = 12_000;
const n = 4096;
const shaftHz = 1797 / 60;
const orders = defectFrequencies(SKF_6205, 1);

/**
 * Impacts at `rateHz` ringing a 3.3 kHz resonance, optionally amplitude-modulated at the shaft
 * speed (an inner-race defect passes in and out of the load zone), in white noise, under strong
 * 1× and 2× shaft tones that a raw spectrum would be dominated by. Each interval is jittered by up
 * to ±1 % (rolling elements slip): real defect impacts are cyclostationary, not strictly periodic,
 * and that is what pre-whitening keeps while it flattens truly periodic (discrete) components; a
 * jitter-free train would itself be "discrete" and be partly whitened away.
 */
function impacts(rateHz: number, modulated: boolean, seed: number): Float64Array {
  const x = gaussianNoise(n, seed, 0.05);
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    x[i]! += 2 * Math.sin(2 * Math.PI * shaftHz * t) + Math.sin(4 * Math.PI * shaftHz * t);
  }
  const rnd = seededRandom(seed + 100);
  for (let t0 = 0.003; t0 * fs < n; t0 += (1 + 0.02 * (rnd() - 0.5)) / rateHz) {
    const gain = modulated ? 1 + 0.6 * Math.cos(2 * Math.PI * shaftHz * t0) : 1;
    const i0 = Math.round(t0 * fs);
    for (let j = 0; j < 40 && i0 + j < n; j++)
      x[i0 + j]! += gain * Math.exp(-j / 4) * Math.sin((2 * Math.PI * 3300 * j) / fs);
  }
  return x;
}

describe('SES defect signatures', () => {
  it('drops the race lines that coincide (3×BPFO ≈ 2×BPFI on the 6205) from both families', () => {
    const lines = signatureLines(SKF_6205);
    expect(lines.outer).toEqual([1, 2, 4].map((h) => h * orders.bpfo));
    expect(lines.inner).toEqual([orders.bpfi, 3 * orders.bpfi, orders.bpfi - 1, orders.bpfi + 1]);
    expect(lines.ball).toHaveLength(4);
  });

  it('scores the family of the simulated defect, and only that one', () => {
    const s = new SesSignatures(n, fs, 4800, SKF_6205);
    const [outer, inner] = s.scores(impacts(orders.bpfo * shaftHz, false, 1), shaftHz);
    expect(outer).toBeGreaterThan(1.5);
    expect(inner).toBeLessThan(0.5);
    const [outer2, inner2] = s.scores(impacts(orders.bpfi * shaftHz, true, 2), shaftHz);
    expect(inner2).toBeGreaterThan(1.5);
    expect(outer2).toBeLessThan(0.5);
    // Noise alone: no family stands out (ln ratio of a max over a few bins to the median ≈ 0–0.6).
    for (const v of s.scores(gaussianNoise(n, 3), shaftHz)) expect(Math.abs(v)).toBeLessThan(0.8);
  });

  it('is scale-free: ten times the amplitude gives the same scores', () => {
    const s = new SesSignatures(n, fs, 4800, SKF_6205);
    const x = impacts(orders.bpfo * shaftHz, false, 4);
    const a = Array.from(s.scores(x, shaftHz));
    const b = Array.from(
      s.scores(
        x.map((v) => 10 * v),
        shaftHz,
      ),
    );
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 3));
  });

  it('reads the committed CWRU excerpts: IR007 by its BPFI lines, OR007@6 by its BPFO lines', () => {
    const s = new SesSignatures(n, fs, 4800, SKF_6205);
    for (const [file, rpm, key] of [
      ['IR007_0_105_DE_first12000.f32', 1797, 'inner'],
      ['OR007@6_0_130_DE_first12000.f32', 1796, 'outer'],
    ] as const) {
      const x = readF32Sample(join(cwruSampleDir, file));
      for (let start = 0; start + n <= x.length; start += n) {
        const [outer, inner] = s.scores(x.subarray(start, start + n), rpm / 60);
        const [hit, miss] = key === 'inner' ? [inner!, outer!] : [outer!, inner!];
        expect(hit).toBeGreaterThan(1);
        expect(hit - miss).toBeGreaterThan(0.8);
      }
    }
  });
});
