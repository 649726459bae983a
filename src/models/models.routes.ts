import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { ModelRegistry } from './registry.service.js';
import type { ModelVersion } from '../db/schema.js';
import { errorResponses } from '../http/schemas.js';
import { readCard, readCardFigure, versionFiles } from './cards/cards.js';

/** What these routes use of the context (context.ts passes all of it). */
type ModelRouteContext = CoreContext & { readonly models: ModelRegistry };

/** model_versions.version is a PostgreSQL integer. */
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

const ModelVersionBody = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    kind: Type.String(),
    status: Type.String(),
    featureSet: Type.Object({ name: Type.String(), version: Type.String(), hash: Type.String() }),
    metrics: Type.Record(Type.String(), Type.Unknown()),
    artifactDir: Type.String(),
    trainingRunId: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    promotedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    manifest: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'ModelVersion' },
);
type ModelVersionBody = Static<typeof ModelVersionBody>;

export function toModelVersionBody(r: ModelVersion, withManifest = false): ModelVersionBody {
  return {
    name: r.name,
    version: r.version,
    kind: r.kind,
    status: r.status,
    featureSet: { name: r.feature_set_name, version: r.feature_set_version, hash: r.feature_set_hash },
    metrics: r.metrics,
    artifactDir: r.artifact_dir,
    trainingRunId: r.training_run_id,
    createdAt: r.created_at.toISOString(),
    promotedAt: r.promoted_at ? r.promoted_at.toISOString() : null,
    ...(withManifest ? { manifest: r.manifest } : {}),
  };
}

const NameParam = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) });
const VersionParams = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
  version: Version,
});
const Reason = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/** The registry over HTTP, for data scientists' notebooks and the dashboard. */
export const modelRoutes: FastifyPluginAsyncTypebox<{ ctx: ModelRouteContext }> = async (app, { ctx }) => {
  const tags = ['models'];
  app.get(
    '/v1/models',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List model versions',
        querystring: Type.Object({
          name: Type.Optional(Type.String()),
          status: Type.Optional(
            Type.Union([Type.Literal('candidate'), Type.Literal('active'), Type.Literal('archived')]),
          ),
        }),
        response: { 200: Type.Object({ items: Type.Array(ModelVersionBody) }), ...errorResponses },
      },
    },
    async (req) => ({ items: (await ctx.models.list(req.query)).map((r) => toModelVersionBody(r)) }),
  );

  app.get(
    '/v1/models/:name/versions/:version',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'One model version with its manifest',
        params: VersionParams,
        response: {
          200: Type.Composite([
            ModelVersionBody,
            Type.Object({
              files: Type.Object({ artifact: Type.Array(Type.String()), card: Type.Array(Type.String()) }),
            }),
          ]),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const row = await ctx.models.get(req.params.name, req.params.version);
      return { ...toModelVersionBody(row, true), files: await versionFiles(ctx.models.modelsDir, row) };
    },
  );

  app.get(
    '/v1/models/:name/versions/:version/card',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'The model card of a version (Markdown; its figures are relative links)',
        params: VersionParams,
        response: {
          200: { description: 'The card', content: { 'text/markdown': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const row = await ctx.models.get(req.params.name, req.params.version);
      const { markdown } = await readCard(ctx.models.modelsDir, row);
      // Relative figure links resolve to the sibling route below: card → card/<file>.
      return reply
        .type('text/markdown; charset=utf-8')
        .send(markdown.replace(/\]\((card-[a-z0-9-]+\.svg)\)/g, '](card/$1)'));
    },
  );

  app.get(
    '/v1/models/:name/versions/:version/card/:file',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'One SVG figure of a model card',
        params: Type.Object({
          name: VersionParams.properties.name,
          version: VersionParams.properties.version,
          file: Type.String({ maxLength: 200 }),
        }),
        response: {
          200: { description: 'The figure', content: { 'image/svg+xml': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const row = await ctx.models.get(req.params.name, req.params.version);
      const svg = await readCardFigure(ctx.models.modelsDir, row, req.params.file);
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(svg);
    },
  );

  app.get(
    '/v1/models/:name/compare',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Compare the metrics of two versions',
        params: NameParam,
        querystring: Type.Object({ a: Version, b: Version }),
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses },
      },
    },
    async (req) => ctx.models.compare(req.params.name, req.query.a, req.query.b),
  );

  app.post(
    '/v1/models/:name/versions/:version/promote',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Make this version the active one',
        params: VersionParams,
        body: Reason,
        response: { 200: ModelVersionBody, ...errorResponses },
      },
    },
    async (req) =>
      toModelVersionBody(
        await ctx.models.promote(req.params.name, req.params.version, { reason: req.body?.reason }),
      ),
  );

  app.post(
    '/v1/models/:name/rollback',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Re-activate the previously active version',
        params: NameParam,
        body: Reason,
        response: { 200: ModelVersionBody, ...errorResponses },
      },
    },
    async (req) => toModelVersionBody(await ctx.models.rollback(req.params.name, req.body?.reason)),
  );

  app.post(
    '/v1/models/:name/versions/:version/archive',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Archive a version that is not active',
        params: VersionParams,
        response: { 200: ModelVersionBody, ...errorResponses },
      },
    },
    async (req) => toModelVersionBody(await ctx.models.archive(req.params.name, req.params.version)),
  );

  app.get(
    '/v1/models/:name/events',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Registry history of a model (register, promote, rollback, archive)',
        params: NameParam,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                action: Type.String(),
                modelVersionId: Type.Integer(),
                previousActiveId: Type.Union([Type.Integer(), Type.Null()]),
                reason: Type.Union([Type.String(), Type.Null()]),
                at: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({
      items: (await ctx.models.events(req.params.name)).map((e) => ({
        action: e.action,
        modelVersionId: e.model_version_id,
        previousActiveId: e.previous_active_id,
        reason: e.reason,
        at: e.at.toISOString(),
      })),
    }),
  );
};
