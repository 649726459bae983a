import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleDir, sharedDataset } from '../../../tests/helpers/datasets.js';
import { writeMat5 } from '../../../tests/helpers/mat5-writer.js';
import { FormatError } from './format-error.js';
import { getMat5Variable, parseMat5 } from './mat5.js';

const decompress = (d: Uint8Array): Uint8Array => inflateSync(d);
const compress = (d: Uint8Array): Uint8Array => deflateSync(d);

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('parseMat5 on synthetic files', () => {
  const variables = [
    { name: 'signal', data: [0.5, -1.25, 3e-9, 1e300] },
    { name: 'm', data: [1, -2, 3, -4, 5, -6], dims: [2, 3], className: 'int16' as const },
    { name: 'f', data: [1.5, -2.5], className: 'single' as const },
    { name: 'packed', data: [0, 200, 255], className: 'double' as const, storedAs: 'uint8' as const },
    { name: 'rpm', data: [1797], dims: [1, 1], storedAs: 'uint16' as const },
    { name: 'u', data: [4_000_000_000], dims: [1, 1], className: 'uint32' as const },
    { name: 'z', data: [1, 2], imag: [-1, 0.5] },
    { name: 'ok', data: [1, 0, 1], className: 'uint8' as const, logical: true },
    { name: 'e', data: [], dims: [0, 0] },
  ];

  for (const endian of ['little', 'big'] as const) {
    for (const compressed of [false, true]) {
      it(`reads every numeric type (${endian} endian${compressed ? ', compressed' : ''})`, () => {
        const bytes = writeMat5(variables, { endian, ...(compressed ? { compress } : {}) });
        const mat = parseMat5(bytes, { file: 'synthetic.mat', decompress });
        expect(mat.header.endian).toBe(endian);
        expect(mat.variables.map((v) => v.name)).toEqual(variables.map((v) => v.name));
        for (const spec of variables) {
          const v = getMat5Variable(mat, spec.name);
          expect(Array.from(v.data)).toEqual(spec.data);
          expect(v.dims).toEqual(spec.dims ?? [spec.data.length, 1]);
        }
        expect(getMat5Variable(mat, 'm').className).toBe('int16');
        expect(getMat5Variable(mat, 'packed').className).toBe('double');
        expect(Array.from(getMat5Variable(mat, 'z').imag ?? [])).toEqual([-1, 0.5]);
        expect(getMat5Variable(mat, 'ok').logical).toBe(true);
      });
    }
  }

  it('round-trips arbitrary double vectors in both byte orders', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { maxLength: 50 }),
        fc.constantFrom('little' as const, 'big' as const),
        (data, endian) => {
          const mat = parseMat5(writeMat5([{ name: 'x', data }], { endian }));
          expect(Array.from(mat.variables[0]!.data)).toEqual(data);
        },
      ),
    );
  });

  it('lists non-numeric variables as skipped', () => {
    const bytes = writeMat5([
      { name: 'label', data: [104, 105], dims: [1, 2], storedAs: 'uint16', rawClassId: 4 },
      { name: 'x', data: [1] },
    ]);
    const mat = parseMat5(bytes);
    expect(mat.variables.map((v) => v.name)).toEqual(['x']);
    expect(mat.skipped).toEqual([{ name: 'label', className: 'char', byteOffset: 128 }]);
  });

  it('rejects a compressed variable when no decompress function is given', () => {
    const bytes = writeMat5([{ name: 'x', data: [1, 2] }], { compress });
    const err = formatError(() => parseMat5(bytes, { file: 'v7.mat' }));
    expect(err.message).toMatch(/^v7\.mat byte offset 128: .*miCOMPRESSED/);
  });

  it('rejects a corrupt compressed stream', () => {
    const bytes = writeMat5([{ name: 'x', data: [1, 2] }], { compress });
    bytes.fill(0xff, 140, 150);
    expect(formatError(() => parseMat5(bytes, { file: 'bad.mat', decompress })).message).toMatch(
      /bad\.mat byte offset 128: cannot decompress/,
    );
  });

  it('rejects truncated files at every cut, naming the file and byte offset', () => {
    const first = { name: 'signal', data: [1, 2, 3, 4, 5] };
    const bytes = writeMat5([first, { name: 'rpm', data: [1797], storedAs: 'uint16' }]);
    // A cut exactly between variables leaves a valid shorter file (with one or no variables):
    // the format cannot tell.
    const boundaries = [128, writeMat5([first]).length];
    for (let cut = 0; cut < bytes.length; cut += 4) {
      if (boundaries.includes(cut)) continue;
      const err = formatError(() => parseMat5(bytes.subarray(0, cut), { file: 'cut.mat' }));
      expect(err.message).toMatch(/^cut\.mat byte offset \d+/);
      expect(err.reason).toMatch(/truncated|no room/);
    }
  });

  it('rejects a file that is not MAT v5', () => {
    const bytes = writeMat5([{ name: 'x', data: [1] }]);
    const v4 = bytes.slice();
    v4[126] = 0;
    expect(formatError(() => parseMat5(v4, { file: 'a.mat' })).message).toMatch(
      /a\.mat byte offset 126: .*endian/,
    );
    const hdf5 = bytes.slice();
    hdf5[124] = 0;
    hdf5[125] = 2;
    expect(formatError(() => parseMat5(hdf5)).reason).toMatch(/v7\.3 \(HDF5\)/);
  });

  it('rejects data whose length does not match the dimensions', () => {
    const bytes = writeMat5([{ name: 'x', data: [1, 2], dims: [3, 1] }]);
    const err = formatError(() => parseMat5(bytes, { file: 'dims.mat' }));
    expect(err.field).toBe('x');
    expect(err.reason).toMatch(/2 values, but dimensions 3x1 need 3/);
  });

  it('names the variables that exist when one is missing', () => {
    const mat = parseMat5(writeMat5([{ name: 'a', data: [1] }]));
    expect(() => getMat5Variable(mat, 'b', 'f.mat')).toThrow(
      /f\.mat field "b": no numeric variable "b" \(found: a\)/,
    );
  });
});

