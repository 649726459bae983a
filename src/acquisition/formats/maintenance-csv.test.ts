import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDir, sharedDataset } from '../../../tests/helpers/datasets.js';
import { readMachinesFile, readMaintenanceFile } from './files.js';
import { FormatError } from './format-error.js';
import { parseMachinesCsv, parseMaintenanceCsv, parseTimestamp } from './maintenance-csv.js';

const sample = sampleDir('azure-pdm-sample');

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('parseTimestamp', () => {
  it('reads the Azure format, ISO 8601 and US-style stamps (UTC unless a zone is given)', () => {
    expect(parseTimestamp('2015-01-05 06:00:00').toISOString()).toBe('2015-01-05T06:00:00.000Z');
    expect(parseTimestamp('2015-01-05T06:00:00.25Z').toISOString()).toBe('2015-01-05T06:00:00.250Z');
    expect(parseTimestamp('2015-01-05T06:00+02:00').toISOString()).toBe('2015-01-05T04:00:00.000Z');
    expect(parseTimestamp('2015-01-05T06:00:00-0530').toISOString()).toBe('2015-01-05T11:30:00.000Z');
    expect(parseTimestamp('2015-01-05').toISOString()).toBe('2015-01-05T00:00:00.000Z');
    expect(parseTimestamp('1/5/2015 6:00:00 PM').toISOString()).toBe('2015-01-05T18:00:00.000Z');
    expect(parseTimestamp('1/5/2015 12:00:00 AM').toISOString()).toBe('2015-01-05T00:00:00.000Z');
  });

  it('rejects impossible or unknown stamps', () => {
    for (const bad of [
      '2015-02-30 06:00:00',
      '2015-01-05 24:00:00',
      '2015-13-01',
      '05.01.2015',
      '',
      '13/1/2015 1:00 PM',
    ]) {
      expect(() => parseTimestamp(bad, { field: 'datetime' }), bad).toThrow(FormatError);
    }
  });
});

describe('parseMaintenanceCsv on the committed samples', () => {
  it('reads replacements, failures and errors by header', () => {
    const maint = parseMaintenanceCsv(readFileSync(join(sample, 'PdM_maint_head200.csv')));
    expect(maint.length).toBe(199);
    expect(maint[0]).toEqual({
      at: new Date('2014-06-01T06:00:00Z'),
      assetRef: '1',
      component: 'comp2',
      code: null,
      kind: 'replacement',
    });
    const failures = parseMaintenanceCsv(readFileSync(join(sample, 'PdM_failures_head200.csv')));
    expect(failures.length).toBe(199);
    expect(failures[0]).toMatchObject({ kind: 'failure', component: 'comp4', assetRef: '1' });
    const errors = parseMaintenanceCsv(readFileSync(join(sample, 'PdM_errors_head200.csv')));
    expect(errors.length).toBe(199);
    expect(errors[0]).toEqual({
      at: new Date('2015-01-03T07:00:00Z'),
      assetRef: '1',
      component: null,
      code: 'error1',
      kind: 'error',
    });
    const machines = parseMachinesCsv(readFileSync(join(sample, 'PdM_machines.csv')));
    expect(machines.length).toBe(100);
    expect(machines[0]).toEqual({ assetRef: '1', model: 'model3', ageYears: 18 });
  });

  it('accepts reordered columns, quotes, CRLF, a BOM and ISO stamps', () => {
    const text = '\uFEFFmachineID,"comp",DateTime\r\n"7",comp1,2015-03-01T06:00:00Z\r\n';
    expect(parseMaintenanceCsv(text)).toEqual([
      {
        at: new Date('2015-03-01T06:00:00Z'),
        assetRef: '7',
        component: 'comp1',
        code: null,
        kind: 'replacement',
      },
    ]);
  });

  it('rejects unknown or ambiguous headers and malformed rows, naming the place', () => {
    expect(formatError(() => parseMaintenanceCsv('datetime,machineID,part\n', 'm.csv')).message).toMatch(
      /^m\.csv line 1: not a maintenance-record header/,
    );
    expect(formatError(() => parseMaintenanceCsv('datetime,machineID,comp,failure\n')).reason).toMatch(
      /ambiguous/,
    );
    expect(formatError(() => parseMaintenanceCsv('datetime,comp\n', 'm.csv')).message).toMatch(
      /^m\.csv line 1, field "machineID": missing required column "machineID"/,
    );
    const body = 'datetime,machineID,failure\n2015-01-05 06:00:00,1,comp4\n';
    expect(formatError(() => parseMaintenanceCsv(`${body}2015-01-05 6h,1,comp4\n`, 'f.csv')).message).toMatch(
      /^f\.csv line 3, column 1, field "datetime": expected a timestamp/,
    );
    expect(formatError(() => parseMaintenanceCsv(`${body}2015-01-05 06:00:00,1\n`, 'f.csv')).message).toBe(
      'f.csv line 3: expected 3 fields like the header, got 2',
    );
    expect(formatError(() => parseMaintenanceCsv(`${body}2015-01-05 06:00:00,,comp4\n`)).field).toBe(
      'machineID',
    );
    expect(formatError(() => parseMachinesCsv('machineID,model,age\n1,model3,old\n')).field).toBe('age');
  });
});

const azure = sharedDataset('azure_pdm');

describe.runIf(azure.present)('parseMaintenanceCsv on the full Azure files', () => {
  it('counts 3,286 replacements, 761 failures and 3,919 errors over 100 machines', async () => {
    const maint = await readMaintenanceFile(join(azure.dir, 'PdM_maint.csv'));
    const failures = await readMaintenanceFile(join(azure.dir, 'PdM_failures.csv'));
    const errors = await readMaintenanceFile(join(azure.dir, 'PdM_errors.csv'));
    const machines = await readMachinesFile(join(azure.dir, 'PdM_machines.csv'));
    expect(maint.length).toBe(3_286);
    expect(failures.length).toBe(761);
    expect(errors.length).toBe(3_919);
    expect(machines.length).toBe(100);
    expect(new Set(maint.map((e) => e.kind))).toEqual(new Set(['replacement']));
    expect(new Set(failures.map((e) => e.kind))).toEqual(new Set(['failure']));
    expect(new Set(errors.map((e) => e.code))).toEqual(
      new Set(['error1', 'error2', 'error3', 'error4', 'error5']),
    );
    const assets = new Set([...maint, ...failures, ...errors].map((e) => e.assetRef));
    expect(assets.size).toBe(100);
    expect(new Set(failures.map((e) => e.assetRef)).size).toBe(98);
    expect(assets).toEqual(new Set(machines.map((m) => m.assetRef)));
    expect(failures.filter((e) => e.component === 'comp2').length).toBe(259);
    expect(maint[0]?.at.toISOString()).toBe('2014-06-01T06:00:00.000Z');
  });
});
