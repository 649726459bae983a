/**
 * Runs one bulk import: plans the files, then reads and parses them one at a time and writes
 * each in its own transaction on a dedicated session. The next file is read while the current
 * one is written (at most two in memory). A malformed file stops the import: nothing of it is
 * stored, the files before it are, and running the same import again completes it without
 * storing anything twice.
 */
import type { Database } from '../../db/database.js';
import { FormatError } from '../formats/format-error.js';
import { ai4iImporter } from './ai4i.js';
import { BulkWriter } from './bulk-writer.js';
import { cmapssImporter } from './cmapss.js';
import { cwruImporter } from './cwru.js';
import { femtoImporter } from './femto.js';
import { maintenanceImporter } from './maintenance.js';
import type { ReadingsMethod } from './series-writer.js';
import { withSqlSession } from './sql-session.js';
import type {
  FormatImporter,
  ImportContext,
  ImportCounts,
  ImportFormat,
  ImportOptions,
  ImportProgress,
  ImportSummary,
} from './types.js';

export const IMPORTERS: Record<ImportFormat, FormatImporter> = {
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
}

/** A file that could not be imported; what the files before it stored is in `counts`. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly path: string,
    readonly counts: ImportCounts,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // Format errors already start with the file and line.
    super(cause instanceof FormatError ? reason : `${path}: ${reason}`, { cause });
  }
}

export async function runImport(
  database: Database,
  format: ImportFormat,
  paths: string[],
  options: ImportOptions,
  deps: RunImportDeps = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const tasks = await IMPORTERS[format].plan(paths, options);
  const progress = deps.progress;
  progress?.start(tasks.length);
  try {
    const counts = await withSqlSession(database, async (session) => {
      const writer = new BulkWriter(session, {
        batchSize: options.batchSize,
        ...(deps.method ? { method: deps.method } : {}),
        ...(progress ? { onRows: (n: number) => progress.rows(n) } : {}),
      });
      await writer.tuneSession();
      const ctx: ImportContext = { writer, options };
      let next = tasks[0] ? settled(tasks[0].load()) : null;
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i]!;
        let write;
        try {
          write = await next!;
        } catch (err) {
          throw new ImportFileError(task.path, { ...writer.counts }, err);
        }
        next = tasks[i + 1] ? settled(tasks[i + 1]!.load()) : null;
        try {
          await writer.transaction(() => write(ctx));
        } catch (err) {
          throw new ImportFileError(task.path, { ...writer.counts }, err);
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
