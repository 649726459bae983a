import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDir, sharedDataset } from '../../../tests/helpers/datasets.js';
import { writeMat5 } from '../../../tests/helpers/mat5-writer.js';
import { decimate, designLowPassFir } from '../../signal/resample.js';
import { parseCwruFileName, parseCwruMat, selectCwruSignals } from './cwru.js';
import { FormatError } from './format-error.js';
import { parseMat5 } from './mat5.js';

describe('parseCwruFileName', () => {
  it('reads fault, diameter, load, record and rate', () => {
    expect(parseCwruFileName('/data/cwru/12k_Drive_End_IR007_0_105.mat')).toEqual({
      fileName: '12k_Drive_End_IR007_0_105.mat',
      label: 'inner_race',
      faultDiameterIn: 0.007,
      outerRacePosition: null,
      faultEnd: 'drive_end',
      loadHp: 0,
      recordNumber: 105,
      sampleRateHz: 12_000,
    });
    expect(parseCwruFileName('12k_Drive_End_OR021@6_0_234.mat')).toMatchObject({
      label: 'outer_race',
      faultDiameterIn: 0.021,
      outerRacePosition: 6,
      recordNumber: 234,
    });
    expect(parseCwruFileName('48k_Drive_End_B014_3_192.mat')).toMatchObject({
      label: 'ball',
      faultDiameterIn: 0.014,
      loadHp: 3,
      sampleRateHz: 48_000,
    });
    expect(parseCwruFileName('C:\\cwru\\12k_Fan_End_OR007@12_1_316.mat')).toMatchObject({
      faultEnd: 'fan_end',
      outerRacePosition: 12,
      loadHp: 1,
    });
    expect(parseCwruFileName('normal_0_97.mat')).toEqual({
      fileName: 'normal_0_97.mat',
      label: 'normal',
      faultDiameterIn: null,
      outerRacePosition: null,
      faultEnd: null,
      loadHp: 0,
      recordNumber: 97,
      sampleRateHz: 48_000,
    });
  });

  it('rejects names outside the convention', () => {
    for (const name of [
      'IR007_0_105.mat',
      '12k_Drive_End_XX007_0_1.mat',
      '12k_Drive_End_OR007_0_130.mat',
      'a.csv',
    ]) {
      expect(() => parseCwruFileName(name)).toThrow(FormatError);
    }
    expect(() => parseCwruFileName('foo.mat')).toThrow(/^foo\.mat: not a CWRU file name/);
  });
});

describe('selectCwruSignals', () => {
  const vars = (names: string[]) =>
    parseMat5(writeMat5(names.map((name, i) => ({ name, data: name.endsWith('RPM') ? [1772] : [i, i + 1] }))))
      .variables;

  it('picks the signals of the record named in the file name', () => {
    const picked = selectCwruSignals(
      vars(['X098_DE_time', 'X098_FE_time', 'X099_DE_time', 'X099_FE_time', 'X099RPM']),
      99,
    );
    expect(picked.prefix).toBe('X099');
    expect(Array.from(picked.driveEnd)).toEqual([2, 3]);
    expect(picked.base).toBeNull();
    expect(picked.rpm).toBe(1772);
  });

  it('accepts a file without rpm, and one whose only record number differs', () => {
    const picked = selectCwruSignals(vars(['X100_DE_time']), 101);
    expect(picked.prefix).toBe('X100');
    expect(picked.rpm).toBeNull();
  });

  it('rejects files without a drive-end signal or with an ambiguous one', () => {
    expect(() => selectCwruSignals(vars(['X1_FE_time']), 1, 'x.mat')).toThrow(
      /^x\.mat field "X<no>_DE_time"/,
    );
    expect(() => selectCwruSignals(vars(['X1_DE_time', 'X2_DE_time']), 3)).toThrow(
      /several drive-end signals/,
    );
  });
});

describe('parseCwruMat on the committed sample', () => {
  it('labels record 105 and returns its drive-end signal and rpm', () => {
    const name = '12k_Drive_End_IR007_0_105.mat';
    const record = parseCwruMat(name, readFileSync(join(sampleDir('cwru-sample'), name)));
    expect(record).toMatchObject({ label: 'inner_race', recordNumber: 105, sampleRateHz: 12_000, rpm: 1797 });
    expect(record.driveEnd.length).toBe(24_000);
    expect(record.fanEnd?.length).toBe(24_000);
    expect(record.base?.length).toBe(24_000);
    expect(record.driveEnd[0]).toBe(-0.08300435129740519);
  });
});

