/**
 * Prometheus on the API: every request timed by route pattern and status, and GET /metrics
 * serving the process's registry (src/metrics.ts). Outside /v1 and its API keys: a scraper has
 * its own bearer token (METRICS_TOKEN), or none on a closed network.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../errors.js';
import { metricsAuthorized, metricsText, observeHttpRequest } from '../metrics.js';
import { ErrorBody } from './schemas.js';

/** Times every response. Installed on the root instance so each plugin's routes are covered. */
export function installRequestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    // The pattern, never the URL: ids in paths would make a series per resource. Requests
    // that matched no route (404s, scanners) share one label.
    const route = req.routeOptions.url ?? 'unmatched';
    observeHttpRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}

export const metricsRoutes: FastifyPluginAsyncTypebox<{ token: string | undefined }> = async (
  app,
  { token },
) => {
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description:
          'Not an API-key route: when METRICS_TOKEN is set it requires `Authorization: Bearer <METRICS_TOKEN>`, otherwise it is open. Metric names are listed in the README, section Metrics.',
        response: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: Type.String() } },
          },
          401: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      if (!metricsAuthorized(req.headers.authorization, token))
        throw new AppError(
          'unauthorized',
          401,
          'the metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
          {
            headers: { 'www-authenticate': 'Bearer' },
          },
        );
      const { contentType, body } = await metricsText();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    },
  );
};
