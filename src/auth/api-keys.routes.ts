import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import { notFound } from '../errors.js';
import { Id, errorResponses } from '../http/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';

const ScopeT = Type.Union([
  Type.Literal('read'),
  Type.Literal('ingest'),
  Type.Literal('cmms'),
  Type.Literal('admin'),
]);
const KeyInfo = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** Key management for administrators. The secret is returned once, on creation. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ ctx: CoreContext }> = async (app, { ctx }) => {
  const tags = ['auth'];
  app.post(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key (the key is shown only in this response)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(ScopeT, { minItems: 1, maxItems: 4 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            name: Type.String(),
            scopes: Type.Array(Type.String()),
            key: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await createApiKey(ctx.database.db, req.body.name, req.body.scopes)),
  );

  app.get(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        response: { 200: Type.Object({ items: Type.Array(KeyInfo) }), ...errorResponses },
      },
    },
    async () => ({
      items: (await listApiKeys(ctx.database.db)).map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes,
        createdAt: k.created_at.toISOString(),
        lastUsedAt: k.last_used_at?.toISOString() ?? null,
        revokedAt: k.revoked_at?.toISOString() ?? null,
      })),
    }),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!(await revokeApiKey(ctx.database.db, req.params.id)))
        throw notFound('active API key', req.params.id);
      return reply.status(204).send(null);
    },
  );
};
