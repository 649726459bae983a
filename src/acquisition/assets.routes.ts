/** HTTP for assets and sensors: translate requests to AssetsService calls, nothing else. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { AssetsService } from './assets.service.js';
import { Paged, errorResponses } from '../http/schemas.js';
import {
  AssetCreate,
  AssetDto,
  AssetListQuery,
  AssetPatch,
  IdParams,
  SensorCreate,
  SensorDto,
  SensorListQuery,
  SensorPatch,
} from './assets.schemas.js';

export const assetRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly assets: AssetsService };
}> = async (app, { ctx }) => {
  const service = ctx.assets;
  const tags = ['assets'];

  app.post(
    '/v1/assets',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Register an asset',
        body: AssetCreate,
        response: { 201: AssetDto, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createAsset(req.body)),
  );

  app.get(
    '/v1/assets',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List assets, filtered by site and type, by id',
        querystring: AssetListQuery,
        response: { 200: Paged(AssetDto), ...errorResponses },
      },
    },
    async (req) => service.listAssets(req.query),
  );

  app.get(
    '/v1/assets/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get an asset',
        params: IdParams,
        response: { 200: AssetDto, ...errorResponses },
      },
    },
    async (req) => service.getAsset(req.params.id),
  );

  app.patch(
    '/v1/assets/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Update an asset (fields given; null clears)',
        params: IdParams,
        body: AssetPatch,
        response: { 200: AssetDto, ...errorResponses },
      },
    },
    async (req) => service.updateAsset(req.params.id, req.body),
  );

  app.post(
    '/v1/assets/:id/sensors',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['sensors'],
        summary: 'Add a sensor to an asset',
        params: IdParams,
        body: SensorCreate,
        response: { 201: SensorDto, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createSensor(req.params.id, req.body)),
  );

  app.get(
    '/v1/assets/:id/sensors',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['sensors'],
        summary: "List an asset's sensors",
        params: IdParams,
        querystring: SensorListQuery,
        response: { 200: Paged(SensorDto), ...errorResponses },
      },
    },
    async (req) => service.listSensors(req.params.id, req.query),
  );

  app.get(
    '/v1/sensors/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['sensors'],
        summary: 'Get a sensor',
        params: IdParams,
        response: { 200: SensorDto, ...errorResponses },
      },
    },
    async (req) => service.getSensor(req.params.id),
  );

  app.patch(
    '/v1/sensors/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['sensors'],
        summary: 'Update a sensor (fields given; null clears)',
        params: IdParams,
        body: SensorPatch,
        response: { 200: SensorDto, ...errorResponses },
      },
    },
    async (req) => service.updateSensor(req.params.id, req.body),
  );
};
