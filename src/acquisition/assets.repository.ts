/** Every query on assets and sensors. */
import type { Kysely, Updateable } from 'kysely';
import type {
  Asset,
  AssetUpdate,
  DB,
  NewAsset,
  NewSensor,
  Sensor,
  SensorKind,
  SensorsTable,
} from '../db/schema.js';

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
