import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDir, sharedDataset } from '../../../tests/helpers/datasets.js';
import { readFemtoAccSnapshots, readFemtoTempFiles } from './files.js';
import {
  FEMTO_SNAPSHOT_ROWS,
  femtoBearingInfo,
  femtoElapsedSeconds,
  femtoSaturatedTemperatureRows,
  listFemtoBearingFiles,
  parseFemtoAccCsv,
  parseFemtoFileName,
  parseFemtoTempCsv,
  unwrapTimeOfDay,
  type FemtoRowIssue,
} from './femto.js';
import { FormatError } from './format-error.js';

const sample = sampleDir('femto-sample');
const read = (bearing: string, name: string) => readFileSync(join(sample, bearing, name));

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('FEMTO names and conditions', () => {
  it('maps bearing names to operating conditions', () => {
    expect(femtoBearingInfo('Bearing1_3')).toEqual({
      bearing: 'Bearing1_3',
      bearingNumber: 3,
      condition: 1,
      rpm: 1800,
      radialLoadN: 4000,
    });
    expect(femtoBearingInfo('/data/femto/Full_Test_Set/Bearing2_7/')).toMatchObject({
      condition: 2,
      rpm: 1650,
      radialLoadN: 4200,
    });
    expect(femtoBearingInfo('Learning_set\\Bearing3_1')).toMatchObject({
      condition: 3,
      rpm: 1500,
      radialLoadN: 5000,
    });
    expect(() => femtoBearingInfo('Bearing4_1')).toThrow(FormatError);
    expect(() => femtoBearingInfo('Bearing2')).toThrow(/not a PRONOSTIA bearing name/);
  });

  it('lists a folder in index order, ignoring other files and reporting gaps', () => {
    const files = listFemtoBearingFiles([
      'temp_00002.csv',
      'acc_00010.csv',
      'acc_00002.csv',
      'README',
      'acc_00001.csv',
    ]);
    expect(files.acc.map((f) => f.index)).toEqual([1, 2, 10]);
    expect(files.temp.map((f) => f.name)).toEqual(['temp_00002.csv']);
    expect(files.gaps).toEqual({ acc: [3, 4, 5, 6, 7, 8, 9], temp: [1] });
    expect(parseFemtoFileName('acc_00001.csv.bak')).toBeNull();
    expect(() => listFemtoBearingFiles(['acc_1.csv', 'acc_001.csv'])).toThrow(/duplicate acc file index 1/);
  });
});

describe('parseFemtoAccCsv', () => {
  it('parses a committed Bearing2_7 snapshot', () => {
    const s = parseFemtoAccCsv(read('Bearing2_7', 'acc_00001.csv'), 'acc_00001.csv');
    expect(s.horizontal.length).toBe(FEMTO_SNAPSHOT_ROWS);
    expect(s.vertical.length).toBe(FEMTO_SNAPSHOT_ROWS);
    expect(s.timeSec[0]).toBeCloseTo(8 * 3600 + 40 * 60 + 25 + 0.15004, 9);
    expect(s.horizontal[0]).toBeCloseTo(0.613, 6);
    expect(s.vertical[0]).toBeCloseTo(0.188, 6);
    // 2,560 rows at 25.6 kHz span 0.1 s.
    expect(s.timeSec[2559]! - s.timeSec[0]!).toBeCloseTo(0.1, 3);
  });

  it('gives the same values for `;` separators, CRLF, a BOM and trailing spaces', () => {
    const text = read('Bearing3_1', 'acc_00001.csv').toString('utf8');
    const plain = parseFemtoAccCsv(text);
    const variant = '\uFEFF' + text.replaceAll(',', ';').replaceAll('\n', '  \r\n');
    const parsed = parseFemtoAccCsv(new TextEncoder().encode(variant));
    expect(parsed).toEqual(plain);
    expect(parseFemtoAccCsv('9;10;39;1,1879e+05;0,338;-0,263\n').horizontal[0]).toBeCloseTo(0.338, 6);
  });

  it('keeps time monotonic across midnight', () => {
    const s = parseFemtoAccCsv('23,59,59,9.9996e+05,0.1,0.2\n0,0,0,2.0e+01,0.3,0.4\n');
    expect(s.timeSec[0]).toBeCloseTo(86_399.99996, 6);
    expect(s.timeSec[1]).toBeCloseTo(86_400.00002, 6);
    expect(Array.from(femtoElapsedSeconds([86_390, 86_400 - 0.5, 9.5, 19.5]))).toEqual([0, 9.5, 19.5, 29.5]);
    expect(Array.from(unwrapTimeOfDay([10, 20, 15]))).toEqual([10, 20, 15]);
  });

  it('rejects malformed rows with file, line and column', () => {
    expect(
      formatError(() =>
        parseFemtoAccCsv('9,10,39,1.1879e+05,0.338,-0.263\n9,10,39,1.1883e+05,abc,0.285\n', 'a.csv'),
      ).message,
    ).toBe('a.csv line 2, column 5, field "horizontal acceleration": expected a number, got "abc"');
    expect(formatError(() => parseFemtoAccCsv('9,10,39,1.1879e+05,0.338\n', 'b.csv')).message).toMatch(
      /^b\.csv line 1: expected 6 fields separated by ",", got 5/,
    );
    expect(formatError(() => parseFemtoAccCsv('9,10,39,1.1879e+05,0.338,\n')).field).toBe(
      'vertical acceleration',
    );
    expect(formatError(() => parseFemtoAccCsv('25,10,39,1.1879e+05,0.338,0.1\n')).reason).toMatch(
      /hour 25 out of range/,
    );
    expect(formatError(() => parseFemtoAccCsv('9,10,39,1.5e+06,0.338,0.1\n')).field).toBe('microsecond');
    expect(formatError(() => parseFemtoAccCsv('\r\n\n', 'empty.csv')).message).toBe(
      'empty.csv: empty vibration file',
    );
    expect(() => parseFemtoAccCsv(new Uint8Array([0x39, 0xff, 0x0a]), 'bin.csv')).toThrow(
      /bin\.csv: not valid UTF-8/,
    );
  });
});

