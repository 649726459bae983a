/** Assets and their sensors: create, list, get and update, with cross-field checks. */
import type { Kysely } from 'kysely';
import type { Asset, AssetUpdate, DB, NewSensor, Sensor, SensorKind } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { assetsRepository as assets, sensorsRepository as sensors } from './assets.repository.js';
import {
  toAssetDto,
  toSensorDto,
  type AssetCreate,
  type AssetDto,
  type AssetPatch,
  type SensorCreate,
  type SensorDto,
  type SensorPatch,
} from './assets.schemas.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { translateConstraintError } from './db-errors.js';

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

const CONSTRAINTS = {
  assets_external_ref_key: 'an asset with this externalRef already exists',
  sensors_asset_id_name_key: 'this asset already has a sensor with this name',
};

function page<T extends { id: number }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { rows: kept, nextCursor: more ? encodeCursor({ id: kept.at(-1)!.id }) : null };
}

function bearingColumns(b: AssetPatch['bearing']): AssetUpdate {
  if (b === undefined) return {};
  if (b !== null && b.ballDiameterMm >= b.pitchDiameterMm) {
    throw badRequest(
      'invalid_bearing',
      'bearing.ballDiameterMm must be smaller than bearing.pitchDiameterMm',
    );
  }
  return {
    bearing_n_balls: b?.nBalls ?? null,
    bearing_ball_diameter_mm: b?.ballDiameterMm ?? null,
    bearing_pitch_diameter_mm: b?.pitchDiameterMm ?? null,
    bearing_contact_angle_deg: b ? (b.contactAngleDeg ?? 0) : null,
  };
}

function assetColumns(a: AssetPatch): AssetUpdate {
  const row: AssetUpdate = { ...bearingColumns(a.bearing) };
  const map: Array<[keyof AssetPatch, keyof AssetUpdate]> = [
    ['externalRef', 'external_ref'],
    ['name', 'name'],
    ['type', 'type'],
    ['site', 'site'],
    ['isoMachineGroup', 'iso_machine_group'],
    ['isoFoundation', 'iso_foundation'],
    ['nominalSpeedRpm', 'nominal_speed_rpm'],
    ['temperatureBaselineC', 'temperature_baseline_c'],
    ['status', 'status'],
  ];
  for (const [from, to] of map) if (a[from] !== undefined) (row as Record<string, unknown>)[to] = a[from];
  if (a.metadata !== undefined) row.metadata = JSON.stringify(a.metadata);
  return row;
}

function sensorColumns(s: SensorPatch): Partial<NewSensor> {
  const row: Record<string, unknown> = {};
  const map: Array<[keyof SensorPatch, keyof NewSensor]> = [
    ['name', 'name'],
    ['kind', 'kind'],
    ['unit', 'unit'],
    ['axis', 'axis'],
    ['location', 'location'],
    ['sampleRateHz', 'sample_rate_hz'],
    ['rangeMin', 'range_min'],
    ['rangeMax', 'range_max'],
    ['externalRef', 'external_ref'],
  ];
  for (const [from, to] of map) if (s[from] !== undefined) row[to] = s[from];
  return row as Partial<NewSensor>;
}

function checkRange(min: number | null | undefined, max: number | null | undefined): void {
  if (min != null && max != null && !(min < max)) {
    throw badRequest('invalid_range', `rangeMin (${min}) must be smaller than rangeMax (${max})`);
  }
}

export class AssetsService {
  constructor(private readonly db: Kysely<DB>) {}

  async createAsset(input: AssetCreate): Promise<AssetDto> {
    const row = assetColumns(input);
    const created = await assets
      .insert(this.db, { ...row, name: input.name, type: input.type })
      .catch((e: unknown) => translateConstraintError(e, CONSTRAINTS));
    return toAssetDto(created);
  }

  async getAsset(id: number): Promise<AssetDto> {
    const a = await assets.get(this.db, id);
    if (!a) throw notFound('asset', id);
    return toAssetDto(a);
  }

