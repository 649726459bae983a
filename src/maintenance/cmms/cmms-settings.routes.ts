/**
 * CMMS settings per asset and per site (issue 18). Reads use the `cmms` scope (an integrator
 * checks what Prognos will send); changes need `admin`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../../app-context.js';
import { ErrorBody, Id, errorResponses } from '../../http/schemas.js';
import { CmmsSettings, CmmsSettingsPatch } from './cmms-settings.js';
import type { CmmsSettingsService } from './cmms-settings.service.js';

const AssetParams = Type.Object({ id: Id });
const SiteParams = Type.Object({ site: Type.String({ minLength: 1, maxLength: 200 }) });

const AssetCmmsDto = Type.Object(
  {
    assetId: Type.Integer(),
    site: Type.Union([Type.String(), Type.Null()]),
    settings: CmmsSettings,
    siteDefaults: CmmsSettings,
    effective: CmmsSettings,
  },
  { title: 'AssetCmms' },
);
const SiteCmmsDto = Type.Object({ site: Type.String(), settings: CmmsSettings }, { title: 'SiteCmms' });

export const cmmsSettingsRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly cmms: CmmsSettingsService };
}> = async (app, { ctx }) => {
  const service = ctx.cmms;
  const tags = ['cmms-settings'];
  const responses = { ...errorResponses, 422: ErrorBody };

  app.get(
    '/v1/assets/:id/cmms',
    {
      config: { scope: 'cmms' },
      schema: {
        tags,
        summary: "An asset's CMMS identifiers, its site's defaults and what the mappings use",
        params: AssetParams,
        response: { 200: AssetCmmsDto, ...responses },
      },
    },
    async (req) => service.getAsset(req.params.id),
  );

  app.patch(
    '/v1/assets/:id/cmms',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: "Set an asset's CMMS identifiers (fields given; null clears a field or a whole CMMS)",
        params: AssetParams,
        body: CmmsSettingsPatch,
        response: { 200: AssetCmmsDto, ...responses },
      },
    },
    async (req) => service.patchAsset(req.params.id, req.body),
  );

  app.get(
    '/v1/sites/:site/cmms',
    {
      config: { scope: 'cmms' },
      schema: {
        tags,
        summary: "A site's CMMS defaults",
        params: SiteParams,
        response: { 200: SiteCmmsDto, ...responses },
      },
    },
    async (req) => service.getSite(req.params.site),
  );

  app.patch(
    '/v1/sites/:site/cmms',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: "Set a site's CMMS defaults (its assets' settings override them field by field)",
        params: SiteParams,
        body: CmmsSettingsPatch,
        response: { 200: SiteCmmsDto, ...responses },
      },
    },
    async (req) => service.patchSite(req.params.site, req.body),
  );
};
