/**
 * The simulator's acceptance criteria, checked with the project's own signal code: envelope
 * spectra at the defect frequencies, ISO 20816 zones crossed as a defect grows, temperature
 * rising with degradation, determinism from the seed, and sensor faults at their rates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defectFrequencies, type DefectFrequencies } from '../src/signal/bearing.js';
import { envelopeSpectrum, peakNear } from '../src/signal/envelope.js';
import { initSignal } from '../src/signal/fft.js';
import { isoZone, type IsoZone } from '../src/state/iso20816.js';
import { velocityRms } from '../src/signal/velocity.js';
import {
  createFleet,
  FAULT_CODE,
  generateMachine,
  renderCapture,
  type FailureMode,
  type FleetConfig,
  type MachineHistory,
} from '../src/twin/index.js';

const NO_FAULTS = { dropout: 0, spike: 0, saturation: 0, stuck: 0 };

/** One machine with the given failure mode, starting to degrade on day 2, failing on day 18. */
function oneMachine(mode: FailureMode, extra: Partial<FleetConfig> = {}): MachineHistory {
  const fleet = createFleet({ machines: 1, days: 20, seed: 11, faultRates: NO_FAULTS, captureEveryMin: 120 });
  Object.assign(fleet, extra);
  const m = fleet.machines[0]!;
  m.degradation = { ...m.degradation, mode, onsetDay: 2, endOfLifeDay: 18, law: 'exponential' };
  return generateMachine(fleet, 0);
}

const frequencies = (h: MachineHistory, k: number): DefectFrequencies => {
  const b = h.machine.bearing;
  const geometry = {
    nBalls: b.nBalls,
    ballDiameter: b.ballDiameterMm,
    pitchDiameter: b.pitchDiameterMm,
    contactAngleDeg: 0,
  };
  return defectFrequencies(geometry, h.captures.shaftHz[k]!);
};

const firstAt = (h: MachineHistory, severity: number) => h.captures.severity.findIndex((s) => s >= severity);

/** Envelope spectrum of capture k, demodulated around the machine's structural resonance. */
function envelopeOf(h: MachineHistory, k: number) {
  const fs = h.fleet.sampleRateHz;
  const res = h.machine.vibration.resonanceHz;
  return envelopeSpectrum(renderCapture(h, k), fs, [0.7 * res, Math.min(1.3 * res, 0.48 * fs)]);
}

function strongestPeak(magnitude: Float64Array, binHz: number, lo: number, hi: number): number {
  let best = Math.ceil(lo / binHz);
  for (let i = best; i <= Math.floor(hi / binHz); i++) if (magnitude[i]! > magnitude[best]!) best = i;
  return best * binHz;
}

function median(values: Float64Array): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

beforeAll(async () => {
  await initSignal();
});

