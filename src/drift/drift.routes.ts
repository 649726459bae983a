/**
 * Drift and retraining suggestions over HTTP: reads under `read` (the dashboard shows them),
 * actions and a manual check under `admin` (retraining starts a training run, as
 * POST /v1/training-runs does).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { DriftService } from './drift.service.js';
import type { RetrainingService } from './retraining.service.js';
import { ErrorBody, errorResponses, Id } from '../http/schemas.js';
import { JOBS } from '../jobs/names.js';
import {
  AssetDriftBody,
  DriftQuery,
  FleetDriftBody,
  FleetDriftQuery,
  SuggestionBody,
  toSuggestionBody,
} from './drift.schemas.js';

/** What these routes use of the context (context.ts passes all of it). */
type DriftRouteContext = CoreContext & {
  readonly drift: DriftService;
  readonly retraining: RetrainingService;
};

const IdParams = Type.Object({ id: Id });
const STATUSES = ['open', 'acknowledged', 'dismissed', 'retraining', 'resolved'] as const;

export const driftRoutes: FastifyPluginAsyncTypebox<{ ctx: DriftRouteContext }> = async (app, { ctx }) => {
  const tags = ['drift'];

  app.get(
    '/v1/assets/:id/drift',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "PSI and KS of the asset's newest feature rows against the active model's training data",
        params: IdParams,
        querystring: DriftQuery,
        response: { 200: AssetDriftBody, ...errorResponses },
      },
    },
    (req) => ctx.drift.assetDrift(req.params.id, req.query),
  );

  app.get(
    '/v1/fleet/drift',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Drift per comparable active model: pooled, assets ranked, features drifting most',
        querystring: FleetDriftQuery,
        // 404 when ?model= names no comparable model.
        response: { 200: FleetDriftBody, 404: ErrorBody, ...errorResponses },
      },
    },
    async (req) => {
      const report = await ctx.drift.fleetDrift(req.query);
      const limit = req.query.limit ?? 50;
      return {
        ...report,
        models: report.models.map((m) => ({
          ...m,
          assets: m.assets.slice(0, limit),
          features: m.features.slice(0, limit),
        })),
      };
    },
  );

  app.post(
    '/v1/drift-checks',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Queue a drift check now (it also runs on a schedule and after feature extraction)',
        response: {
          202: Type.Object({ jobId: Type.String(), deduplicated: Type.Boolean() }),
          ...errorResponses,
        },
      },
    },
    async (_req, reply) => {
      const { id, deduplicated } = await ctx.jobs.enqueue(JOBS.checkDrift, {});
      return reply.code(202).send({ jobId: id, deduplicated });
    },
  );

  app.get(
    '/v1/retraining-suggestions',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Retraining suggestions raised by drift checks, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
            model: Type.Optional(Type.String({ maxLength: 63 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SuggestionBody) }), ...errorResponses },
      },
    },
    async (req) => ({ items: (await ctx.retraining.list(req.query)).map(toSuggestionBody) }),
  );

  app.get(
    '/v1/retraining-suggestions/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'One retraining suggestion',
        params: IdParams,
        response: { 200: SuggestionBody, ...errorResponses },
      },
    },
    async (req) => toSuggestionBody(await ctx.retraining.get(req.params.id)),
  );

  app.post(
    '/v1/retraining-suggestions/:id/acknowledge',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Mark a suggestion as seen (it stays the one live suggestion of its model)',
        params: IdParams,
        body: Type.Object(
          { note: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 200: SuggestionBody, ...errorResponses },
      },
    },
    async (req) => toSuggestionBody(await ctx.retraining.acknowledge(req.params.id, req.body.note)),
  );

  app.post(
    '/v1/retraining-suggestions/:id/dismiss',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: "Dismiss: this model version's drift is acceptable; no new suggestion for it",
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: SuggestionBody, ...errorResponses },
      },
    },
    async (req) => toSuggestionBody(await ctx.retraining.dismiss(req.params.id, req.body.reason)),
  );

  app.post(
    '/v1/retraining-suggestions/:id/retrain',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary:
          'Start a training run of the model (parameters of the run behind the active version unless given)',
        params: IdParams,
        body: Type.Object(
          {
            params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            autoPromote: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ suggestion: SuggestionBody, trainingRunId: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { suggestion, trainingRunId } = await ctx.retraining.retrain(req.params.id, req.body);
      return reply.code(202).send({ suggestion: toSuggestionBody(suggestion), trainingRunId });
    },
  );
};
