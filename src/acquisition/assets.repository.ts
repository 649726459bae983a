/** Every query on assets and sensors. */
import type { Kysely, Updateable } from 'kysely';
import type {
  Asset,
  AssetUpdate,
  DB,
  NewAsset,
  NewSensor,
  Sensor,
  SensorAxis,
  SensorKind,
  SensorsTable,
} from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

type Db = Kysely<DB>;

export interface Page {
  limit: number;
  afterId?: number | undefined;
}

export const assetsRepository = {
  insert(db: Db, row: NewAsset): Promise<Asset> {
    return db.insertInto('assets').values(row).returningAll().executeTakeFirstOrThrow();
  },

  get(db: Db, id: number): Promise<Asset | undefined> {
    return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
  },

  findByRef(db: Db, ref: string): Promise<Asset[]> {
    // External reference first; a name only when no reference matches.
    return db
      .selectFrom('assets')
      .selectAll()
      .where((eb) => eb.or([eb('external_ref', '=', ref), eb('name', '=', ref)]))
      .orderBy('id')
      .limit(10)
      .execute();
  },

  list(
    db: Db,
    filter: { site?: string | undefined; type?: string | undefined },
    page: Page,
  ): Promise<Asset[]> {
    let q = db.selectFrom('assets').selectAll();
    if (filter.site !== undefined) q = q.where('site', '=', filter.site);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
    return q.orderBy('id').limit(page.limit).execute();
  },

  update(db: Db, id: number, patch: AssetUpdate): Promise<Asset | undefined> {
    return db
      .updateTable('assets')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },
};

export const sensorsRepository = {
  insert(db: Db, row: NewSensor): Promise<Sensor> {
    return db.insertInto('sensors').values(row).returningAll().executeTakeFirstOrThrow();
  },

  get(db: Db, id: number): Promise<Sensor | undefined> {
    return db.selectFrom('sensors').selectAll().where('id', '=', id).executeTakeFirst();
  },

  getMany(db: Db, ids: readonly number[]): Promise<Sensor[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('sensors').selectAll().where('id', 'in', ids).execute();
  },

  findByRef(db: Db, assetId: number, ref: string): Promise<Sensor[]> {
    return db
      .selectFrom('sensors')
      .selectAll()
      .where('asset_id', '=', assetId)
      .where((eb) => eb.or([eb('external_ref', '=', ref), eb('name', '=', ref)]))
      .orderBy('id')
      .execute();
  },

  listByAsset(
    db: Db,
    assetId: number,
    filter: { kind?: SensorKind | undefined },
    page: Page,
  ): Promise<Sensor[]> {
    let q = db.selectFrom('sensors').selectAll().where('asset_id', '=', assetId);
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
    return q.orderBy('id').limit(page.limit).execute();
  },

  update(db: Db, id: number, patch: Updateable<SensorsTable>): Promise<Sensor | undefined> {
    return db
      .updateTable('sensors')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },
};

/*
 * The bulk writers' queries (the importers' BulkWriter, the twin's export) on a SqlSession: the
 * session's own connection and transaction, driver parameters, no Kysely. Found or created by
 * their natural keys, `assets.external_ref` and `sensors (asset_id, name)`.
 */

/** An asset as a bulk writer creates it; what a source does not know is null. */
export interface AssetSpec {
  externalRef: string;
  name: string;
  type: string;
  site: string | null;
  isoMachineGroup?: Asset['iso_machine_group'];
  isoFoundation?: Asset['iso_foundation'];
  nominalSpeedRpm?: number | null;
  bearing?: { nBalls: number; ballDiameterMm: number; pitchDiameterMm: number; contactAngleDeg: number };
  temperatureBaselineC?: number | null;
  metadata: Record<string, unknown>;
}

type IdAndMetadata = { id: number; metadata: Record<string, unknown> };

