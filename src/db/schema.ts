/**
 * Table types for Kysely. Kept in step with migrations/ by hand; the migration tests compare
 * the two so a column added in SQL but not here (or the reverse) fails CI.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

interface AssetsTable {
  id: Generated<number>;
  external_ref: string | null;
  name: string;
  type: string;
  site: string | null;
  iso_machine_group: 1 | 2 | null;
  iso_foundation: 'rigid' | 'flexible' | null;
  nominal_speed_rpm: number | null;
  bearing_n_balls: number | null;
  bearing_ball_diameter_mm: number | null;
  bearing_pitch_diameter_mm: number | null;
  bearing_contact_angle_deg: number | null;
  temperature_baseline_c: number | null;
  status: ColumnType<'active' | 'inactive' | 'retired', 'active' | 'inactive' | 'retired' | undefined>;
  metadata: ColumnType<
    Record<string, unknown>,
    string | Record<string, unknown> | undefined,
    string | Record<string, unknown>
  >;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type SensorKind = 'vibration' | 'temperature' | 'pressure' | 'speed' | 'current' | 'flow' | 'other';
export type SensorAxis = 'x' | 'y' | 'z' | 'horizontal' | 'vertical' | 'axial' | 'radial';

export interface SensorsTable {
  id: Generated<number>;
  asset_id: number;
  name: string;
  kind: SensorKind;
  unit: string;
  axis: SensorAxis | null;
  location: string | null;
  sample_rate_hz: number | null;
  range_min: number | null;
  range_max: number | null;
  external_ref: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

interface CapturesTable {
  id: Generated<number>;
  sensor_id: number;
  ts: Timestamp;
  sample_rate_hz: number;
  n_samples: number;
  /** Little-endian float32 samples. pg returns a Buffer, PGlite a Uint8Array. */
  samples: Uint8Array;
  quality_flags: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

interface ReadingsTable {
  sensor_id: number;
  ts: Timestamp;
  value: number;
  quality_flags: ColumnType<number, number | undefined, number>;
}

export type MaintenanceKind = 'failure' | 'repair' | 'replacement' | 'inspection' | 'preventive' | 'error';

export interface MaintenanceEventsTable {
  id: Generated<number>;
  asset_id: number;
  kind: MaintenanceKind;
  component: string | null;
  failure_mode: string | null;
  failure_mechanism: string | null;
  description: string | null;
  occurred_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  work_order_ref: string | null;
  source: ColumnType<
    'manual' | 'cmms' | 'import' | 'simulator',
    'manual' | 'cmms' | 'import' | 'simulator' | undefined
  >;
  dedup_key: string | null;
  created_at: CreatedAt;
}

/** Per sensor and UTC day of the samples: rows accepted and duplicates dropped at ingestion. */
interface SensorIngestStatsTable {
  sensor_id: number;
  day: ColumnType<Date, Date | string, Date | string>;
  readings_inserted: ColumnType<number, number | undefined, number>;
  readings_duplicates: ColumnType<number, number | undefined, number>;
  captures_inserted: ColumnType<number, number | undefined, number>;
  captures_duplicates: ColumnType<number, number | undefined, number>;
  updated_at: UpdatedAt;
}

interface FeatureSetsTable {
  id: Generated<number>;
  name: string;
  version: number;
  hash: string;
  definition: ColumnType<Record<string, unknown>, string, never>;
  created_at: CreatedAt;
}

interface FeatureRowsTable {
  asset_id: number;
  sensor_id: number;
  feature_set_id: number;
  window_start: Timestamp;
  window_end: Timestamp;
  source: 'capture' | 'readings';
  source_id: number | null;
  /** In the feature set's name order; NaN = not computable for this window. */
  values: ColumnType<number[], string, string>;
  created_at: CreatedAt;
}

interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: CreatedAt;
}

interface AssetBaselinesTable {
  asset_id: number;
  life_start: Date;
  window_start: Date;
  window_end: Date;
  temperature_c: number;
  temperature_readings: number;
  learnt_at: Generated<Date>;
}

export interface DB {
  assets: AssetsTable;
  sensors: SensorsTable;
  captures: CapturesTable;
  readings: ReadingsTable;
  maintenance_events: MaintenanceEventsTable;
  feature_sets: FeatureSetsTable;
  feature_rows: FeatureRowsTable;
  schema_migrations: SchemaMigrationsTable;
  sensor_ingest_stats: SensorIngestStatsTable;
  model_versions: ModelVersionsTable;
  model_events: ModelEventsTable;
  training_runs: TrainingRunsTable;
  api_keys: ApiKeysTable;
  forecasts: ForecastsTable;
  ingest_marks: IngestMarksTable;
  work_order_suggestions: WorkOrderSuggestionsTable;
  webhook_outbox: WebhookOutboxTable;
  retraining_suggestions: RetrainingSuggestionsTable;
  asset_cmms_settings: AssetCmmsSettingsTable;
  site_cmms_defaults: SiteCmmsDefaultsTable;
  asset_baselines: AssetBaselinesTable;
}

export type Asset = Selectable<AssetsTable>;
export type NewAsset = Insertable<AssetsTable>;
export type AssetUpdate = Updateable<AssetsTable>;
export type Sensor = Selectable<SensorsTable>;
export type NewSensor = Insertable<SensorsTable>;
export type MaintenanceEvent = Selectable<MaintenanceEventsTable>;

export type ModelKind = 'rul' | 'health' | 'failure' | 'diagnosis';
type ModelStatus = 'candidate' | 'active' | 'archived';

