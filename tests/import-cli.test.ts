// `prognos import`: argument parsing, and the command end to end in a child process (progress
// lines on a non-TTY stderr, one JSON summary line on stdout, exit codes).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/command.js';
import { parseImportArgs, summaryLine } from '../src/cli/import.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';
import { repoRoot, sampleDir } from './helpers/datasets.js';
import { BASE } from './import-helpers.js';

describe('parseImportArgs', () => {
  it('reads the format, the paths and the options', () => {
    expect(
      parseImportArgs([
        'femto',
        'a',
        'b',
        '--site',
        'lab',
        '--asset-prefix',
        'rig/1',
        '--batch',
        '5000',
        '--base-date',
        '2012-03-01',
      ]),
    ).toEqual({
      format: 'femto',
      paths: ['a', 'b'],
      options: {
        site: 'lab',
        assetPrefix: 'rig/1',
        batchSize: 5000,
        baseEpochSec: Date.UTC(2012, 2, 1) / 1000,
        captureSeconds: 1,
      },
    });
    expect(parseImportArgs(['cwru', 'x.mat']).options).toEqual({
      site: null,
      assetPrefix: null,
      batchSize: 10_000,
      baseEpochSec: BASE,
      captureSeconds: 1,
    });
  });

  it.each([
    [[], /a format is required/],
    [['parquet', 'x'], /unknown format "parquet"/],
    [['ai4i'], /at least one file or folder/],
    [['ai4i', 'x', '--batch', '0'], /--batch must be an integer/],
    [['ai4i', 'x', '--base-date', '2015-02-30'], /--base-date must be a date/],
    [['cwru', 'x', '--capture-seconds', '0'], /--capture-seconds must be a number > 0/],
    [['ai4i', 'x', '--asset-prefix', 'a b'], /--asset-prefix must be/],
    [['ai4i', 'x', '--nope'], /Unknown option '--nope'/],
  ])('refuses %j', (args, message) => {
    expect(() => parseImportArgs(args)).toThrow(UsageError);
    expect(() => parseImportArgs(args)).toThrow(message);
  });

  it('prints the summary keys in a fixed order', () => {
    const line = summaryLine({
      rows_per_s: 5,
      seconds: 1,
      duplicates: 0,
      events: 0,
      captures: 0,
      readings: 5,
      sensors: 1,
      assets: 1,
      format: 'ai4i',
    });
    expect(line).toBe(
      '{"format":"ai4i","assets":1,"sensors":1,"readings":5,"captures":0,"events":0,"duplicates":0,"seconds":1,"rows_per_s":5}',
    );
  });
});

describe(`prognos import, end to end (${DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'})`, () => {
  let db: TestDatabase | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, PROGNOS_DATA_DIR: 'memory://', LOG_LEVEL: 'silent' };
  beforeAll(async () => {
    if (DATABASE_URL) {
      db = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = db.url;
    } else delete env.DATABASE_URL;
  });
  afterAll(async () => {
    await db?.close();
  });

  const prognos = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, 'bin/prognos.js'), 'import', ...args], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('imports, logs progress lines on stderr and prints one JSON line on stdout', () => {
    const r = prognos('ai4i', join(sampleDir('ai4i2020-sample'), 'ai4i2020_train_head300.csv'));
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary)).toEqual([
      'format',
      'assets',
      'sensors',
      'readings',
      'captures',
      'events',
      'duplicates',
      'seconds',
      'rows_per_s',
    ]);
    expect(summary).toMatchObject({
      format: 'ai4i',
      assets: 1,
      sensors: 5,
      readings: 1_495,
      captures: 0,
      events: 9,
    });
    expect(r.stderr).toMatch(/^import ai4i: 1 file\(s\) to import\n/);
    expect(r.stderr).toMatch(/import ai4i: 1\/1 files, 1,504 rows, [\d,]+ rows\/s\n$/);
  });

  it('exits 1 naming a path that is missing, 2 on a usage error', () => {
    const missing = prognos('maintenance', join(sampleDir('azure-pdm-sample'), 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/prognos import: .*nope\.csv: no such file or folder/);
    expect(missing.stdout).toBe('');
    const usage = prognos('nope');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/Usage: prognos import </);
  });
});
