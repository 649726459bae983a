/**
 * The twin's own rows: assets with every physical column (ISO class, foundation, bearing; no
 * temperature baseline: the product learns it from the data, features/temperature-baseline.ts), sensors with their physical ranges, and failure events with ISO 14224
 * codes and source 'simulator'. Written through the tables' repositories (acquisition/), the
 * same functions the importers' BulkWriter uses; time series go through its SeriesWriter.
 * Every insert is ON CONFLICT DO NOTHING.
 */
import {
  assetByExternalRef,
  insertAssetUnlessExists,
  insertSensorsUnlessExist,
  sensorIdsByName,
  type SensorSpec,
} from '../acquisition/assets.repository.js';
import { insertEventsUnlessDuplicate } from '../acquisition/maintenance-events.repository.js';
import type { SqlSession } from '../db/sql-session.js';
import type { MachineConfig } from './config.js';

export interface TwinAssetRow {
  externalRef: string;
  machine: MachineConfig;
  metadata: Record<string, unknown>;
}

export type TwinSensorRow = Required<SensorSpec>;

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
  const inserted = await insertAssetUnlessExists(session, {
    externalRef: a.externalRef,
    name: m.name,
    type: m.type,
    site: m.site,
    isoMachineGroup: m.isoGroup,
    isoFoundation: m.foundation,
    nominalSpeedRpm: m.shaftRpm,
    bearing: m.bearing,
    metadata: a.metadata,
  });
  if (inserted) return { id: inserted.id, created: true, metadata: a.metadata };
  const row = (await assetByExternalRef(session, a.externalRef))!;
  return { ...row, created: false };
}

/** Sensor ids by name, and the ids this call created. */
export async function ensureTwinSensors(
  session: SqlSession,
  assetId: number,
  sensors: readonly TwinSensorRow[],
): Promise<{ ids: Map<string, number>; created: number[] }> {
  const created = await insertSensorsUnlessExist(session, assetId, sensors);
  const ids = await sensorIdsByName(
    session,
    assetId,
    sensors.map((s) => s.name),
  );
  return { ids, created };
}

/** Stores a failure event unless its dedup_key is already stored; true when stored. */
export async function addTwinFailure(session: SqlSession, e: TwinEventRow): Promise<boolean> {
  return (await insertEventsUnlessDuplicate(session, 'simulator', [{ ...e, kind: 'failure' }])) > 0;
}
