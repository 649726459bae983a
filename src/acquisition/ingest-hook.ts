/**
 * What ingestion tells the live loop. Every entry (HTTP, MQTT, OPC UA, the bulk importers) goes
 * through readings.service.ts, captures.service.ts or importers/series-writer.ts, which mark the
 * assets of the data they store in the storing transaction (ingest-marks.repository.ts) and,
 * once it committed, call `stored`. The loop's wiring (context.ts) enqueues the assets'
 * refreshes; acquisition knows nothing of the stages downstream.
 */
export interface IngestHook {
  /** After commit; never throws (a lost wake-up is caught up by the scheduled refresh). */
  stored(assetIds: readonly number[]): void;
}

/** Min and max of epoch-ms timestamps, or undefined for none. */
export function spanOf(ms: readonly number[]): { fromMs: number; toMs: number } | undefined {
  if (ms.length === 0) return undefined;
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const t of ms) {
    if (t < fromMs) fromMs = t;
    if (t > toMs) toMs = t;
  }
  return { fromMs, toMs };
}
