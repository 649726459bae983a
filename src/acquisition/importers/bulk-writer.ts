/**
 * The writes of the bulk importers, in transactions on one session: assets and sensors found or
 * created by their natural keys (`assets.external_ref`, `sensors (asset_id, name)`),
 * maintenance events deduplicated by `dedup_key`, time series through `SeriesWriter`. All
 * inserts are `ON CONFLICT DO NOTHING`, so importing the same files again stores nothing twice;
 * `counts` says what was stored. The SQL is in the tables' repositories.
 */
import {
  beginAsyncCommit,
  commitTransaction,
  rollbackTransaction,
  type SqlSession,
} from '../../db/sql-session.js';
import {
  assetByExternalRef,
  insertAssetUnlessExists,
  insertSensorsUnlessExist,
  mergeAssetMetadata,
  sensorIdsByName,
  type AssetSpec,
  type SensorSpec,
} from '../assets.repository.js';
import { insertEventsUnlessDuplicate, type EventSpec } from '../maintenance-events.repository.js';
import type { IngestHook } from '../ingest-hook.js';
import type { ImportCounts } from './import-counts.js';
import { SeriesWriter, type ReadingsMethod } from './series-writer.js';

export interface AssetRow {
  id: number;
  created: boolean;
  metadata: Record<string, unknown>;
}

export interface BulkWriterOptions {
  batchSize: number;
  method?: ReadingsMethod;
  onRows?: (count: number) => void;
  /** The live loop: new rows mark their assets in the import's transactions, woken after each
   * commit; unset = no marks. */
  ingestHook?: IngestHook | undefined;
}

const EVENT_BATCH = 1_000;

export class BulkWriter {
  readonly counts: ImportCounts = {
    assets: 0,
    sensors: 0,
    readings: 0,
    captures: 0,
    events: 0,
    duplicates: 0,
  };
  readonly series: SeriesWriter;
  private readonly onRows: (count: number) => void;
  /** Counts when the open transaction began; null outside a transaction. */
  private before: ImportCounts | null = null;
  private readonly hook: IngestHook | undefined;

  constructor(
    private readonly session: SqlSession,
    opts: BulkWriterOptions,
  ) {
    this.onRows = opts.onRows ?? (() => {});
    this.hook = opts.ingestHook;
    this.series = new SeriesWriter(session, this.counts, {
      batchSize: opts.batchSize,
      method: opts.method ?? 'unnest',
      onRows: this.onRows,
      markIngest: this.hook !== undefined,
    });
  }

  get kind(): SqlSession['kind'] {
    return this.session.kind;
  }

  /** Opens a transaction: what is written until `commit` is stored together, or not at all. */
  async begin(): Promise<void> {
    // No wait for the WAL flush at commit: safe because imports are idempotent (a crash loses at
    // most the last batches, and running the import again restores them). Local to the
    // transaction, so the pooled connection goes back unchanged.
    await beginAsyncCommit(this.session);
    this.before = { ...this.counts };
    this.series.startTransaction();
  }

  async commit(): Promise<void> {
    await this.series.settle();
    await commitTransaction(this.session);
    this.before = null;
    const marked = this.series.takeMarked();
    if (marked.length > 0) this.hook?.stored(marked);
  }

  /** Rolls back the open transaction and the counts it added. */
  async rollback(): Promise<void> {
    await rollbackTransaction(this.session).catch(() => {});
    this.series.reset();
    if (this.before) Object.assign(this.counts, this.before);
    this.before = null;
  }

  /** Rows queued in the open transaction: readings and events, and captures apart. */
  get pending(): { rows: number; captures: number } {
    return {
      rows: this.series.pending.readings + this.eventsInTransaction(),
      captures: this.series.pending.captures,
    };
  }

  /** Runs `fn` as one transaction (committed when it resolves, rolled back when it throws). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const out = await fn();
      await this.commit();
      return out;
    } catch (err) {
      await this.rollback();
      throw err;
    }
  }

  private eventsInTransaction(): number {
    return this.before
      ? this.counts.events + this.counts.duplicates - this.before.events - this.before.duplicates
      : 0;
  }

  /** The asset with this external_ref, created from `spec` when missing. `metadata` is the
   * stored metadata as it was before this call. */
  async ensureAsset(spec: AssetSpec): Promise<AssetRow> {
    await this.series.idle();
    const row = await insertAssetUnlessExists(this.session, spec);
    if (row) {
      this.counts.assets++;
      return { ...row, created: true };
    }
    const existing = (await assetByExternalRef(this.session, spec.externalRef))!;
    // An asset created by another file (e.g. a RUL file before its test data) gets the keys it
    // lacks; the keys it has are kept, so a re-import changes nothing.
    const missing = Object.entries(spec.metadata).filter(([k]) => !(k in existing.metadata));
    if (missing.length > 0) await this.mergeAssetMetadata(existing.id, Object.fromEntries(missing));
    return { ...existing, created: false };
  }

  /** Adds keys to an asset's metadata (a no-op when it already holds them). */
  async mergeAssetMetadata(assetId: number, patch: Record<string, unknown>): Promise<void> {
    await this.series.idle();
    await mergeAssetMetadata(this.session, assetId, patch);
  }

  /** Sensor ids by name for `specs` on one asset, creating the missing sensors. */
  async ensureSensors(assetId: number, specs: readonly SensorSpec[]): Promise<Map<string, number>> {
    await this.series.idle();
    const created = await insertSensorsUnlessExist(this.session, assetId, specs);
    this.counts.sensors += created.length;
    this.series.stats.markFresh(created);
    return sensorIdsByName(
      this.session,
      assetId,
      specs.map((s) => s.name),
    );
  }

  /** Stores maintenance events (source 'import'); those whose dedup_key exists are skipped. */
  async addEvents(events: readonly EventSpec[]): Promise<void> {
    await this.series.idle();
    for (let start = 0; start < events.length; start += EVENT_BATCH) {
      const batch = events.slice(start, start + EVENT_BATCH);
      const stored = await insertEventsUnlessDuplicate(this.session, 'import', batch);
      this.counts.events += stored;
      this.counts.duplicates += batch.length - stored;
      this.onRows(batch.length);
    }
  }
}
