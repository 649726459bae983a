/** SQL of the per-asset CMMS settings and per-site defaults (migration 0011). */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { CMMS_NAMES, EMPTY_SETTINGS, type CmmsName, type CmmsSettings } from './cmms-settings.js';

type Row = { cmms: CmmsName; settings: Record<string, unknown> };

function collect(rows: Row[]): CmmsSettings {
  const out: CmmsSettings = { ...EMPTY_SETTINGS };
  for (const r of rows) out[r.cmms] = r.settings as never;
  return out;
}

async function replace(
  tx: Transaction<DB>,
  table: 'asset_cmms_settings' | 'site_cmms_defaults',
  key: { asset_id: number } | { site: string },
  settings: CmmsSettings,
): Promise<void> {
  for (const cmms of CMMS_NAMES) {
    const doc = settings[cmms];
    const where = tx.deleteFrom(table).where('cmms', '=', cmms);
    if (Object.keys(doc).length === 0) {
      await (
        'asset_id' in key ? where.where('asset_id', '=', key.asset_id) : where.where('site', '=', key.site)
      ).execute();
      continue;
    }
    await tx
      .insertInto(table)
      .values({ ...key, cmms, settings: JSON.stringify(doc) } as never)
      .onConflict((oc) =>
        oc.columns(['asset_id' in key ? 'asset_id' : 'site', 'cmms'] as never).doUpdateSet({
          settings: JSON.stringify(doc),
          updated_at: new Date(),
        } as never),
      )
      .execute();
  }
}

export const cmmsSettingsRepository = {
  /** The asset's site, undefined when there is no such asset. */
  async assetSite(db: Kysely<DB> | Transaction<DB>, assetId: number) {
    return db.selectFrom('assets').select(['id', 'site']).where('id', '=', assetId).executeTakeFirst();
  },

  async assetIdByRef(db: Kysely<DB> | Transaction<DB>, externalRef: string) {
    return db.selectFrom('assets').select('id').where('external_ref', '=', externalRef).executeTakeFirst();
  },

  /** The asset row locked for the rest of the transaction, so concurrent PATCHes apply in turn. */
  async lockAsset(tx: Transaction<DB>, assetId: number) {
    return tx
      .selectFrom('assets')
      .select(['id', 'site'])
      .where('id', '=', assetId)
      .forUpdate()
      .executeTakeFirst();
  },

  async forAsset(db: Kysely<DB> | Transaction<DB>, assetId: number): Promise<CmmsSettings> {
    const rows = await db
      .selectFrom('asset_cmms_settings')
      .select(['cmms', 'settings'])
      .where('asset_id', '=', assetId)
      .execute();
    return collect(rows);
  },

  async forSite(db: Kysely<DB> | Transaction<DB>, site: string): Promise<CmmsSettings> {
    const rows = await db
      .selectFrom('site_cmms_defaults')
      .select(['cmms', 'settings'])
      .where('site', '=', site)
      .execute();
    return collect(rows);
  },

  /** Settings of many assets and sites at once (two queries), for a page of suggestions. */
  async forMany(db: Kysely<DB>, assetIds: number[], sites: string[]) {
    const [assets, siteRows] = await Promise.all([
      assetIds.length === 0
        ? []
        : db
            .selectFrom('asset_cmms_settings')
            .select(['asset_id', 'cmms', 'settings'])
            .where('asset_id', 'in', assetIds)
            .execute(),
      sites.length === 0
        ? []
        : db
            .selectFrom('site_cmms_defaults')
            .select(['site', 'cmms', 'settings'])
            .where('site', 'in', sites)
            .execute(),
    ]);
    const byAsset = new Map<number, Row[]>();
    for (const r of assets) byAsset.set(r.asset_id, [...(byAsset.get(r.asset_id) ?? []), r]);
    const bySite = new Map<string, Row[]>();
    for (const r of siteRows) bySite.set(r.site, [...(bySite.get(r.site) ?? []), r]);
    return {
      asset: (id: number) => collect(byAsset.get(id) ?? []),
      site: (site: string | null) => (site === null ? EMPTY_SETTINGS : collect(bySite.get(site) ?? [])),
    };
  },

  replaceForAsset: (tx: Transaction<DB>, assetId: number, s: CmmsSettings) =>
    replace(tx, 'asset_cmms_settings', { asset_id: assetId }, s),
  replaceForSite: (tx: Transaction<DB>, site: string, s: CmmsSettings) =>
    replace(tx, 'site_cmms_defaults', { site }, s),

  /** Serialises writers of one site's defaults (no row to lock when there is none yet). */
  async lockSite(tx: Transaction<DB>, site: string) {
    await sql`select pg_advisory_xact_lock(hashtext(${`cmms-site:${site}`}))`.execute(tx);
  },
};
