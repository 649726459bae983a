/**
 * The CMMS API (issue 6). Every route uses the `cmms` scope — reads included, because these
 * are the integration's endpoints and the payloads are CMMS documents; an `admin` key passes
 * too. Dashboards read forecasts (scope `read`) instead.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/schemas.js';
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
import { MaintenanceEvents } from './maintenance-events.service.js';
import { SuggestionActions } from './suggestion-actions.service.js';
import { SuggestionDto } from './suggestion-dto.js';
import { queueWebhook } from './webhook.js';

export const MAINTENANCE_TAGS = [
  {
    name: 'work-order-suggestions',
    description:
      'Work-order suggestions from forecasts, for a CMMS: keyset change feed, ack, dismiss, Maximo/SAP/MaintainX payloads',
  },
  { name: 'maintenance-events', description: 'What the CMMS found and did: failure labels for training' },
];

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

export const maintenanceRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const db = ctx.database.db;
  const deps = {
    db,
    logger: ctx.logger,
    webhook: ctx.config.webhook ? queueWebhook(db, ctx.jobs, ctx.logger) : undefined,
  };
  const actions = new SuggestionActions(deps);
  const events = new MaintenanceEvents(deps);
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
        response: { 200: Page, 304: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const page = await actions.list(req.query);
      const format = (req.query.format ?? 'prognos') as Format;
      return withEtag(req, reply, { ...page, items: page.items.map((s) => mapSuggestion(s, format)) });
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
        response: { 200: Type.Union([SuggestionDto, MappedItem]), 304: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const s = await actions.get(req.params.id);
      return withEtag(req, reply, mapSuggestion(s, (req.query.format ?? 'prognos') as Format));
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
