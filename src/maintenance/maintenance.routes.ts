/**
 * The CMMS API (issue 6). Every route uses the `cmms` scope — reads included, because these
 * are the integration's endpoints and the payloads are CMMS documents; an `admin` key passes
 * too. Dashboards read forecasts (scope `read`) instead.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CoreContext } from '../app-context.js';
import { AppError } from '../errors.js';
import { ErrorBody, errorResponses } from '../http/schemas.js';
import { cmmsSettingsRoutes } from './cmms/cmms-settings.routes.js';
import type { CmmsSettingsService } from './cmms/cmms-settings.service.js';
import type { MaintenanceEvents } from './maintenance-events.service.js';
import type { SuggestionActions } from './suggestion-actions.service.js';
import { etagMatches, weakEtag } from './etag.js';
import { mapSuggestion, type Format } from './mappings/index.js';
import {
  AckBody,
  DismissBody,
  GetQuery,
  IdParams,
  ListQuery,
  MaintenanceEventBody,
  MaintenanceEventDto,
  MappedItem,
} from './maintenance.schemas.js';
import { SuggestionDto } from './suggestion-dto.js';
import type { EffectiveSettings } from './cmms/cmms-settings.js';

export const MAINTENANCE_TAGS = [
  {
    name: 'work-order-suggestions',
    description:
      'Work-order suggestions from forecasts, for a CMMS: keyset change feed, ack, dismiss, Maximo/SAP/MaintainX payloads',
  },
  { name: 'maintenance-events', description: 'What the CMMS found and did: failure labels for training' },
  {
    name: 'cmms-settings',
    description: 'Per-asset CMMS identifiers and per-site defaults the Maximo/SAP/MaintainX payloads need',
  },
];

/** Every item in the CMMS's format, or one 422 listing each missing setting of the page. */
function mapAll(items: SuggestionDto[], format: Format, settingsOf: (s: SuggestionDto) => EffectiveSettings) {
  const errors: AppError[] = [];
  const mapped = items.flatMap((s) => {
    try {
      return [mapSuggestion(s, format, settingsOf(s))];
    } catch (err) {
      if (err instanceof AppError && err.code === 'cmms_setting_missing') {
        errors.push(err);
        return [];
      }
      throw err;
    }
  });
  if (errors.length > 0)
    throw new AppError('cmms_setting_missing', 422, errors[0]!.message, {
      details: { missing: errors.map((e) => e.details) },
    });
  return mapped;
}

const Page = Type.Object({
  items: Type.Array(Type.Union([SuggestionDto, MappedItem])),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** 304 when the client already has this representation. */
function withEtag<T>(req: FastifyRequest, reply: FastifyReply, body: T): T | FastifyReply {
  const etag = weakEtag(body);
  reply.header('etag', etag);
  if (etagMatches(req.headers['if-none-match'], etag)) return reply.status(304).send();
  return body;
}

export const maintenanceRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & {
    readonly suggestions: SuggestionActions;
    readonly maintenanceEvents: MaintenanceEvents;
    readonly cmms: CmmsSettingsService;
  };
}> = async (app, { ctx }) => {
  const actions = ctx.suggestions;
  const events = ctx.maintenanceEvents;
  const cmms = ctx.cmms;
  await app.register(cmmsSettingsRoutes, { ctx });
  const tags = ['work-order-suggestions'];
  const config = { scope: 'cmms' as const };

  app.get(
    '/v1/work-order-suggestions',
    {
      config,
      schema: {
        tags,
        summary: 'Suggestions changed since a time, oldest change first (keyset cursor on updated_at, id)',
        querystring: ListQuery,
        response: { 200: Page, 304: Type.Null(), ...errorResponses, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const page = await actions.list(req.query);
      const format = (req.query.format ?? 'prognos') as Format;
      // The Prognos format needs no CMMS settings: no lookup.
      const items =
        format === 'prognos' ? page.items : mapAll(page.items, format, await cmms.resolve(page.items));
      return withEtag(req, reply, { ...page, items });
    },
  );

  app.get(
    '/v1/work-order-suggestions/:id',
    {
      config,
      schema: {
        tags,
        summary: 'One suggestion',
        params: IdParams,
        querystring: GetQuery,
        response: {
          200: Type.Union([SuggestionDto, MappedItem]),
          304: Type.Null(),
          ...errorResponses,
          422: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const s = await actions.get(req.params.id);
      const format = (req.query.format ?? 'prognos') as Format;
      const item = format === 'prognos' ? s : mapAll([s], format, await cmms.resolve([s]))[0];
      return withEtag(req, reply, item);
    },
  );

  app.post(
    '/v1/work-order-suggestions/:id/ack',
    {
      config,
      schema: {
        tags,
        summary: 'Acknowledge: the CMMS created work order `workOrderRef` (409 unless open)',
        params: IdParams,
        body: AckBody,
        response: { 200: SuggestionDto, ...errorResponses },
      },
    },
    async (req) => actions.ack(req.params.id, req.body),
  );

  app.post(
    '/v1/work-order-suggestions/:id/dismiss',
    {
      config,
      schema: {
        tags,
        summary: 'Dismiss with a reason (409 when resolved)',
        params: IdParams,
        body: DismissBody,
        response: { 200: SuggestionDto, ...errorResponses },
      },
    },
    async (req) => actions.dismiss(req.params.id, req.body),
  );

  app.post(
    '/v1/maintenance-events',
    {
      config,
      schema: {
        tags: ['maintenance-events'],
        summary: 'Report a failure, repair, replacement or inspection; idempotent per work order and kind',
        body: MaintenanceEventBody,
        response: { 200: MaintenanceEventDto, 201: MaintenanceEventDto, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { event, created } = await events.record(req.body);
      return reply.status(created ? 201 : 200).send(event);
    },
  );
};