const cwru = sharedDataset('cwru');

describe.runIf(cwru.present)('parseCwruMat on the full CWRU files', () => {
  const files: Array<[string, string, number | null]> = [
    ['12k_Drive_End_B007_0_118.mat', 'ball', 0.007],
    ['12k_Drive_End_B014_0_185.mat', 'ball', 0.014],
    ['12k_Drive_End_B021_0_222.mat', 'ball', 0.021],
    ['12k_Drive_End_IR007_0_105.mat', 'inner_race', 0.007],
    ['12k_Drive_End_IR014_0_169.mat', 'inner_race', 0.014],
    ['12k_Drive_End_IR021_0_209.mat', 'inner_race', 0.021],
    ['12k_Drive_End_OR007@6_0_130.mat', 'outer_race', 0.007],
    ['12k_Drive_End_OR014@6_0_197.mat', 'outer_race', 0.014],
    ['12k_Drive_End_OR021@6_0_234.mat', 'outer_race', 0.021],
    ['normal_0_97.mat', 'normal', null],
  ];
  for (const [name, label, diameter] of files) {
    it(`labels ${name}`, () => {
      const record = parseCwruMat(name, readFileSync(join(cwru.dir, name)));
      expect(record.label).toBe(label);
      expect(record.faultDiameterIn).toBe(diameter);
      expect(record.loadHp).toBe(0);
      expect(record.sampleRateHz).toBe(label === 'normal' ? 48_000 : 12_000);
      expect(record.rpm).toBeGreaterThan(1790);
      expect(record.rpm).toBeLessThan(1800);
      expect(record.driveEnd.length).toBeGreaterThan(120_000);
      expect(record.base === null).toBe(label === 'normal');
    });
  }

  it('decimates the 48 kHz normal baseline to 12 kHz', () => {
    const normal = parseCwruMat('normal_0_97.mat', readFileSync(join(cwru.dir, 'normal_0_97.mat')));
    const out = decimate(normal.driveEnd, 4);
    expect(out.length).toBe(Math.ceil(243_938 / 4));
    expect(out.every(Number.isFinite)).toBe(true);
  });
});

describe('decimate (src/signal/resample.ts)', () => {
  const fs = 48_000;
  const sine = (f: number, n: number) =>
    Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / fs));
  const interior = (x: Float64Array, skip: number) => x.subarray(skip, x.length - skip);
  const peak = (x: Float64Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  it('designs a symmetric low-pass with unit DC gain', () => {
    const h = designLowPassFir({ numTaps: 81, cutoff: 0.2 });
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < 40; i++) expect(h[i]).toBeCloseTo(h[80 - i]!, 15);
    expect(() => designLowPassFir({ numTaps: 80, cutoff: 0.2 })).toThrow(RangeError);
    expect(() => designLowPassFir({ numTaps: 81, cutoff: 1 })).toThrow(RangeError);
  });

  it('keeps a pass-band tone in amplitude and time alignment', () => {
    const x = sine(500, 4800);
    const y = decimate(x, 4);
    expect(y.length).toBe(1200);
    for (let k = 20; k < 1180; k++) expect(y[k]).toBeCloseTo(x[k * 4]!, 2);
  });

  it('suppresses a tone that would alias into the new band', () => {
    // 20 kHz at 48 kHz would fold to 4 kHz at 12 kHz without the filter.
    const y = decimate(sine(20_000, 48_000), 4);
    expect(peak(interior(y, 50))).toBeLessThan(0.01);
  });

  it('passes a constant through and handles short and odd lengths', () => {
    const y = decimate(new Float64Array(103).fill(2), 4);
    expect(y.length).toBe(26);
    for (const v of interior(y, 11)) expect(v).toBeCloseTo(2, 10);
    expect(Array.from(decimate([1, 2, 3], 1))).toEqual([1, 2, 3]);
    expect(decimate([], 4).length).toBe(0);
    expect(() => decimate([1, 2], 0)).toThrow(RangeError);
    expect(() => decimate([1, 2], 2.5)).toThrow(RangeError);
  });
});
