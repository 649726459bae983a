/** Reading and changing CMMS settings, and resolving them for the mappings. */
import type { Kysely, Transaction } from 'kysely';
import type { CmmsDefaults } from '../../config.js';
import type { DB } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { SuggestionDto } from '../suggestion-dto.js';
import {
  applyPatch,
  effectiveSettings,
  type CmmsSettings,
  type CmmsSettingsPatch,
  type EffectiveSettings,
} from './cmms-settings.js';
import type { TargetPatch } from './cmms-settings-input.js';
import { cmmsSettingsRepository as repo } from './cmms-settings.repository.js';

export interface AssetCmmsView {
  assetId: number;
  site: string | null;
  settings: CmmsSettings;
  siteDefaults: CmmsSettings;
  effective: CmmsSettings;
}

export interface SiteCmmsView {
  site: string;
  settings: CmmsSettings;
}

const strip = (e: EffectiveSettings): CmmsSettings => ({
  maximo: e.maximo,
  sap: e.sap,
  maintainx: e.maintainx,
});

export class CmmsSettingsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly defaults: CmmsDefaults,
  ) {}

  async getAsset(assetId: number): Promise<AssetCmmsView> {
    const asset = await repo.assetSite(this.db, assetId);
    if (!asset) throw notFound('asset', assetId);
    return this.view(assetId, asset.site, await repo.forAsset(this.db, assetId));
  }

  /** Validated by the route's schema; applied in one transaction with the asset row locked. */
  async patchAsset(assetId: number, patch: CmmsSettingsPatch): Promise<AssetCmmsView> {
    const stored = await this.db.transaction().execute((tx) => this.patchAssetIn(tx, assetId, patch));
    return this.view(assetId, stored.site, stored.next);
  }

  async getSite(site: string): Promise<SiteCmmsView> {
    return { site, settings: await repo.forSite(this.db, site) };
  }

  async patchSite(site: string, patch: CmmsSettingsPatch): Promise<SiteCmmsView> {
    const settings = await this.db.transaction().execute((tx) => this.patchSiteIn(tx, site, patch));
    return { site, settings };
  }

  /** A bulk import: every target in one transaction, so a bad row (an unknown asset) stores
   * nothing. Returns how many assets and sites changed. */
  async importPatches(targets: TargetPatch[]): Promise<{ assets: number; sites: number }> {
    return this.db.transaction().execute(async (tx) => {
      let assets = 0;
      let sites = 0;
      for (const { target, patch } of targets) {
        if (target.kind === 'site') {
          await this.patchSiteIn(tx, target.site, patch);
          sites++;
          continue;
        }
        const id = target.kind === 'asset-id' ? target.id : (await repo.assetIdByRef(tx, target.ref))?.id;
        if (id === undefined)
          throw new AppError(
            'not_found',
            404,
            `asset with external_ref "${target.kind === 'asset' ? target.ref : ''}" does not exist`,
          );
        await this.patchAssetIn(tx, id, patch);
        assets++;
      }
      return { assets, sites };
    });
  }

  private async patchAssetIn(tx: Transaction<DB>, assetId: number, patch: CmmsSettingsPatch) {
    const asset = await repo.lockAsset(tx, assetId);
    if (!asset) throw notFound('asset', assetId);
    const next = applyPatch(await repo.forAsset(tx, assetId), patch);
    await repo.replaceForAsset(tx, assetId, next);
    return { site: asset.site, next };
  }

  private async patchSiteIn(tx: Transaction<DB>, site: string, patch: CmmsSettingsPatch) {
    await repo.lockSite(tx, site);
    const next = applyPatch(await repo.forSite(tx, site), patch);
    await repo.replaceForSite(tx, site, next);
    return next;
  }

  /** The settings each suggestion's asset maps with (two queries for the whole page). */
  async resolve(items: SuggestionDto[]): Promise<(s: SuggestionDto) => EffectiveSettings> {
    const assetIds = [...new Set(items.map((s) => s.asset.id))];
    const sites = [...new Set(items.flatMap((s) => (s.asset.site === null ? [] : [s.asset.site])))];
    const found = await repo.forMany(this.db, assetIds, sites);
    return (s) =>
      effectiveSettings(
        s.asset.id,
        s.asset.site,
        found.site(s.asset.site),
        found.asset(s.asset.id),
        this.defaults,
      );
  }

  private async view(assetId: number, site: string | null, settings: CmmsSettings): Promise<AssetCmmsView> {
    const siteDefaults =
      site === null ? { maximo: {}, sap: {}, maintainx: {} } : await repo.forSite(this.db, site);
    return {
      assetId,
      site,
      settings,
      siteDefaults,
      effective: strip(effectiveSettings(assetId, site, siteDefaults, settings, this.defaults)),
    };
  }
}
