/**
 * The twin's own rows: assets with every physical column (ISO class, foundation, bearing,
 * temperature baseline), sensors with their physical ranges, and failure events with ISO 14224
 * codes and source 'simulator' — what the importers' BulkWriter does not write. Time series go
 * through the importers' SeriesWriter. Every insert is ON CONFLICT DO NOTHING.
 */
import type { SqlSession } from '../acquisition/importers/sql-session.js';
import type { SensorAxis, SensorKind } from '../db/schema.js';
import type { MachineConfig } from './config.js';

export interface TwinAssetRow {
  externalRef: string;
  machine: MachineConfig;
  temperatureBaselineC: number;
  metadata: Record<string, unknown>;
}

export interface TwinSensorRow {
  name: string;
  kind: SensorKind;
  unit: string;
  axis: SensorAxis | null;
  location: string;
  sampleRateHz: number;
  rangeMin: number;
  rangeMax: number;
  externalRef: string;
}

export interface TwinEventRow {
  assetId: number;
  component: string;
  failureMode: string;
  failureMechanism: string;
  description: string;
  occurredAt: Date;
  dedupKey: string;
}

/** The asset's id, whether this call created it, and the stored metadata. */
export async function ensureTwinAsset(
  session: SqlSession,
  a: TwinAssetRow,
): Promise<{ id: number; created: boolean; metadata: Record<string, unknown> }> {
  const m = a.machine;
  const b = m.bearing;
  const inserted = await session.query<{ id: number }>(
    `insert into assets (external_ref, name, type, site, iso_machine_group, iso_foundation, nominal_speed_rpm,
       bearing_n_balls, bearing_ball_diameter_mm, bearing_pitch_diameter_mm, bearing_contact_angle_deg,
       temperature_baseline_c, metadata)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
     on conflict (external_ref) do nothing returning id`,
    [
      a.externalRef,
      m.name,
      m.type,
      m.site,
      m.isoGroup,
      m.foundation,
      m.shaftRpm,
      b.nBalls,
      b.ballDiameterMm,
      b.pitchDiameterMm,
      b.contactAngleDeg,
      a.temperatureBaselineC,
      JSON.stringify(a.metadata),
    ],
  );
  if (inserted.rows[0]) return { id: Number(inserted.rows[0].id), created: true, metadata: a.metadata };
  const found = await session.query<{ id: number; metadata: Record<string, unknown> }>(
    'select id, metadata from assets where external_ref = $1',
    [a.externalRef],
  );
  const row = found.rows[0]!;
  return { id: Number(row.id), created: false, metadata: row.metadata };
}

/** Sensor ids by name, and the ids this call created. */
export async function ensureTwinSensors(
  session: SqlSession,
  assetId: number,
  sensors: readonly TwinSensorRow[],
): Promise<{ ids: Map<string, number>; created: number[] }> {
  const cols = [
    'name',
    'kind',
    'unit',
    'axis',
    'location',
    'sample_rate_hz',
    'range_min',
    'range_max',
    'external_ref',
  ];
  const params: unknown[] = [assetId];
  const tuples = sensors.map((s) => {
    const base = params.length;
    params.push(
      s.name,
      s.kind,
      s.unit,
      s.axis,
      s.location,
      s.sampleRateHz,
      s.rangeMin,
      s.rangeMax,
      s.externalRef,
    );
    return `($1, ${cols.map((_, i) => `$${base + i + 1}${i >= 5 && i <= 7 ? '::float8' : ''}`).join(', ')})`;
  });
  const inserted = await session.query<{ id: number }>(
    `insert into sensors (asset_id, ${cols.join(', ')}) values ${tuples.join(', ')}
     on conflict (asset_id, name) do nothing returning id`,
    params,
  );
  const rows = await session.query<{ id: number; name: string }>(
    'select id, name from sensors where asset_id = $1 and name = any($2::text[])',
    [assetId, sensors.map((s) => s.name)],
  );
  return {
    ids: new Map(rows.rows.map((r) => [r.name, Number(r.id)])),
    created: inserted.rows.map((r) => Number(r.id)),
  };
}

/** Stores a failure event unless its dedup_key is already stored; true when stored. */
export async function addTwinFailure(session: SqlSession, e: TwinEventRow): Promise<boolean> {
  const r = await session.query(
    `insert into maintenance_events (asset_id, kind, component, failure_mode, failure_mechanism, description,
       occurred_at, source, dedup_key)
     values ($1, 'failure', $2, $3, $4, $5, $6::timestamptz, 'simulator', $7)
     on conflict (dedup_key) do nothing`,
    [
      e.assetId,
      e.component,
      e.failureMode,
      e.failureMechanism,
      e.description,
      e.occurredAt.toISOString(),
      e.dedupKey,
    ],
  );
  return r.rowCount > 0;
}