describe('twin vibration physics', () => {
  it('an outer-race defect puts the envelope spectrum peak at BPFO', () => {
    const h = oneMachine('outer_race');
    for (const severity of [0.1, 0.4]) {
      const k = firstAt(h, severity);
      const { binHz, magnitude } = envelopeOf(h, k);
      const { bpfo } = frequencies(h, k);
      expect(Math.abs(strongestPeak(magnitude, binHz, 5, 1000) - bpfo) / bpfo).toBeLessThan(0.02);
    }
  });

  it('an inner-race defect peaks at BPFI with sidebands at ± shaft speed', () => {
    const h = oneMachine('inner_race');
    const k = firstAt(h, 0.3);
    const { binHz, magnitude } = envelopeOf(h, k);
    const { bpfi } = frequencies(h, k);
    const fr = h.captures.shaftHz[k]!;
    expect(Math.abs(strongestPeak(magnitude, binHz, 0.5 * bpfi, 1000) - bpfi) / bpfi).toBeLessThan(0.02);
    const floor = median(magnitude.subarray(Math.ceil(5 / binHz), Math.floor(1000 / binHz)));
    const at = (f: number) => peakNear(magnitude, binHz, f).amplitude;
    expect(at(bpfi - fr)).toBeGreaterThan(5 * floor);
    expect(at(bpfi + fr)).toBeGreaterThan(5 * floor);
    expect(at(bpfi)).toBeGreaterThan(at(bpfi - fr));
  });

  it('a ball defect peaks at BSF', () => {
    const h = oneMachine('ball');
    const k = firstAt(h, 0.3);
    const { binHz, magnitude } = envelopeOf(h, k);
    const { bsf } = frequencies(h, k);
    expect(Math.abs(strongestPeak(magnitude, binHz, 5, 1000) - bsf) / bsf).toBeLessThan(0.02);
  });

  it('velocity RMS (10–1000 Hz) crosses ISO 20816 zones A → B → C → D as the defect grows', () => {
    for (const mode of ['outer_race', 'misalignment'] as const) {
      const fleet = createFleet({
        machines: 1,
        days: 20,
        seed: 3,
        faultRates: NO_FAULTS,
        captureEveryMin: 240,
      });
      const m = fleet.machines[0]!;
      Object.assign(m, { isoGroup: 2, foundation: 'rigid' });
      m.vibration = { ...m.vibration, oneXMmS: 0.5, twoXMmS: 0.25, damageMmS: 8 };
      m.degradation = { ...m.degradation, mode, onsetDay: 2, endOfLifeDay: 20.5, law: 'paris' };
      const h = generateMachine(fleet, 0);
      const zones: IsoZone[] = [];
      for (let k = 0; k < h.captures.ts.length; k++) {
        zones.push(isoZone(velocityRms(renderCapture(h, k), fleet.sampleRateHz), 2, 'rigid'));
      }
      expect(zones[0], mode).toBe('A');
      expect(zones.at(-1), mode).toBe('D');
      const first = (['A', 'B', 'C', 'D'] as const).map((z) => zones.indexOf(z));
      expect(
        first.every((i) => i >= 0),
        `${mode}: ${zones.join('')}`,
      ).toBe(true);
      expect(
        [...first].sort((a, b) => a - b),
        `${mode}: ${zones.join('')}`,
      ).toEqual(first);
      // Before the defect starts the machine stays in zone A.
      const onsetK = h.captures.severity.findIndex((s) => s > 0);
      expect(zones.slice(0, onsetK).every((z) => z === 'A')).toBe(true);
    }
  });
});

describe('twin temperature', () => {
  it('rises with degradation over an identical healthy twin (same site, weather and load)', () => {
    const fleet = createFleet({ machines: 2, days: 20, seed: 5, faultRates: NO_FAULTS });
    const [a, b] = fleet.machines as [FleetConfig['machines'][0], FleetConfig['machines'][0]];
    Object.assign(b, { site: a.site, load: a.load, thermal: a.thermal });
    a.degradation = { ...a.degradation, mode: 'outer_race', onsetDay: 4, endOfLifeDay: 25 };
    b.degradation = { ...b.degradation, mode: 'none' };
    const failing = generateMachine(fleet, 0).readings;
    const healthy = generateMachine(fleet, 1).readings;
    const rise = failing.trueValue.map((t, k) => t - healthy.trueValue[k]!);
    const onset = failing.severity.findIndex((s) => s > 0);
    expect(Math.max(...rise.subarray(0, onset).map(Math.abs))).toBeLessThan(1e-9);
    const last = rise.length - 1;
    const expected = a.thermal.degradationRiseC * failing.severity[last]!;
    expect(rise[last]).toBeGreaterThan(0.9 * expected);
    expect(rise[last]).toBeLessThan(1.05 * expected);
    // Monotone with severity (the lag only delays it): compare quarters of the degraded span.
    const q = (i: number) => rise[onset + Math.floor(((last - onset) * i) / 4)]!;
    expect(q(1)).toBeLessThan(q(2));
    expect(q(2)).toBeLessThan(q(3));
    expect(q(3)).toBeLessThan(q(4));
  });
});

