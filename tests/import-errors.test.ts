// Malformed inputs: the import stops with an error naming the file (and line), nothing of the
// failing file's batch is stored, the files before it are, and a re-run completes the import.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImportFileError } from '../src/acquisition/importers/run-import.js';
import { ImportInputError } from '../src/acquisition/importers/types.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';
import { sampleDir } from './helpers/datasets.js';
import { emptyTables, importInto, stored, tableCounts } from './import-helpers.js';

let db: TestDatabase;
let tmp: string;
// One database per file (a fresh one costs seconds); every test starts from empty tables.
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'prognos-import-errors-'));
  db = await createTestDatabase();
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db?.close();
});
beforeEach(async () => {
  await emptyTables(db);
});

function write(name: string, text: string): string {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const cmapssLines = readFileSync(join(sampleDir('cmapss-sample'), 'train_FD001_units1-3.txt'), 'utf8').split(
  '\n',
);

async function failure(p: Promise<unknown>): Promise<ImportFileError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportFileError);
  return err as ImportFileError;
}

describe(`malformed imports (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('cmapss: a bad field stops at its file; the file before it stays; a re-run completes', async () => {
    const good = write('cmapss/train_FD101.txt', cmapssLines.slice(0, 10).join('\n'));
    const badLines = cmapssLines.slice(0, 5);
    badLines[2] = badLines[2]!.replace(/^(\S+ \S+ \S+ \S+ \S+ \S+) \S+/, '$1 abc');
    const bad = write('cmapss/train_FD102.txt', badLines.join('\n'));
    const err = await failure(importInto(db, 'cmapss', [good, bad]));
    expect(err.message).toBe(`${bad} line 3, column 7: sensor 2 is not a finite number: "abc"`);
    expect(err.counts.readings).toBe(10 * 24);
    expect(await tableCounts(db)).toEqual({ assets: 1, sensors: 24, readings: 240, captures: 0, events: 0 });

    writeFileSync(bad, cmapssLines.slice(0, 5).join('\n'));
    const rerun = await importInto(db, 'cmapss', [good, bad]);
    expect(stored(rerun)).toEqual({
      assets: 1,
      sensors: 24,
      readings: 120,
      captures: 0,
      events: 0,
      duplicates: 240,
    });
  });

  it('cmapss: an error after rows were sent rolls the whole file back', async () => {
    // Unit 1 is complete (192 cycles, sent in batches of 100 readings); unit 2 repeats a cycle.
    const lines = cmapssLines.filter((l) => /^\s*[12] /.test(l)).slice(0, 200);
    lines.push(lines.at(-1)!);
    const file = write('cmapss/train_FD103.txt', lines.join('\n'));
    const err = await failure(importInto(db, 'cmapss', [file], { batchSize: 100 }));
    expect(err.message).toMatch(/train_FD103\.txt: unit 2: cycle 8 follows cycle 8; cycles must increase$/);
    expect(await tableCounts(db)).toEqual({ assets: 0, sensors: 0, readings: 0, captures: 0, events: 0 });
  });

  it('femto: a malformed acc file leaves nothing of itself; the snapshots before it are stored', async () => {
    const src = join(sampleDir('femto-sample'), 'Bearing2_7');
    const dir = join(tmp, 'femto/Bearing1_9');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(src, 'acc_00001.csv'), join(dir, 'acc_00001.csv'));
    const lines = readFileSync(join(src, 'acc_00002.csv'), 'utf8').split('\n');
    lines[99] = lines[99]!.replace(/,[^,]+$/, ',0.1x');
    writeFileSync(join(dir, 'acc_00002.csv'), lines.join('\n'));
    copyFileSync(join(src, 'temp_00001.csv'), join(dir, 'temp_00001.csv'));
    const err = await failure(importInto(db, 'femto', [dir]));
    expect(err.message).toBe(
      `${join(dir, 'acc_00002.csv')} line 100, column 6, field "vertical acceleration": expected a number, got "0.1x"`,
    );
    expect(await tableCounts(db)).toEqual({ assets: 1, sensors: 3, readings: 0, captures: 2, events: 0 });
  });

  it('femto: a file that goes back in time is refused', async () => {
    const src = join(sampleDir('femto-sample'), 'Bearing2_7');
    const dir = join(tmp, 'femto-back/Bearing1_8');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(src, 'acc_00002.csv'), join(dir, 'acc_00001.csv'));
    copyFileSync(join(src, 'acc_00001.csv'), join(dir, 'acc_00002.csv'));
    const err = await failure(importInto(db, 'femto', [dir]));
    expect(err.message).toMatch(
      /acc_00002\.csv line 1: starts at 08:40:25\.150, not after the previous file \(08:40:35\.150\)/,
    );
    expect((await tableCounts(db)).captures).toBe(2);
  });

  it('maintenance: a bad timestamp stores nothing of its file (no asset, no event)', async () => {
    const file = write(
      'azure/PdM_failures_bad.csv',
      'datetime,machineID,failure\n2015-01-05 06:00:00,7,comp4\n2015-02-30 06:00:00,7,comp1\n',
    );
    const err = await failure(importInto(db, 'maintenance', [file]));
    expect(err.message).toBe(
      `${file} line 3, column 1, field "datetime": invalid date or time "2015-02-30 06:00:00"`,
    );
    expect(await tableCounts(db)).toEqual({ assets: 0, sensors: 0, readings: 0, captures: 0, events: 0 });
  });

  it('cwru: a file that is not a MAT file names itself', async () => {
    const file = write('cwru/12k_Drive_End_B007_0_118.mat', 'not a mat file');
    const err = await failure(importInto(db, 'cwru', [file]));
    expect(err.message.startsWith(file)).toBe(true);
    expect(await tableCounts(db)).toEqual({ assets: 0, sensors: 0, readings: 0, captures: 0, events: 0 });
  });

  it('refuses paths that are missing or not of the format, before storing anything', async () => {
    await expect(importInto(db, 'ai4i', [join(tmp, 'nope.csv')])).rejects.toThrow(ImportInputError);
    const file = join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv');
    await expect(importInto(db, 'femto', [file])).rejects.toThrow(/expected a bearing folder/);
    await expect(importInto(db, 'femto', [sampleDir('cwru-sample')])).rejects.toThrow(
      /no Bearing<c>_<n> folders/,
    );
  });

  it('refuses to re-import an asset on another --base-date (it would store everything twice)', async () => {
    const file = join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv');
    await importInto(db, 'ai4i', [file]);
    const err = await failure(importInto(db, 'ai4i', [file], { baseEpochSec: Date.UTC(2020, 0, 1) / 1000 }));
    expect(err.message).toMatch(/ai4i\/milling-machine was imported with --base-date 2000-01-01/);
    expect((await tableCounts(db)).readings).toBe(1_495);
  });
});
