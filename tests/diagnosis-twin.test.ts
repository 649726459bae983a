/**
 * The live diagnosis against an independent truth: the twin's own defects (src/twin/ knows which
 * machine has which). A fleet like the demo's (seed 4, 25.6 kHz) with 1 s captures: read in the
 * 2560-sample windows of the 25k6 feature sets alone, the 10 Hz bins cannot separate a 16 Hz
 * fan's defect lines and the answer is 'unknown'; with the longer windows the capture holds,
 * the failing fans are named outer race and the healthy machines carry no fault.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initSignal } from '../src/signal/fft.js';
import { diagnoseWaveform } from '../src/state/diagnosis/diagnose.js';
import { createFleet, generateMachine, renderCapture, type MachineHistory } from '../src/twin/index.js';

const RATE = 25_600;
const WINDOW = 2560;
const fleet = createFleet({
  machines: 12,
  days: 180,
  seed: 4,
  sampleRateHz: RATE,
  captureSeconds: 1,
  captureEveryMin: 480,
  readingEveryMin: 20,
});

/** Every `step`-th clean capture (no injected sensor fault) whose true severity passes `keep`. */
function captures(h: MachineHistory, keep: (severity: number) => boolean, step: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let k = 0; k < h.captures.ts.length; k += step)
    if (h.captures.fault[k] === 0 && keep(h.captures.severity[k]!)) out.push(renderCapture(h, k));
  return out;
}

function diagnose(h: MachineHistory, samples: Float32Array, maxWindowLength?: number) {
  const b = h.machine.bearing;
  return diagnoseWaveform(samples, {
    sampleRateHz: RATE,
    shaftHz: h.machine.shaftRpm / 60,
    bearing: {
      nBalls: b.nBalls,
      ballDiameter: b.ballDiameterMm,
      pitchDiameter: b.pitchDiameterMm,
      contactAngleDeg: b.contactAngleDeg,
    },
    windowLength: WINDOW,
    ...(maxWindowLength ? { maxWindowLength } : {}),
  })!;
}

describe('live diagnosis on twin captures (ground truth: the twin defect)', () => {
  beforeAll(() => initSignal());
  const histories = fleet.machines.map((_, i) => generateMachine(fleet, i));
  const slowFans = histories.filter(
    (h) =>
      h.machine.type === 'fan' && h.machine.shaftRpm < 1000 && h.machine.degradation.mode === 'outer_race',
  );
  const healthy = histories.filter((h) => h.machine.degradation.mode === 'none');

  it('the fleet has failing slow fans and healthy machines to test on', () => {
    expect(slowFans.length).toBeGreaterThanOrEqual(2);
    expect(healthy.length).toBeGreaterThanOrEqual(2);
  });

  it('names the outer race of every failing slow fan from the longer windows of its capture', () => {
    for (const h of slowFans) {
      const worn = captures(h, (s) => s >= 0.3, 4);
      expect(worn.length).toBeGreaterThan(0);
      for (const x of worn) {
        // The feature set's windows alone cannot tell: too coarse for a 16 Hz shaft.
        expect(diagnose(h, x).fault).toBe('unknown');
        const d = diagnose(h, x, 8 * WINDOW);
        expect(d.fault).toBe('outer_race');
        expect(d.evidence[0]).toMatchObject({ line: 'BPFO', present: true });
      }
    }
  });

  it('names no fault on healthy machines, bar a rare false call', () => {
    // One 0.8 s window is a noisy spectrum: the family test at its threshold calls a fault on a
    // few per cent of healthy captures (about 1.6 % over this fleet's sound windows).
    const calls = healthy.flatMap((h) =>
      captures(h, () => true, 4).map((x) => diagnose(h, x, 8 * WINDOW).fault),
    );
    expect(calls.length).toBeGreaterThan(100);
    expect(calls).not.toContain('unknown');
    expect(calls.filter((f) => f !== 'none').length / calls.length).toBeLessThan(0.05);
  });
});