describe('twin determinism', () => {
  const bytesOf = (fleet: FleetConfig, i: number, ks: number[]) => {
    const h = generateMachine(fleet, i);
    return Buffer.concat([
      ...ks.map((k) => Buffer.from(renderCapture(h, k).buffer)),
      Buffer.from(h.readings.value.buffer),
      Buffer.from(h.captures.severity.buffer),
      Buffer.from(h.captures.fault.buffer),
    ]);
  };

  it('gives byte-identical data for a seed, and different data for another seed', () => {
    const opts = { machines: 4, days: 10, seed: 42, captureEveryMin: 60 };
    const a = createFleet(opts);
    const b = createFleet(opts);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    for (let i = 0; i < 4; i++)
      expect(bytesOf(b, i, [0, 7, 20]).equals(bytesOf(a, i, [0, 7, 20]))).toBe(true);
    // Rendering order does not matter: each capture has its own stream.
    const h = generateMachine(a, 1);
    const late = Buffer.from(renderCapture(h, 20).buffer);
    renderCapture(h, 3);
    expect(Buffer.from(renderCapture(h, 20).buffer).equals(late)).toBe(true);

    const c = createFleet({ ...opts, seed: 43 });
    expect(JSON.stringify(c.machines)).not.toBe(JSON.stringify(a.machines));
    expect(bytesOf(c, 0, [0]).equals(bytesOf(a, 0, [0]))).toBe(false);
    // A bigger fleet keeps the machines it already had.
    expect(JSON.stringify(createFleet({ ...opts, machines: 6 }).machines.slice(0, 4))).toBe(
      JSON.stringify(a.machines),
    );
  });
});

describe('twin sensor faults', () => {
  const rates = { dropout: 0.02, spike: 0.015, saturation: 0.01, stuck: 0.02 };
  const fleet = createFleet({
    machines: 4,
    days: 60,
    seed: 9,
    faultRates: rates,
    captureEveryMin: 30,
    readingEveryMin: 5,
    sampleRateHz: 2048,
    captureSeconds: 0.25,
  });
  const histories = fleet.machines.map((_, i) => generateMachine(fleet, i));

  it('appear at roughly the configured rates in captures and readings', () => {
    for (const series of ['captures', 'readings'] as const) {
      const codes = histories.flatMap((h) => Array.from(h[series].fault));
      for (const [name, rate] of Object.entries(rates)) {
        const share = codes.filter((c) => c === FAULT_CODE[name as keyof typeof rates]).length / codes.length;
        expect(share, `${series} ${name}`).toBeGreaterThan(0.65 * rate);
        expect(share, `${series} ${name}`).toBeLessThan(1.35 * rate);
      }
    }
  });

  it('are marked in the truth exactly where the data shows them', () => {
    for (const h of histories) {
      const range = h.machine.vibration.rangeG;
      const c = h.captures;
      let clean = 0;
      for (let k = 0; k < c.ts.length; k++) {
        const code = c.fault[k]!;
        if (code === FAULT_CODE.none && clean++ > 40) continue;
        if (code === FAULT_CODE.dropout) continue;
        const x = renderCapture(h, k);
        let peak = 0;
        let clipped = 0;
        let min = Infinity;
        let max = -Infinity;
        for (const v of x) {
          peak = Math.max(peak, Math.abs(v));
          if (Math.abs(v) === range) clipped++;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        if (code === FAULT_CODE.none) expect(peak).toBeLessThan(0.2 * range);
        if (code === FAULT_CODE.spike) expect(peak).toBeGreaterThan(0.29 * range);
        if (code === FAULT_CODE.saturation) expect(clipped).toBeGreaterThan(0);
        if (code === FAULT_CODE.stuck) expect(max - min).toBe(0);
      }
      const r = h.readings;
      const top = h.machine.thermal.rangeMaxC;
      for (let k = 1; k < r.ts.length; k++) {
        const code = r.fault[k]!;
        const v = r.value[k]!;
        if (code === FAULT_CODE.dropout) expect(v).toBeNaN();
        else if (code === FAULT_CODE.spike) expect(v - r.trueValue[k]!).toBeGreaterThan(15);
        else if (code === FAULT_CODE.saturation) expect(v).toBe(top);
        else if (code === FAULT_CODE.stuck && r.fault[k - 1] === FAULT_CODE.stuck)
          expect(v).toBe(r.value[k - 1]);
        else if (code === FAULT_CODE.none) expect(Math.abs(v - r.trueValue[k]!)).toBeLessThan(1.5);
      }
    }
  });
});
