import { describe, expect, it } from 'vitest';
import { defectFrequencies, SKF_6203, SKF_6205 } from './bearing.js';

describe('defectFrequencies', () => {
  it('matches the CWRU multiples of shaft speed for the SKF 6205', () => {
    const f = defectFrequencies(SKF_6205, 1);
    expect(f.bpfi).toBeCloseTo(5.4152, 3);
    expect(f.bpfo).toBeCloseTo(3.5848, 3);
    expect(f.ftf).toBeCloseTo(0.39828, 3);
    expect(f.bsf).toBeCloseTo(4.7135, 3);
    expect(f.ballSpin).toBeCloseTo(4.7135 / 2, 3);
  });

  it('matches the CWRU multiples of shaft speed for the fan-end SKF 6203', () => {
    const f = defectFrequencies(SKF_6203, 1);
    expect(f.bpfi).toBeCloseTo(4.9469, 3);
    expect(f.bpfo).toBeCloseTo(3.053, 3);
    expect(f.ftf).toBeCloseTo(0.3817, 3);
    expect(f.bsf).toBeCloseTo(3.9874, 3);
  });

  it('scales with shaft speed (1796 rpm: BPFI ≈ 162 Hz, BPFO ≈ 107 Hz)', () => {
    const f = defectFrequencies(SKF_6205, 1796 / 60);
    expect(f.bpfi).toBeCloseTo(162.1, 1);
    expect(f.bpfo).toBeCloseTo(107.3, 1);
  });

  it('uses the contact angle and keeps BPFO + BPFI = n·shaft', () => {
    const g = { nBalls: 12, ballDiameter: 10, pitchDiameter: 60, contactAngleDeg: 40 };
    const f = defectFrequencies(g, 25);
    expect(f.bpfo + f.bpfi).toBeCloseTo(12 * 25, 10);
    const r = (10 / 60) * Math.cos((40 * Math.PI) / 180);
    expect(f.ftf).toBeCloseTo(12.5 * (1 - r), 10);
  });

  it('rejects impossible geometry', () => {
    expect(() => defectFrequencies({ ...SKF_6205, pitchDiameter: 0.1 }, 30)).toThrow(/pitchDiameter/);
    expect(() => defectFrequencies({ ...SKF_6205, nBalls: 0 }, 30)).toThrow(/nBalls/);
  });
});
