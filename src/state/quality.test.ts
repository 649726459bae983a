import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gaussianNoise } from '../../tests/helpers/signals.js';
import { FEMTO_TEMP_SATURATION_C, parseFemtoTempCsv } from '../acquisition/formats/femto.js';
import {
  QUALITY_FLAGS as F,
  captureFlags,
  flagNames,
  rangeFlags,
  robustScale,
} from '../acquisition/quality.js';
import { analyseSeries } from './quality-series.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const indexesWith = (flags: Uint8Array, bit: number) =>
  [...flags.keys()].filter((i) => (flags[i]! & bit) !== 0);

/** 1 Hz, 2000 samples of a slow sine with noise, with known defects injected. */
function syntheticSeries() {
  const noise = gaussianNoise(2000, 42, 0.1);
  const idx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 2000; i++) {
    if ((i >= 500 && i < 510) || (i >= 1200 && i < 1300)) continue; // gaps: 10 and 100 samples
    let v = 50 + 2 * Math.sin((2 * Math.PI * i) / 300) + noise[i]!;
    if (i >= 800 && i < 830) v = 51.234; // stuck for 30 s
    if (i === 300 || i === 1500) v += 15; // spikes
    if (i === 1700) v = 150; // out of range [0, 100]
    if (i === 1800) v = -20;
    if (i >= 1900 && i < 1903) v = 100; // pinned at the range limit
    idx.push(i);
    values.push(v);
  }
  return { idx, ts: Float64Array.from(idx, (i) => T0 + i * 1000), values: Float64Array.from(values) };
}

