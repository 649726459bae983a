import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../maths/random.js';
import { defectFrequencies, type BearingGeometry } from '../../signal/bearing.js';
import { initSignal } from '../../signal/fft.js';
import { diagnoseWaveform } from './diagnose.js';

// A PRONOSTIA-like bearing at the FEMTO rate (25.6 kHz), not the CWRU rate the signatures were
// developed on, in 8192-sample windows (3.1 Hz bins). Ground truth: the simulated impact rate.
const BEARING: BearingGeometry = { nBalls: 13, ballDiameter: 3.5, pitchDiameter: 25.6, contactAngleDeg: 0 };
const RATE = 25_600;
const N = 8192;
const SHAFT = 1800 / 60;

/** Impacts at `rateHz` ringing at 4.5 kHz (amplitude modulated at `modHz` when given), in white noise. */
function signal(rateHz: number | null, seed: number, modHz?: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(8 * N);
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    let v = 0.3 * (rng() - 0.5);
    if (rateHz) {
      const since = t % (1 / rateHz);
      const am = modHz ? 1 + 0.8 * Math.cos(2 * Math.PI * modHz * t) : 1;
      v += am * Math.exp(-since * 1500) * Math.sin(2 * Math.PI * 4500 * since);
    }
    x[i] = v;
  }
  return x;
}

const options = { sampleRateHz: RATE, shaftHz: SHAFT, bearing: BEARING, windowLength: N };

describe('diagnoseWaveform', () => {
  beforeAll(() => initSignal());
  const f = defectFrequencies(BEARING, SHAFT);

  it('names an outer-race defect from impacts at BPFO, with its line and harmonics as evidence', () => {
    const d = diagnoseWaveform(signal(f.bpfo, 1), options)!;
    expect(d.fault).toBe('outer_race');
    expect(d.windows).toBe(8);
    const e = d.evidence[0]!;
    expect(e).toMatchObject({ line: 'BPFO', present: true });
    expect(e.hz).toBeCloseTo(f.bpfo, 1);
    expect(e.orders).toBeCloseTo(f.bpfo / SHAFT, 2);
    expect(e.harmonics.length).toBeGreaterThan(0);
    expect(e.strengthDb).toBeGreaterThan(6);
  });

  it('names an inner-race defect from impacts at BPFI modulated by the shaft', () => {
    expect(diagnoseWaveform(signal(f.bpfi, 2, SHAFT), options)!.fault).toBe('inner_race');
  });

  it('names no fault in noise, and needs a whole window and a shaft speed', () => {
    const d = diagnoseWaveform(signal(null, 3), options)!;
    expect(d.fault).toBe('none');
    expect(d.evidence.every((e) => !e.present)).toBe(true);
    expect(d.evidence.map((e) => e.line).slice(-2)).toEqual(['1x', '2x']);
    expect(diagnoseWaveform(new Float64Array(N - 1), options)).toBeNull();
    expect(diagnoseWaveform(signal(null, 3), { ...options, shaftHz: 0 })).toBeNull();
  });

  it('says unknown rather than guess when the bins are too coarse to separate the lines', () => {
    // FEMTO's 2560-sample windows: 10 Hz bins against a 30 Hz shaft; BSF (215 Hz) and BPFI
    // (222 Hz) fall in neighbouring bins and no probe lies clear of the shaft harmonics.
    const d = diagnoseWaveform(signal(f.bpfi, 2, SHAFT), { ...options, windowLength: 2560 })!;
    expect(d.fault).toBe('unknown');
  });
});