interface ModelVersionsTable {
  id: Generated<number>;
  name: string;
  version: number;
  kind: ModelKind;
  status: ColumnType<ModelStatus, ModelStatus | undefined, ModelStatus>;
  feature_set_name: string;
  feature_set_version: string;
  feature_set_hash: string;
  artifact_dir: string;
  artifact_sha256: string;
  manifest: ColumnType<Record<string, unknown>, string, string>;
  metrics: ColumnType<Record<string, unknown>, string | undefined, string>;
  training_run_id: number | null;
  created_at: CreatedAt;
  promoted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

interface ModelEventsTable {
  id: Generated<number>;
  name: string;
  model_version_id: number;
  action: 'register' | 'promote' | 'rollback' | 'archive' | 'auto-promote';
  previous_active_id: number | null;
  reason: string | null;
  at: CreatedAt;
}

export type TrainingStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

interface TrainingRunsTable {
  id: Generated<number>;
  model_name: string;
  kind: ModelKind;
  status: ColumnType<TrainingStatus, TrainingStatus | undefined, TrainingStatus>;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  data_range: ColumnType<Record<string, unknown>, string | undefined, string>;
  job_id: string | null;
  progress: ColumnType<Record<string, unknown>, string | undefined, string>;
  epochs: ColumnType<Array<Record<string, unknown>>, string | undefined, string>;
  metrics: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  model_version_id: number | null;
  /** Attempts started (a retry after a crashed worker counts). */
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type ModelVersion = Selectable<ModelVersionsTable>;
export type TrainingRun = Selectable<TrainingRunsTable>;

export type Scope = 'read' | 'ingest' | 'cmms' | 'admin';

interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: Scope[];
  created_at: CreatedAt;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ForecastsTable {
  id: Generated<number>;
  asset_id: number;
  scored_at: ColumnType<Date, Date | string | undefined, never>;
  as_of: Timestamp;
  health_index: number | null;
  anomaly_score: number | null;
  iso_zone: 'A' | 'B' | 'C' | 'D' | null;
  velocity_rms_mm_s: number | null;
  failure_probability: number | null;
  failure_horizon_hours: number | null;
  rul_hours: number | null;
  rul_lower_hours: number | null;
  rul_upper_hours: number | null;
  rul_interval_level: number | null;
  risk: number;
  contributions: ColumnType<
    Array<{ feature: string; share: number; z?: number }>,
    string | undefined,
    string
  >;
  indicators: ColumnType<Record<string, number | null>, string | undefined, string>;
  lineage: ColumnType<Record<string, unknown>, string, string>;
  source: 'api' | 'scheduled' | 'demo';
  /** state/diagnosis/diagnose.ts `Diagnosis` as JSON (migration 0019); null without a waveform. */
  diagnosis: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** The inputs a live-loop forecast rests on (migration 0021); null for API and demo forecasts. */
  input_key: ColumnType<string | null, string | null | undefined, never>;
  /** When the data behind the forecast was received; null for live API input. */
  data_received_at: ColumnType<Date | null, Date | string | null | undefined, never>;
}

export type Forecast = Selectable<ForecastsTable>;

interface IngestMarksTable {
  asset_id: number;
  version: ColumnType<number, number | undefined, number>;
  pending_since: Timestamp;
  last_received_at: Timestamp;
  capture_from: NullableTs;
  capture_to: NullableTs;
  reading_from: NullableTs;
  reading_to: NullableTs;
}

export type SuggestionStatus = 'open' | 'acknowledged' | 'dismissed' | 'resolved' | 'superseded';
type NullableTs = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

interface WorkOrderSuggestionsTable {
  id: Generated<number>;
  asset_id: number;
  failure_mode: string;
  failure_mechanism: string;
  component: string | null;
  rules: string[];
  status: ColumnType<SuggestionStatus, SuggestionStatus | undefined, SuggestionStatus>;
  priority: number;
  title: string;
  description: string;
  recommended_action: string;
  due_at: Timestamp;
  evidence: ColumnType<Record<string, unknown>, string, string>;
  forecast_ids: number[];
  revision: ColumnType<number, number | undefined, number>;
  work_order_ref: string | null;
  status_note: string | null;
  resolved_by_event_id: number | null;
  /** The open suggestion this one escalated (superseded); the newer one of a superseded row. */
  supersedes_id: ColumnType<number | null, number | null | undefined, number | null>;
  superseded_by_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  status_changed_at: NullableTs;
}

interface WebhookOutboxTable {
  id: Generated<number>;
  suggestion_id: number | null;
  event: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  status: ColumnType<
    'pending' | 'delivered' | 'failed',
    'pending' | undefined,
    'pending' | 'delivered' | 'failed'
  >;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: CreatedAt;
  last_attempt_at: NullableTs;
  delivered_at: NullableTs;
}

export type WorkOrderSuggestion = Selectable<WorkOrderSuggestionsTable>;

export type RetrainingStatus = 'open' | 'acknowledged' | 'dismissed' | 'retraining' | 'resolved';

interface RetrainingSuggestionsTable {
  id: Generated<number>;
  model_name: string;
  model_version_id: number;
  status: ColumnType<RetrainingStatus, RetrainingStatus | undefined, RetrainingStatus>;
  evidence: ColumnType<Record<string, unknown>, string, string>;
  max_psi: number;
  checks: ColumnType<number, number | undefined, number>;
  training_run_id: number | null;
  status_note: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  status_changed_at: NullableTs;
}

export type RetrainingSuggestion = Selectable<RetrainingSuggestionsTable>;

type CmmsName = 'maximo' | 'sap' | 'maintainx';

interface AssetCmmsSettingsTable {
  asset_id: number;
  cmms: CmmsName;
  settings: ColumnType<Record<string, unknown>, string, string>;
  updated_at: UpdatedAt;
}

interface SiteCmmsDefaultsTable {
  site: string;
  cmms: CmmsName;
  settings: ColumnType<Record<string, unknown>, string, string>;
  updated_at: UpdatedAt;
}