  async listAssets(q: {
    site?: string;
    type?: string;
    limit?: number;
    cursor?: string;
  }): Promise<PageOf<AssetDto>> {
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor, ['id'] as const);
    const rows = await assets.list(this.db, q, { limit: limit + 1, afterId: after?.id });
    const p = page(rows, limit);
    return { items: p.rows.map(toAssetDto), nextCursor: p.nextCursor };
  }

  async updateAsset(id: number, patch: AssetPatch): Promise<AssetDto> {
    const updated = await assets
      .update(this.db, id, assetColumns(patch))
      .catch((e: unknown) => translateConstraintError(e, CONSTRAINTS));
    if (!updated) throw notFound('asset', id);
    return toAssetDto(updated);
  }

  async createSensor(assetId: number, input: SensorCreate): Promise<SensorDto> {
    checkRange(input.rangeMin, input.rangeMax);
    if (!(await assets.get(this.db, assetId))) throw notFound('asset', assetId);
    const created = await sensors
      .insert(this.db, { ...sensorColumns(input), asset_id: assetId } as NewSensor)
      .catch((e: unknown) => translateConstraintError(e, CONSTRAINTS));
    return toSensorDto(created);
  }

  async listSensors(
    assetId: number,
    q: { kind?: SensorKind; limit?: number; cursor?: string },
  ): Promise<PageOf<SensorDto>> {
    if (!(await assets.get(this.db, assetId))) throw notFound('asset', assetId);
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor, ['id'] as const);
    const rows = await sensors.listByAsset(this.db, assetId, q, { limit: limit + 1, afterId: after?.id });
    const p = page(rows, limit);
    return { items: p.rows.map(toSensorDto), nextCursor: p.nextCursor };
  }

  async getSensorRow(id: number, db: Kysely<DB> = this.db): Promise<Sensor> {
    const s = await sensors.get(db, id);
    if (!s) throw notFound('sensor', id);
    return s;
  }

  /** The sensor an outside reference names (MQTT topics, the OPC UA mapping): the asset, then
   * its sensor, as assetByRef and sensorOfAsset. */
  async sensorByRefs(assetRef: string, sensorRef: string): Promise<Sensor> {
    return this.sensorOfAsset(await this.assetByRef(assetRef), assetRef, sensorRef);
  }

  /** The asset by externalRef or, failing that, by name when exactly one asset has it. */
  async assetByRef(assetRef: string): Promise<Asset> {
    const found = await assets.findByRef(this.db, assetRef);
    const byRef = found.filter((a) => a.external_ref === assetRef);
    const candidates = byRef.length > 0 ? byRef : found.filter((a) => a.name === assetRef);
    if (candidates.length === 0) throw notFound('asset', assetRef);
    if (candidates.length > 1) {
      throw new AppError(
        'ambiguous_asset',
        409,
        `${candidates.length} assets are named ${assetRef}: use externalRef`,
      );
    }
    return candidates[0]!;
  }

  /** The asset's sensor by externalRef or name; `assetRef` is how the caller named the asset
   * (for the message). */
  async sensorOfAsset(asset: Asset, assetRef: string, sensorRef: string): Promise<Sensor> {
    const list = await sensors.findByRef(this.db, asset.id, sensorRef);
    const sensor = list.find((s) => s.external_ref === sensorRef) ?? list.find((s) => s.name === sensorRef);
    if (!sensor) throw notFound(`sensor of asset ${assetRef}:`, sensorRef);
    return sensor;
  }

  async getSensor(id: number): Promise<SensorDto> {
    return toSensorDto(await this.getSensorRow(id));
  }

  async updateSensor(id: number, patch: SensorPatch): Promise<SensorDto> {
    return this.db.transaction().execute(async (trx) => {
      const current = await this.getSensorRow(id, trx);
      checkRange(
        patch.rangeMin !== undefined ? patch.rangeMin : current.range_min,
        patch.rangeMax !== undefined ? patch.rangeMax : current.range_max,
      );
      const updated = await sensors
        .update(trx, id, sensorColumns(patch))
        .catch((e: unknown) => translateConstraintError(e, CONSTRAINTS));
      return toSensorDto(updated!);
    });
  }
}
