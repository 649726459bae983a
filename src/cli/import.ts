import type { Writable } from 'node:stream';
import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { FormatError } from '../acquisition/formats/format-error.js';
import { createProgress } from '../acquisition/importers/progress.js';
import { executeImport, ImportFileError, planImport } from '../acquisition/importers/run-import.js';
import { parseBaseDate } from '../acquisition/importers/time-axis.js';
import {
  DEFAULT_BASE_DATE,
  DEFAULT_BATCH_SIZE,
  IMPORT_FORMATS,
  ImportInputError,
  type ImportFormat,
  type ImportOptions,
  type ImportSummary,
} from '../acquisition/importers/types.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE =
  `prognos import <${IMPORT_FORMATS.join('|')}> <path...> [--site S] [--asset-prefix P] [--batch N]` +
  ` [--base-date YYYY-MM-DD] [--capture-seconds S]`;

/**
 * `prognos import`: bulk-loads dataset files into the configured database (PostgreSQL with
 * DATABASE_URL, the embedded PGlite otherwise). Progress on stderr; one JSON summary line on
 * stdout. Exit 1 when a file fails: the files before it are stored and re-running is safe.
 */
export const importCommand: Command = {
  name: 'import',
  summary: 'Bulk-import dataset files: C-MAPSS, FEMTO, CWRU, AI4I 2020, maintenance records (CSV)',
  usage: USAGE,
  run: (args) => runImportCommand(args, { stdout: process.stdout, stderr: process.stderr }),
};

export interface ImportArgs {
  format: ImportFormat;
  paths: string[];
  options: ImportOptions;
}

export function parseImportArgs(args: string[]): ImportArgs {
  const parsed = parseFlags({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      'asset-prefix': { type: 'string' },
      batch: { type: 'string' },
      'base-date': { type: 'string', default: DEFAULT_BASE_DATE },
      'capture-seconds': { type: 'string', default: '1' },
    },
  });
  const { values, positionals } = parsed;
  const [format, ...paths] = positionals;
  if (!format) throw new UsageError('a format is required');
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}" (expected ${IMPORT_FORMATS.join(', ')})`);
  }
  if (paths.length === 0) throw new UsageError('at least one file or folder is required');
  const batch = values.batch === undefined ? DEFAULT_BATCH_SIZE : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) {
    throw new UsageError(`--batch must be an integer from 1 to 1000000, got ${values.batch}`);
  }
  const captureSeconds = Number(values['capture-seconds']);
  if (!Number.isFinite(captureSeconds) || captureSeconds <= 0) {
    throw new UsageError(`--capture-seconds must be a number > 0, got ${values['capture-seconds']}`);
  }
  const prefix = values['asset-prefix'];
  if (prefix !== undefined && !/^[\w.-]+(\/[\w.-]+)*$/.test(prefix)) {
    throw new UsageError(`--asset-prefix must be letters, digits, . _ - and /, got "${prefix}"`);
  }
  let baseEpochSec;
  try {
    baseEpochSec = parseBaseDate(values['base-date']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    format: format as ImportFormat,
    paths,
    options: {
      site: values.site ?? null,
      assetPrefix: prefix ?? null,
      batchSize: batch,
      baseEpochSec,
      captureSeconds,
    },
  };
}

async function runImportCommand(
  args: string[],
  io: { stdout: Writable; stderr: Writable & { isTTY?: boolean } },
): Promise<number> {
  const { format, paths, options } = parseImportArgs(args);
  const config = loadConfig();
  let database: Database | undefined;
  try {
    // Paths are checked before the database is opened: a typo fails at once.
    const plan = await planImport(format, paths, options);
    database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
    await migrate(database.db);
    const summary = await executeImport(database, plan, {
      progress: createProgress(`import ${format}`, io.stderr),
      // Marks only: this process has no job queue of its own; the server's or worker's
      // refresh-pending sweep takes the imported assets through the live loop within minutes.
      ...(config.liveLoop.enabled ? { ingestHook: { stored: () => {} } } : {}),
    });
    io.stdout.write(`${summaryLine(summary)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ImportInputError || err instanceof FormatError) {
      io.stderr.write(`prognos import: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ImportFileError) {
      const c = err.counts;
      io.stderr.write(
        `prognos import: ${err.message}\nNothing of ${err.path} was stored` +
          (err.batchStart === err.path ? '' : `, nor of the files of its batch from ${err.batchStart} on`) +
          `. The files before ${err.batchStart === err.path ? 'it' : 'those'} were` +
          ` (${c.readings} readings, ${c.captures} captures, ${c.events} events); running the same` +
          ` import again after fixing the file stores nothing twice.\n`,
      );
      return 1;
    }
    throw err;
  } finally {
    await database?.close();
  }
}

/** The summary as one JSON line, keys in a fixed order. */
export function summaryLine(s: ImportSummary): string {
  const { format, assets, sensors, readings, captures, events, duplicates, seconds, rows_per_s } = s;
  return JSON.stringify({
    format,
    assets,
    sensors,
    readings,
    captures,
    events,
    duplicates,
    seconds,
    rows_per_s,
  });
}
