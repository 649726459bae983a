import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDir, sharedDataset } from '../../../tests/helpers/datasets.js';
import { parseAi4iCsv } from './ai4i.js';
import { readAi4iFile } from './files.js';
import { FormatError } from './format-error.js';

const samplePath = join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv');
const HEADER =
  'UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],' +
  'Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF';

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('parseAi4iCsv', () => {
  it('parses the committed sample (CRLF)', () => {
    const bytes = readFileSync(samplePath);
    expect(bytes.includes('\r\n')).toBe(true);
    const rows = parseAi4iCsv(bytes, 'sample.csv');
    expect(rows.length).toBe(299);
    expect(rows[0]).toEqual({
      udi: 1,
      productId: 'M14860',
      type: 'M',
      airTemperatureK: 298.1,
      processTemperatureK: 308.6,
      rotationalSpeedRpm: 1551,
      torqueNm: 42.8,
      toolWearMin: 0,
      machineFailure: false,
      twf: false,
      hdf: false,
      pwf: false,
      osf: false,
      rnf: false,
    });
    expect(rows.at(-1)?.udi).toBe(373);
    expect(rows.filter((r) => r.machineFailure).length).toBe(9);
    expect(rows.filter((r) => r.osf).length).toBe(5);
  });

  it('handles a BOM, LF, trailing spaces and reordered or extra columns', () => {
    const text = `\uFEFF${HEADER}\r\n1,M14860,M,298.1,308.6,1551,42.8,0,0,0,0,0,0,0\r\n`;
    const withBom = parseAi4iCsv(new TextEncoder().encode(text));
    expect(withBom[0]?.udi).toBe(1);
    const columns = HEADER.split(',');
    const values = '1,M14860,M,298.1,308.6,1551,42.8,0,1,0,0,1,0,0'.split(',');
    const order = [...columns.keys()].reverse();
    const reordered =
      [...order.map((i) => columns[i]), 'note'].join(',') +
      '  \n' +
      [...order.map((i) => values[i]), 'x'].join(',') +
      '\n\n';
    expect(parseAi4iCsv(reordered)).toEqual(parseAi4iCsv(`${HEADER}\n${values.join(',')}\n`));
    expect(parseAi4iCsv(reordered)[0]).toMatchObject({ machineFailure: true, pwf: true, torqueNm: 42.8 });
  });

  it('numbers rows itself when UDI and Product ID are absent', () => {
    const header = HEADER.split(',').slice(2).join(',');
    const rows = parseAi4iCsv(`${header}\nL,298.2,308.7,1408,46.3,3,0,0,0,0,0,0\n`);
    expect(rows[0]).toMatchObject({ udi: 1, productId: null, type: 'L' });
  });

  it('rejects a missing required column, naming it', () => {
    const header = HEADER.replace(',Torque [Nm]', '');
    const err = formatError(() => parseAi4iCsv(`${header}\n`, 'ai4i.csv'));
    expect(err.message).toMatch(
      /^ai4i\.csv line 1, field "Torque \[Nm\]": missing required column "Torque \[Nm\]"/,
    );
  });

  it('rejects malformed rows with line, column and field', () => {
    const row = (s: string) => `${HEADER}\r\n1,M14860,M,298.1,308.6,1551,42.8,0,0,0,0,0,0,0\r\n${s}\r\n`;
    expect(
      formatError(() => parseAi4iCsv(row('2,L47181,L,298.2,308.7,fast,46.3,3,0,0,0,0,0,0'), 'f.csv')).message,
    ).toBe('f.csv line 3, column 6, field "Rotational speed [rpm]": expected a number, got "fast"');
    expect(formatError(() => parseAi4iCsv(row('2,L47181,L,298.2'), 'f.csv')).message).toBe(
      'f.csv line 3: expected 14 fields like the header, got 4',
    );
    expect(formatError(() => parseAi4iCsv(row('2,L47181,X,298.2,308.7,1408,46.3,3,0,0,0,0,0,0'))).field).toBe(
      'Type',
    );
    expect(formatError(() => parseAi4iCsv(row('2,L47181,L,298.2,308.7,1408,46.3,3,2,0,0,0,0,0'))).field).toBe(
      'Machine failure',
    );
    expect(formatError(() => parseAi4iCsv('')).reason).toMatch(/empty file/);
  });
});

const ai4i = sharedDataset('ai4i2020');

describe.runIf(ai4i.present)('parseAi4iCsv on the full training file', () => {
  it('reads 8,000 rows with 254 machine failures', async () => {
    const rows = await readAi4iFile(join(ai4i.dir, 'ai4i2020_train.csv'));
    expect(rows.length).toBe(8_000);
    expect(rows.filter((r) => r.machineFailure).length).toBe(254);
    const anyMode = rows.filter((r) => r.twf || r.hdf || r.pwf || r.osf || r.rnf).length;
    expect(anyMode).toBe(262);
    // The documented quirk: the label is not the OR of the mode flags in 20 rows.
    expect(rows.filter((r) => r.machineFailure !== (r.twf || r.hdf || r.pwf || r.osf || r.rnf)).length).toBe(
      20,
    );
    expect(new Set(rows.map((r) => r.udi)).size).toBe(8_000);
    expect(rows.filter((r) => r.type === 'L').length).toBe(4_794);
  });
});