/** Creates the asset unless its external_ref exists; undefined when it does. */
export async function insertAssetUnlessExists(
  session: SqlSession,
  spec: AssetSpec,
): Promise<IdAndMetadata | undefined> {
  const b = spec.bearing;
  const inserted = await session.query<IdAndMetadata>(
    `insert into assets (external_ref, name, type, site, iso_machine_group, iso_foundation, nominal_speed_rpm,
       bearing_n_balls, bearing_ball_diameter_mm, bearing_pitch_diameter_mm, bearing_contact_angle_deg,
       temperature_baseline_c, metadata)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
     on conflict (external_ref) do nothing
     returning id, metadata`,
    [
      spec.externalRef,
      spec.name,
      spec.type,
      spec.site,
      spec.isoMachineGroup ?? null,
      spec.isoFoundation ?? null,
      spec.nominalSpeedRpm ?? null,
      b?.nBalls ?? null,
      b?.ballDiameterMm ?? null,
      b?.pitchDiameterMm ?? null,
      b?.contactAngleDeg ?? null,
      spec.temperatureBaselineC ?? null,
      JSON.stringify(spec.metadata),
    ],
  );
  const row = inserted.rows[0];
  return row && { id: Number(row.id), metadata: row.metadata };
}

export async function assetByExternalRef(
  session: SqlSession,
  externalRef: string,
): Promise<IdAndMetadata | undefined> {
  const found = await session.query<IdAndMetadata>(
    'select id, metadata from assets where external_ref = $1',
    [externalRef],
  );
  const row = found.rows[0];
  return row && { id: Number(row.id), metadata: row.metadata };
}

/** Adds keys to an asset's metadata (a no-op when it already holds them). */
export async function mergeAssetMetadata(
  session: SqlSession,
  assetId: number,
  patch: Record<string, unknown>,
): Promise<void> {
  await session.query(
    `update assets set metadata = metadata || $2::jsonb, updated_at = now()
     where id = $1 and not metadata @> $2::jsonb`,
    [assetId, JSON.stringify(patch)],
  );
}

export interface SensorSpec {
  name: string;
  kind: SensorKind;
  unit: string;
  axis?: SensorAxis | null;
  location?: string | null;
  sampleRateHz?: number | null;
  /** The transducer's physical range (values outside are flagged). */
  rangeMin?: number | null;
  rangeMax?: number | null;
  externalRef?: string | null;
}

/** Creates the sensors of one asset whose names are new; returns the ids created. */
export async function insertSensorsUnlessExist(
  session: SqlSession,
  assetId: number,
  specs: readonly SensorSpec[],
): Promise<number[]> {
  const params: unknown[] = [assetId];
  const tuples = specs.map((s) => {
    params.push(s.name, s.kind, s.unit, s.axis ?? null, s.location ?? null, s.sampleRateHz ?? null);
    params.push(s.rangeMin ?? null, s.rangeMax ?? null, s.externalRef ?? null);
    const p = params.length - 9;
    const at = (k: number) => `$${p + k}`;
    return `($1, ${at(1)}, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}::float8, ${at(7)}::float8, ${at(8)}::float8, ${at(9)})`;
  });
  const inserted = await session.query<{ id: number }>(
    `insert into sensors (asset_id, name, kind, unit, axis, location, sample_rate_hz, range_min, range_max,
       external_ref)
     values ${tuples.join(',')} on conflict (asset_id, name) do nothing returning id`,
    params,
  );
  return inserted.rows.map((r) => Number(r.id));
}

/** Sensor ids by name among `names` on one asset. */
export async function sensorIdsByName(
  session: SqlSession,
  assetId: number,
  names: readonly string[],
): Promise<Map<string, number>> {
  const rows = await session.query<{ id: number; name: string }>(
    'select id, name from sensors where asset_id = $1 and name = any($2::text[])',
    [assetId, names],
  );
  return new Map(rows.rows.map((r) => [r.name, Number(r.id)]));
}