describe('parseMat5 on the committed CWRU sample', () => {
  it('reads the derived record 105 file', () => {
    const file = join(sampleDir('cwru-sample'), '12k_Drive_End_IR007_0_105.mat');
    const mat = parseMat5(readFileSync(file), { file });
    expect(mat.header.text).toMatch(/^MATLAB 5\.0 MAT-file/);
    expect(mat.variables.map((v) => [v.name, v.dims])).toEqual([
      ['X105_DE_time', [24_000, 1]],
      ['X105_FE_time', [24_000, 1]],
      ['X105_BA_time', [24_000, 1]],
      ['X105RPM', [1, 1]],
    ]);
    const de = getMat5Variable(mat, 'X105_DE_time').data;
    expect(de[0]).toBe(-0.08300435129740519);
    expect(de[1]).toBe(-0.19573433133732535);
    expect(getMat5Variable(mat, 'X105RPM').data[0]).toBe(1797);
  });
});

const cwru = sharedDataset('cwru');

describe.runIf(cwru.present)('parseMat5 on the full CWRU files', () => {
  // Lengths and rpm as read independently with scipy.io.loadmat.
  const expected: Record<string, [no: string, length: number, rpm: number]> = {
    '12k_Drive_End_B007_0_118.mat': ['118', 122_571, 1796],
    '12k_Drive_End_B014_0_185.mat': ['185', 121_846, 1796],
    '12k_Drive_End_B021_0_222.mat': ['222', 121_991, 1796],
    '12k_Drive_End_IR007_0_105.mat': ['105', 121_265, 1797],
    '12k_Drive_End_IR014_0_169.mat': ['169', 121_846, 1796],
    '12k_Drive_End_IR021_0_209.mat': ['209', 122_136, 1797],
    '12k_Drive_End_OR007@6_0_130.mat': ['130', 121_991, 1796],
    '12k_Drive_End_OR014@6_0_197.mat': ['197', 121_846, 1796],
    '12k_Drive_End_OR021@6_0_234.mat': ['234', 122_426, 1796],
    'normal_0_97.mat': ['097', 243_938, 1796],
  };

  it('finds the 11 files of the README', () => {
    // 10 MAT files listed above plus SHA256SUMS.
    expect(readdirSync(cwru.dir).sort()).toEqual([...Object.keys(expected), 'SHA256SUMS'].sort());
  });

  for (const [name, [no, length, rpm]] of Object.entries(expected)) {
    it(`reads ${name}`, () => {
      const file = join(cwru.dir, name);
      const mat = parseMat5(readFileSync(file), { file });
      expect(mat.header.endian).toBe('little');
      expect(mat.skipped).toEqual([]);
      const signals = name.startsWith('normal') ? ['DE', 'FE'] : ['DE', 'FE', 'BA'];
      expect(mat.variables.map((v) => v.name)).toEqual([
        ...signals.map((s) => `X${no}_${s}_time`),
        `X${no}RPM`,
      ]);
      for (const s of signals) {
        const v = getMat5Variable(mat, `X${no}_${s}_time`);
        expect(v.dims).toEqual([length, 1]);
        expect(v.data.every(Number.isFinite)).toBe(true);
      }
      expect(Array.from(getMat5Variable(mat, `X${no}RPM`).data)).toEqual([rpm]);
    });
  }
});