describe('tolerant read (issues array): one odd field costs at most its row', () => {
  // Crafted rows, each with one oddity met in PRONOSTIA-like exports; the first two are clean.
  const ok = '9;10;39;1,1879e+05;0,338;-0,263\n9;10;39;1,1883e+05;0,1;0,2\n';

  it('reads a microsecond count of 1,000,000 as the next second and flags it', () => {
    const issues: FemtoRowIssue[] = [];
    const s = parseFemtoAccCsv(`${ok}9;10;39;1000000;0,5;0,6\n9;10;40;3,9e+01;0,7;0,8\n`, 'us.csv', issues);
    expect(s.horizontal.length).toBe(4);
    expect(s.timeSec[2]).toBeCloseTo(9 * 3600 + 10 * 60 + 40, 9);
    expect(s.horizontal[2]).toBeCloseTo(0.5, 6);
    expect(issues).toEqual([
      {
        file: 'us.csv',
        line: 3,
        field: 'microsecond',
        reason: 'microsecond 1000000 out of range 0-999999',
        action: 'time-carried',
      },
    ]);
    // The strict read still refuses it.
    expect(() => parseFemtoAccCsv(`${ok}9;10;39;1000000;0,5;0,6\n`)).toThrow(
      /microsecond 1000000 out of range/,
    );
  });

  it('drops a row with an unreadable acceleration or a missing field, keeps the rest', () => {
    const issues: FemtoRowIssue[] = [];
    const s = parseFemtoAccCsv(
      `${ok}9;10;39;1,19e+05;abc;0,1\n9;10;39;1,2e+05;0,3\n9;10;39;1,21e+05;4.2504e+00;0,9\n`,
      'acc.csv',
      issues,
    );
    expect(Array.from(s.horizontal)).toEqual([0.338, 0.1, 4.2504].map(Math.fround));
    expect(issues.map((i) => [i.line, i.field, i.action])).toEqual([
      [3, 'horizontal acceleration', 'dropped'],
      [4, undefined, 'dropped'],
    ]);
  });

  it('estimates the time of a row whose clock field is unreadable or far out of range', () => {
    const issues: FemtoRowIssue[] = [];
    const s = parseFemtoAccCsv(
      `9,10,39,10,0.1,0.2\n9,10,x,50,0.3,0.4\n9,10,39,5e+06,0.5,0.6\n`,
      'c.csv',
      issues,
    );
    expect(s.vertical.length).toBe(3);
    // One 25.6 kHz period after the previous row.
    expect(s.timeSec[1]! - s.timeSec[0]!).toBeCloseTo(1 / 25_600, 10);
    expect(s.timeSec[2]! - s.timeSec[1]!).toBeCloseTo(1 / 25_600, 10);
    expect(issues.map((i) => [i.line, i.field, i.action])).toEqual([
      [2, 'second', 'time-estimated'],
      [3, 'microsecond', 'time-estimated'],
    ]);
  });

  it('reads temperature files the same way, and a file with no readable row is still an error', () => {
    const issues: FemtoRowIssue[] = [];
    const t = parseFemtoTempCsv(
      '09;11;37;6;67.094\n09;11;37;10;67.1\n09;11;38;1;6.71e+01;9\n',
      't.csv',
      issues,
    );
    expect(Array.from(t.celsius)).toEqual([Math.fround(67.094), Math.fround(67.1)]);
    expect(t.timeSec[1]).toBeCloseTo(9 * 3600 + 11 * 60 + 38, 9);
    expect(issues.map((i) => i.action)).toEqual(['time-carried', 'dropped']);
    expect(formatError(() => parseFemtoAccCsv('a;b\n', 'bad.csv', [])).message).toBe(
      'bad.csv: no readable row in the vibration file',
    );
  });
});

