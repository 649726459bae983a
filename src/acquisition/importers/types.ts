/**
 * Shared shapes of the bulk importers (`prognos import <format> <path...>`): one module per
 * format under this folder, all writing through `BulkWriter`.
 */
import type { BulkWriter } from './bulk-writer.js';
import type { ImportCounts } from './import-counts.js';

export const IMPORT_FORMATS = ['cmapss', 'femto', 'cwru', 'ai4i', 'maintenance'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** `assets.site` of the assets this import creates (existing assets keep theirs). */
  site: string | null;
  /** First segment of every `external_ref` this import creates; defaults per format (`cmapss`, ...). */
  assetPrefix: string | null;
  /** Rows per INSERT statement (readings); captures and events are batched by their own limits. */
  batchSize: number;
  /**
   * Epoch seconds of the UTC midnight that datasets without calendar dates are placed on
   * (C-MAPSS cycles, FEMTO times of day, CWRU records, AI4I steps). Stored in asset metadata.
   */
  baseEpochSec: number;
  /** Length of the captures CWRU records are cut into. */
  captureSeconds: number;
}

export const DEFAULT_BASE_DATE = '2000-01-01';
export const DEFAULT_BATCH_SIZE = 10_000;

export interface ImportSummary extends ImportCounts {
  format: ImportFormat;
  seconds: number;
  /** (readings + captures + events + duplicates) / seconds: rows handled, stored or not. */
  rows_per_s: number;
}

/** Progress callbacks; the CLI renders them, tests leave them out. */
export interface ImportProgress {
  start(totalFiles: number): void;
  /** Rows handled since the last call (stored or duplicate). */
  rows(count: number): void;
  fileDone(path: string): void;
  stop(): void;
}

/** What an importer gets for one file: the writer (inside the file's transaction) and options. */
export interface ImportContext {
  writer: BulkWriter;
  options: ImportOptions;
}

/**
 * One input file, read and parsed before its transaction opens (a malformed file stores
 * nothing), then written inside it by `write`.
 */
export interface ImportTask {
  path: string;
  /** Reads and parses the file; the returned function writes it (inside a transaction). */
  load(): Promise<(ctx: ImportContext) => Promise<void>>;
}

export interface FormatImporter {
  format: ImportFormat;
  /** Expands the command's paths (files or folders) into tasks, in import order. */
  plan(paths: string[], options: ImportOptions): Promise<ImportTask[]>;
}

/** An input that is not of the requested format, or a path that does not exist. */
export class ImportInputError extends Error {
  override name = 'ImportInputError';
}