describe('quality checks (pure)', () => {
  it('range flags on ingestion: outside is OUT_OF_RANGE, on a limit is SATURATED', () => {
    const r = { rangeMin: -40, rangeMax: 150 };
    expect(rangeFlags(20, r)).toBe(0);
    expect(rangeFlags(150.5, r)).toBe(F.OUT_OF_RANGE);
    expect(rangeFlags(150, r)).toBe(F.SATURATED);
    expect(rangeFlags(-41, r)).toBe(F.OUT_OF_RANGE);
    expect(rangeFlags(1e9, { rangeMin: null, rangeMax: null })).toBe(0);
    expect(flagNames(F.STUCK | F.SPIKE)).toEqual(['STUCK', 'SPIKE']);
  });

  it('finds the known gaps, stuck run, spikes, out-of-range and saturated values of a synthetic series', () => {
    const { idx, ts, values } = syntheticSeries();
    const { flags, summary } = analyseSeries(ts, values, { rangeMin: 0, rangeMax: 100, sampleRateHz: 1 });
    const at = (bit: number) => indexesWith(flags, bit).map((k) => idx[k]);
    expect(summary.samples).toBe(1890);
    expect(summary.expectedIntervalSource).toBe('sample_rate');
    expect(summary.gaps).toEqual({
      count: 2,
      largestMs: 101_000,
      largestIntervals: 101,
      missingSamples: 110,
    });
    expect(at(F.GAP_BEFORE)).toEqual([510, 1300]);
    expect(summary.outOfRange).toBe(2);
    expect(at(F.OUT_OF_RANGE)).toEqual([1700, 1800]);
    expect(summary.stuck).toEqual({ runs: 1, samples: 30, longestRun: 30 });
    expect(at(F.STUCK)).toEqual(Array.from({ length: 30 }, (_, i) => 800 + i));
    expect(at(F.SATURATED)).toEqual([1900, 1901, 1902]);
    // No false alarm from the noise; the short excursions to the limit are spikes as well.
    expect(at(F.SPIKE)).toEqual([300, 1500, 1700, 1800, 1900, 1901, 1902]);
    expect(summary.sampling.irregular).toBe(false);
    expect(summary.sampling.jitterCv).toBeCloseTo(0, 9);
    const bad = new Set([...at(F.OUT_OF_RANGE), ...at(F.STUCK), ...at(F.SATURATED), ...at(F.SPIKE)]);
    expect(summary.usable.samples).toBe(1890 - bad.size);
    expect(summary.completeness).toBeCloseTo(1890 / 2000, 9);
  });

  it('reports irregular sampling from the coefficient of variation of the intervals', () => {
    const n = 500;
    const jitter = gaussianNoise(n, 5, 300);
    const ts = new Float64Array(n);
    for (let i = 1; i < n; i++) ts[i] = ts[i - 1]! + 1000 + Math.max(-900, Math.min(400, jitter[i]!));
    const values = Float64Array.from(gaussianNoise(n, 6, 1));
    const { summary } = analyseSeries(ts, values, { rangeMin: null, rangeMax: null, sampleRateHz: null });
    expect(summary.expectedIntervalSource).toBe('median');
    expect(summary.sampling.jitterCv).toBeGreaterThan(0.2);
    expect(summary.sampling.irregular).toBe(true);
  });

  it('counts only the window but uses context rows for runs crossing its edges', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i >= 10 && i < 25 ? 7 : i % 5));
    const ts = Float64Array.from(values, (_, i) => i * 1000);
    const { summary } = analyseSeries(
      ts,
      values,
      { rangeMin: null, rangeMax: null, sampleRateHz: 1 },
      {},
      { start: 20, end: 40 },
    );
    expect(summary.samples).toBe(20);
    expect(summary.stuck).toEqual({ runs: 1, samples: 5, longestRun: 15 });
  });

  it('flags capture clipping and flat captures, not impulses', () => {
    const r = { rangeMin: -50, rangeMax: 50 };
    const impulses = Float32Array.from(gaussianNoise(2048, 1, 0.5));
    impulses[100] = 30;
    impulses[900] = -28;
    expect(captureFlags(impulses, r)).toBe(0);
    const clipped = Float32Array.from(impulses);
    clipped.fill(30, 100, 104);
    expect(captureFlags(clipped, r)).toBe(F.SATURATED);
    expect(captureFlags(new Float32Array(64).fill(0.25), r)).toBe(F.STUCK);
    expect(captureFlags(Float32Array.from([1, 2, 55]), r)).toBe(F.OUT_OF_RANGE);
  });

  it('flags the saturated FEMTO Bearing2_7 thermocouple (committed sample)', () => {
    const dir = resolve(import.meta.dirname, '../../datasets/femto-sample/Bearing2_7');
    const a = parseFemtoTempCsv(readFileSync(resolve(dir, 'temp_00001.csv'), 'utf8'), 'temp_00001.csv');
    const b = parseFemtoTempCsv(readFileSync(resolve(dir, 'temp_00038.csv'), 'utf8'), 'temp_00038.csv');
    const base = Date.parse('2012-01-01T00:00:00Z');
    const ts = Float64Array.from([...a.timeSec, ...b.timeSec], (s) => base + Math.round(s * 1000));
    const values = Float64Array.from([...a.celsius, ...b.celsius], (c) => Math.round(c * 1000) / 1000);
    const { flags, summary } = analyseSeries(ts, values, { rangeMin: -40, rangeMax: 150, sampleRateHz: 10 });
    const pinned = [...values.keys()].filter((i) => values[i]! >= FEMTO_TEMP_SATURATION_C);
    expect(pinned).toHaveLength(44);
    for (const i of pinned)
      expect(flags[i]! & (F.SATURATED | F.OUT_OF_RANGE)).toBe(F.SATURATED | F.OUT_OF_RANGE);
    expect(summary.saturated.values).toEqual([1254.005]);
    const implausible = [...values.keys()].filter((i) => values[i]! > 150);
    expect(summary.outOfRange).toBe(implausible.length);
    expect(implausible.length).toBeGreaterThan(values.length / 6);
    // The logger repeats each value twice (5 Hz updates at 10 Hz): pairs are not stuck.
    expect(summary.stuck.runs).toBe(1);
    expect(summary.gaps.count).toBe(1); // between the two files, 36 minutes apart
    expect(summary.usable.share).toBeLessThan(0.6);
    expect(robustScale(values)).toBeGreaterThan(0);
  });
});
