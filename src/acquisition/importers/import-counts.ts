/**
 * What an import stored, counted by the writers (bulk-writer.ts, series-writer.ts) and reported
 * by run-import.ts. A module of its own, below both the writers and types.ts: types.ts refers to
 * the writer, so the writers cannot take their counts from it without a cycle.
 */
export interface ImportCounts {
  /** Assets and sensors created by this import (existing ones are reused). */
  assets: number;
  sensors: number;
  /** Rows stored by this import. */
  readings: number;
  captures: number;
  events: number;
  /** Readings, captures and events that were already stored (ON CONFLICT DO NOTHING). */
  duplicates: number;
}
