/**
 * Every query of the bulk importers: assets and sensors found or created by their natural keys
 * (`assets.external_ref`, `sensors (asset_id, name)`), maintenance events deduplicated by
 * `dedup_key`, time series through `SeriesWriter`. All inserts are `ON CONFLICT DO NOTHING`, so
 * importing the same files again stores nothing twice; `counts` says what was stored.
 */
import { SeriesWriter, type ReadingsMethod } from './series-writer.js';
import type { SqlSession } from './sql-session.js';
import type { ImportCounts } from './import-counts.js';
import type { MaintenanceKind, SensorAxis, SensorKind } from '../../db/schema.js';

export interface AssetSpec {
  externalRef: string;
  name: string;
  type: string;
  site: string | null;
  nominalSpeedRpm?: number | null;
  bearing?: { nBalls: number; ballDiameterMm: number; pitchDiameterMm: number; contactAngleDeg: number };
  metadata: Record<string, unknown>;
}

export interface AssetRow {
  id: number;
  created: boolean;
  metadata: Record<string, unknown>;
}

export interface SensorSpec {
  name: string;
  kind: SensorKind;
  unit: string;
  axis?: SensorAxis | null;
  location?: string | null;
  sampleRateHz?: number | null;
  externalRef?: string | null;
}

export interface EventSpec {
  assetId: number;
  kind: MaintenanceKind;
  component: string | null;
  failureMode: string | null;
  description: string | null;
  occurredAt: Date;
  dedupKey: string;
}

export interface BulkWriterOptions {
  batchSize: number;
  method?: ReadingsMethod;
  onRows?: (count: number) => void;
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

  constructor(
    private readonly session: SqlSession,
    opts: BulkWriterOptions,
  ) {
    this.onRows = opts.onRows ?? (() => {});
    this.series = new SeriesWriter(session, this.counts, {
      batchSize: opts.batchSize,
      method: opts.method ?? 'unnest',
      onRows: this.onRows,
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
    await this.session.query(
      this.session.kind === 'postgres' ? 'begin; set local synchronous_commit = off' : 'begin',
    );
    this.before = { ...this.counts };
    this.series.startTransaction();
  }

  async commit(): Promise<void> {
    await this.series.settle();
    await this.session.query('commit');
    this.before = null;
  }

  /** Rolls back the open transaction and the counts it added. */
  async rollback(): Promise<void> {
    await this.session.query('rollback').catch(() => {});
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

  /**
   * Formerly set synchronous_commit for the session; `begin()` now sets it per transaction so a
   * pooled connection goes back unchanged. Kept as a no-op for existing callers (src/twin).
   */
  async tuneSession(): Promise<void> {
    return Promise.resolve();
  }

  /** The asset with this external_ref, created from `spec` when missing. `metadata` is the
   * stored metadata as it was before this call. */
  async ensureAsset(spec: AssetSpec): Promise<AssetRow> {
    await this.series.idle();
    const b = spec.bearing;
    const inserted = await this.session.query<{ id: number; metadata: Record<string, unknown> }>(
      `insert into assets (external_ref, name, type, site, nominal_speed_rpm, bearing_n_balls,
         bearing_ball_diameter_mm, bearing_pitch_diameter_mm, bearing_contact_angle_deg, metadata)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       on conflict (external_ref) do nothing
       returning id, metadata`,
      [
        spec.externalRef,
        spec.name,
        spec.type,
        spec.site,
        spec.nominalSpeedRpm ?? null,
        b?.nBalls ?? null,
        b?.ballDiameterMm ?? null,
        b?.pitchDiameterMm ?? null,
        b?.contactAngleDeg ?? null,
        JSON.stringify(spec.metadata),
      ],
    );
    const row = inserted.rows[0];
    if (row) {
      this.counts.assets++;
      return { id: Number(row.id), metadata: row.metadata, created: true };
    }
    const found = await this.session.query<{ id: number; metadata: Record<string, unknown> }>(
      'select id, metadata from assets where external_ref = $1',
      [spec.externalRef],
    );
    const existing = found.rows[0]!;
    // An asset created by another file (e.g. a RUL file before its test data) gets the keys it
    // lacks; the keys it has are kept, so a re-import changes nothing.
    const missing = Object.entries(spec.metadata).filter(([k]) => !(k in existing.metadata));
    if (missing.length > 0) await this.mergeAssetMetadata(Number(existing.id), Object.fromEntries(missing));
    return { id: Number(existing.id), metadata: existing.metadata, created: false };
  }

  /** Adds keys to an asset's metadata (a no-op when it already holds them). */
  async mergeAssetMetadata(assetId: number, patch: Record<string, unknown>): Promise<void> {
    await this.series.idle();
    await this.session.query(
      `update assets set metadata = metadata || $2::jsonb, updated_at = now()
       where id = $1 and not metadata @> $2::jsonb`,
      [assetId, JSON.stringify(patch)],
    );
  }

  /** Sensor ids by name for `specs` on one asset, creating the missing sensors. */
  async ensureSensors(assetId: number, specs: readonly SensorSpec[]): Promise<Map<string, number>> {
    await this.series.idle();
    const params: unknown[] = [assetId];
    const tuples = specs.map((s) => {
      params.push(s.name, s.kind, s.unit, s.axis ?? null, s.location ?? null, s.sampleRateHz ?? null);
      params.push(s.externalRef ?? null);
      const p = params.length - 7;
      const at = (k: number) => `$${p + k}`;
      return `($1, ${at(1)}, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}::float8, ${at(7)})`;
    });
    const inserted = await this.session.query<{ id: number }>(
      `insert into sensors (asset_id, name, kind, unit, axis, location, sample_rate_hz, external_ref)
       values ${tuples.join(',')} on conflict (asset_id, name) do nothing returning id`,
      params,
    );
    this.counts.sensors += inserted.rows.length;
    this.series.stats.markFresh(inserted.rows.map((r) => Number(r.id)));
    const rows = await this.session.query<{ id: number; name: string }>(
      'select id, name from sensors where asset_id = $1 and name = any($2::text[])',
      [assetId, specs.map((s) => s.name)],
    );
    return new Map(rows.rows.map((r) => [r.name, Number(r.id)]));
  }

  /** Stores maintenance events (source 'import'); those whose dedup_key exists are skipped. */
  async addEvents(events: readonly EventSpec[]): Promise<void> {
    await this.series.idle();
    for (let start = 0; start < events.length; start += EVENT_BATCH) {
      const batch = events.slice(start, start + EVENT_BATCH);
      const params: unknown[] = [];
      const tuples = batch.map((e) => {
        params.push(e.assetId, e.kind, e.component, e.failureMode, e.description);
        params.push(e.occurredAt.toISOString(), e.dedupKey);
        const p = params.length - 7;
        const at = (k: number) => `$${p + k}`;
        return `(${at(1)}::bigint, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}::timestamptz, 'import', ${at(7)})`;
      });
      const r = await this.session.query(
        `insert into maintenance_events (asset_id, kind, component, failure_mode, description, occurred_at,
           source, dedup_key)
         values ${tuples.join(',')} on conflict (dedup_key) do nothing`,
        params,
      );
      this.counts.events += r.rowCount;
      this.counts.duplicates += batch.length - r.rowCount;
      this.onRows(batch.length);
    }
  }
}
