import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CmapssFormatError, cmapssUnits, parseCmapss, parseCmapssRul, trainRulTargets } from './cmapss.js';
import { FormatError } from './format-error.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const sampleDir = `${repoRoot}datasets/cmapss-sample/`;
const fullDir = `${repoRoot}../shared/datasets/cmapss/`;
const read = (path: string): string => readFileSync(path, 'utf8');

describe('parseCmapss on the committed sample', () => {
  const train = parseCmapss(read(`${sampleDir}train_FD001_units1-3.txt`));
  const test = parseCmapss(read(`${sampleDir}test_FD001_units1-3.txt`));

  it('reads every row of the three engines', () => {
    expect(train).toHaveLength(192 + 287 + 179);
    expect(test).toHaveLength(206);
    expect(cmapssUnits(train)).toEqual([1, 2, 3]);
    expect(cmapssUnits(test)).toEqual([1, 2, 3]);
  });

  it('maps columns to unit, cycle, settings and sensors', () => {
    const first = train[0];
    expect(first).toEqual({
      unit: 1,
      cycle: 1,
      settings: [-0.0007, -0.0004, 100],
      sensors: [
        518.67, 641.82, 1589.7, 1400.6, 14.62, 21.61, 554.36, 2388.06, 9046.19, 1.3, 47.47, 521.66, 2388.02,
        8138.62, 8.4195, 0.03, 392, 2388, 100, 39.06, 23.419,
      ],
    });
  });

  it('reads the RUL file', () => {
    expect(parseCmapssRul(read(`${sampleDir}RUL_FD001_units1-3.txt`))).toEqual([112, 98, 69]);
  });
});

describe('parseCmapss tolerance and errors', () => {
  const line = (unit: number, cycle: number): string =>
    `${unit} ${cycle} 0.1 0.2 100.0 ${Array.from({ length: 21 }, (_, i) => i + 0.5).join(' ')}`;

  it('accepts CRLF, tabs, trailing spaces and blank lines', () => {
    const text = `${line(1, 1)}  \r\n${line(1, 2)}\t\r\n\r\n${line(2, 1)}  \r\n`;
    const rows = parseCmapss(text);
    expect(rows.map((r) => [r.unit, r.cycle])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(rows[2]?.sensors[20]).toBe(20.5);
    expect(parseCmapssRul('112 \r\n98\r\n\r\n')).toEqual([112, 98]);
  });

  it('names the line and column of a non-numeric field', () => {
    const bad = line(1, 2).replace(' 3.5 ', ' x ');
    try {
      parseCmapss(`${line(1, 1)}\n${bad}\n`, 'train_FD009.txt');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FormatError);
      expect(error).toBeInstanceOf(CmapssFormatError);
      const e = error as FormatError;
      expect(e.line).toBe(2);
      expect(e.column).toBe(9);
      expect(e.field).toBe('sensor 4');
      expect(e.message).toMatch(
        /^train_FD009.txt line 2, column 9, field "sensor 4": sensor 4 is not a finite/,
      );
    }
  });

  it('names the line of a short row and rejects a bad cycle', () => {
    expect(() => parseCmapss(`${line(1, 1)}\n1 2 0.1 0.2\n`)).toThrow(/line 2, column 5: expected 26 fields/);
    expect(() => parseCmapss(line(1, 0))).toThrow(/^line 1, column 2: cycle must be a positive integer/);
    expect(() => parseCmapssRul('12\n-3\n')).toThrow(/line 2, column 1/);
  });
});

describe('trainRulTargets', () => {
  it('counts down to 0 at the last cycle of each unit and caps', () => {
    const rows = [
      { unit: 1, cycle: 1 },
      { unit: 1, cycle: 2 },
      { unit: 1, cycle: 3 },
      { unit: 2, cycle: 1 },
      { unit: 2, cycle: 2 },
    ];
    expect(trainRulTargets(rows, 1)).toEqual([1, 1, 0, 1, 0]);
    expect(trainRulTargets(rows)).toEqual([2, 1, 0, 1, 0]);
  });
});

const haveFull = existsSync(`${fullDir}train_FD001.txt`);
if (!haveFull) console.info(`cmapss full-data tests skipped: ${fullDir} not found`);

describe.runIf(haveFull)('parseCmapss on the full data set (../shared/datasets)', () => {
  it('counts rows and engines of FD001 and FD002', () => {
    const train = parseCmapss(read(`${fullDir}train_FD001.txt`));
    const test = parseCmapss(read(`${fullDir}test_FD001.txt`));
    const rul = parseCmapssRul(read(`${fullDir}RUL_FD001.txt`));
    expect(train).toHaveLength(20_631);
    expect(cmapssUnits(train)).toHaveLength(100);
    expect(test).toHaveLength(13_096);
    expect(cmapssUnits(test)).toHaveLength(100);
    expect(rul).toHaveLength(100);
    const fd002 = parseCmapss(read(`${fullDir}train_FD002.txt`));
    expect(fd002).toHaveLength(53_759);
    expect(cmapssUnits(fd002)).toHaveLength(260);
  });
});
