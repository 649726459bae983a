/**
 * Runs one bulk import: plans the files, then reads and parses them one at a time and writes
 * them on a dedicated session, several small files to a transaction (a batch: until it holds
 * `batchSize` readings and events or 200 captures; a big file is a batch of its own). The next
 * file is read while the current one is written (at most two in memory). A file that fails to
 * parse commits the batch before it and stops the import; a failure while writing rolls back
 * its whole batch. Either way, running the same import again completes it without storing
 * anything twice.
 */
import type { Database } from '../../db/database.js';
import { FormatError } from '../formats/format-error.js';
import { ai4iImporter } from './ai4i.js';
import { BulkWriter } from './bulk-writer.js';
import { cmapssImporter } from './cmapss.js';
import { cwruImporter } from './cwru.js';
import { femtoImporter } from './femto.js';
import type { IngestHook } from '../ingest-hook.js';
import type { ImportCounts } from './import-counts.js';
import { maintenanceImporter } from './maintenance.js';
import type { ReadingsMethod } from './series-writer.js';
import { withSqlSession } from '../../db/sql-session.js';
import type {
  FormatImporter,
  ImportContext,
  ImportFormat,
  ImportOptions,
  ImportProgress,
  ImportSummary,
  ImportTask,
} from './types.js';

const IMPORTERS: Record<ImportFormat, FormatImporter> = {
  cmapss: cmapssImporter,
  femto: femtoImporter,
  cwru: cwruImporter,
  ai4i: ai4iImporter,
  maintenance: maintenanceImporter,
};

export interface RunImportDeps {
  progress?: ImportProgress;
  /** How readings are sent; PostgreSQL only for 'copy-stage'. Default 'unnest'. */
  method?: ReadingsMethod;
  /** The live loop (ingest-hook.ts); unset = the import marks nothing. */
  ingestHook?: IngestHook;
}

const CAPTURES_PER_TRANSACTION = 200;

/**
 * A file that could not be imported. Nothing from `batchStart` (the first file of its batch,
 * often the file itself) onwards was stored; what the files before stored is in `counts`.
 */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly path: string,
    readonly counts: ImportCounts,
    cause: unknown,
    readonly batchStart: string = path,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // Format errors already start with the file and line.
    super(cause instanceof FormatError ? reason : `${path}: ${reason}`, { cause });
  }
}

export interface ImportPlan {
  format: ImportFormat;
  options: ImportOptions;
  tasks: ImportTask[];
  /** performance.now() when planning began: the summary's time includes it. */
  started: number;
}

/** Checks the paths and lists the files, without touching the database. */
export async function planImport(
  format: ImportFormat,
  paths: string[],
  options: ImportOptions,
): Promise<ImportPlan> {
  const started = performance.now();
  return { format, options, tasks: await IMPORTERS[format].plan(paths, options), started };
}

export async function runImport(
  database: Database,
  format: ImportFormat,
  paths: string[],
  options: ImportOptions,
  deps: RunImportDeps = {},
): Promise<ImportSummary> {
  return executeImport(database, await planImport(format, paths, options), deps);
}

export async function executeImport(
  database: Database,
  plan: ImportPlan,
  deps: RunImportDeps = {},
): Promise<ImportSummary> {
  const { format, options, tasks, started } = plan;
  const progress = deps.progress;
  progress?.start(tasks.length);
  try {
    const counts = await withSqlSession(database, async (session) => {
      const writer = new BulkWriter(session, {
        batchSize: options.batchSize,
        ...(deps.method ? { method: deps.method } : {}),
        ingestHook: deps.ingestHook,
        ...(progress ? { onRows: (n: number) => progress.rows(n) } : {}),
      });
      const ctx: ImportContext = { writer, options };
      let batchStart: string | null = null;
      let next = tasks[0] ? settled(tasks[0].load()) : null;
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i]!;
        let write;
        try {
          write = await next!;
        } catch (err) {
          if (batchStart !== null) {
            // The files before this one are whole: store them, then report this one.
            try {
              await writer.commit();
            } catch (commitErr) {
              await writer.rollback();
              throw new ImportFileError(tasks[i - 1]!.path, { ...writer.counts }, commitErr, batchStart);
            }
          }
          throw new ImportFileError(task.path, { ...writer.counts }, err);
        }
        next = tasks[i + 1] ? settled(tasks[i + 1]!.load()) : null;
        try {
          if (batchStart === null) {
            await writer.begin();
            batchStart = task.path;
          }
          await write(ctx);
          const { rows, captures } = writer.pending;
          if (rows >= options.batchSize || captures >= CAPTURES_PER_TRANSACTION || i === tasks.length - 1) {
            await writer.commit();
            batchStart = null;
          }
        } catch (err) {
          await writer.rollback();
          throw new ImportFileError(task.path, { ...writer.counts }, err, batchStart ?? task.path);
        }
        progress?.fileDone(task.path);
      }
      return writer.counts;
    });
    const seconds = (performance.now() - started) / 1000;
    const handled = counts.readings + counts.captures + counts.events + counts.duplicates;
    return {
      format,
      ...counts,
      seconds: Math.round(seconds * 1000) / 1000,
      rows_per_s: seconds > 0 ? Math.round(handled / seconds) : 0,
    };
  } finally {
    progress?.stop();
  }
}

/** The same promise, marked handled: a read-ahead that fails is reported when its turn comes. */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}