describe('parseFemtoTempCsv', () => {
  it('parses CRLF test-set files, shows the 1254 °C saturation, and a short last file', () => {
    const first = parseFemtoTempCsv(read('Bearing2_7', 'temp_00001.csv'), 'temp_00001.csv');
    expect(first.celsius.length).toBe(600);
    expect(first.timeSec[0]).toBeCloseTo(8 * 3600 + 41 * 60 + 21 + 0.6, 9);
    expect(first.celsius[0]).toBeCloseTo(207.924, 3);
    expect(femtoSaturatedTemperatureRows(first).length).toBe(44);
    const last = parseFemtoTempCsv(read('Bearing2_7', 'temp_00038.csv'));
    expect(last.celsius.length).toBe(137);
    expect(femtoSaturatedTemperatureRows(last)).toEqual([]);
  });

  it('parses LF learning-set files', () => {
    const last = parseFemtoTempCsv(read('Bearing3_1', 'temp_00089.csv'));
    expect(last.celsius.length).toBe(280);
    expect(last.celsius[279]).toBeCloseTo(107.983, 3);
    // 10 Hz: consecutive readings 0.1 s apart.
    expect(last.timeSec[1]! - last.timeSec[0]!).toBeCloseTo(0.1, 9);
  });

  it('rejects malformed rows', () => {
    expect(
      formatError(() => parseFemtoTempCsv('09;11;37;6;67.094\n09;11;37;x;67.094\n', 't.csv')).message,
    ).toBe('t.csv line 2, column 4, field "tenth of second": expected a number, got "x"');
    expect(formatError(() => parseFemtoTempCsv('09;11;37;6\n')).reason).toMatch(/expected 5 fields/);
    expect(formatError(() => parseFemtoTempCsv('09;11;37;12;67.0\n')).reason).toMatch(/tenth of second 12/);
  });
});

const femto = sharedDataset('femto');

describe.runIf(femto.present)('FEMTO full bearing runs', () => {
  const runs = [
    { dir: 'Learning_set/Bearing3_1', acc: 515, temp: 89, tempRows: 52_897, saturated: 0, condition: 3 },
    { dir: 'Full_Test_Set/Bearing2_7', acc: 230, temp: 38, tempRows: 22_337, saturated: 82, condition: 2 },
  ];
  for (const run of runs) {
    it(`reads every file of ${run.dir}`, async () => {
      const dir = join(femto.dir, run.dir);
      expect(femtoBearingInfo(dir).condition).toBe(run.condition);
      const files = listFemtoBearingFiles(readdirSync(dir));
      expect(files.acc.length).toBe(run.acc);
      expect(files.temp.length).toBe(run.temp);
      expect(files.gaps).toEqual({ acc: [], temp: [] });
      const starts: number[] = [];
      for await (const { snapshot } of readFemtoAccSnapshots(dir)) {
        expect(snapshot.horizontal.length).toBe(FEMTO_SNAPSHOT_ROWS);
        starts.push(snapshot.timeSec[0]!);
      }
      expect(starts.length).toBe(run.acc);
      // One snapshot every 10 s, without interruption in these two runs.
      const elapsed = femtoElapsedSeconds(starts);
      expect(elapsed.at(-1)).toBeCloseTo((run.acc - 1) * 10, 6);
      let rows = 0;
      let saturated = 0;
      for await (const { series } of readFemtoTempFiles(dir)) {
        rows += series.celsius.length;
        saturated += femtoSaturatedTemperatureRows(series).length;
      }
      expect(rows).toBe(run.tempRows);
      expect(saturated).toBe(run.saturated);
    });
  }
});
