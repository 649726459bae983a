/**
 * Builds the Fastify app. Never listens: server.ts does, and tests call `app.inject()`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ACQUISITION_TAGS, acquisitionRoutes } from './acquisition/acquisition.routes.js';
import { installAuth, type DeclaredRoute } from './auth/auth.js';
import { apiKeyRoutes } from './auth/api-keys.routes.js';
import type { AppContext } from './context.js';
import { featureRoutes } from './features/features.routes.js';
import { forecastingRoutes } from './forecasting/forecasting.routes.js';
import { probeRoutes } from './http/probes.routes.js';
import { installContentEncoding } from './http/content-encoding.js';
import { installCors } from './http/cors.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandler } from './http/error-handler.js';
import { installInputGuard } from './http/input-guard.js';
import { installRequestMetrics, metricsRoutes } from './http/metrics.routes.js';
import { openapiOptions } from './http/openapi.js';
import { installRateLimit } from './http/rate-limit.js';
import { DebugRequestLogs } from './http/request-logs.js';
import { requestTimeoutOptions } from './http/slow-clients.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { ErrorBody } from './http/schemas.js';
import { jobRoutes } from './jobs/jobs.routes.js';
import { MAINTENANCE_TAGS, maintenanceRoutes } from './maintenance/maintenance.routes.js';
import { driftRoutes } from './drift/drift.routes.js';
import { qualityRoutes } from './state/quality.routes.js';
import { modelRoutes } from './models/models.routes.js';
import { trainingRoutes } from './training/training.routes.js';
import { webPlugin } from './web/web.plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    declaredRoutes: DeclaredRoute[];
  }
}

export interface AppOptions {
  /** Per-request log lines at debug, not info (`prognos demo`'s console). */
  quietRequests?: boolean;
}

export async function buildApp(ctx: AppContext, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    ...(opts.quietRequests ? { logController: new DebugRequestLogs() } : {}),
    bodyLimit: ctx.config.bodyLimitBytes,
    // A body that trickles in holds a connection and a parser: 408 past REQUEST_TIMEOUT_MS.
    ...requestTimeoutOptions(ctx.config.requestTimeoutMs),
    // Behind a proxy the request id comes from it; otherwise Fastify makes one.
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
    return503OnClosing: true,
    // Bad URLs and over-long path parameters are refused before routing: same error shape.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorBody);
  installErrorHandler(app);
  installRequestMetrics(app);
  installSecurityHeaders(app);
  // Before auth: a browser's preflight carries no key.
  installCors(app, ctx.config.corsOrigins);
  const routes = installAuth(app, {
    db: ctx.database.db,
    enabled: ctx.config.auth,
  });
  installRateLimit(app, ctx.config.rateLimit);
  app.decorate('declaredRoutes', routes);
  installInputGuard(app);
  installContentEncoding(app, ctx.config.bodyLimitBytes);
  // A POST with no body is an empty object: action routes (promote, ack…) take an optional
  // body, and required fields are then reported by name rather than as "body must be object".
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
  });

  await app.register(
    swagger,
    openapiOptions(
      { routes, auth: ctx.config.auth, rateLimited: ctx.config.rateLimit.perMinute > 0 },
      {
        info: {
          title: 'Prognos API',
          version: '0.1.0',
          description:
            'Predictive maintenance: acquisition, features, health, failure forecasts, RUL and work-order suggestions.',
        },
        tags: [
          { name: 'health', description: 'Liveness and readiness' },
          ...ACQUISITION_TAGS,
          { name: 'quality', description: 'Per-sensor data quality and quality flags' },
          { name: 'jobs', description: 'Background job status and cancellation' },
          { name: 'features', description: 'Feature extraction, feature rows and feature sets' },
          { name: 'models', description: 'Model registry: versions, promotion, rollback' },
          { name: 'training', description: 'Training runs: start, progress, cancel' },
          { name: 'drift', description: 'Feature drift against training data; retraining suggestions' },
          ...MAINTENANCE_TAGS,
          { name: 'forecasts', description: 'Live scoring, forecasts, fleet risk' },
          { name: 'dashboard', description: 'Reads behind the web dashboard served at /' },
        ],
      },
    ),
  );
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(probeRoutes, { ctx });
  await app.register(metricsRoutes, { token: ctx.config.metricsToken });
  await app.register(apiKeyRoutes, { ctx });
  await app.register(acquisitionRoutes, { ctx });
  await app.register(qualityRoutes, { ctx });
  await app.register(jobRoutes, { ctx });
  await app.register(featureRoutes, { ctx });
  await app.register(modelRoutes, { ctx });
  await app.register(trainingRoutes, { ctx });
  await app.register(driftRoutes, { ctx });
  await app.register(maintenanceRoutes, { ctx });
  await app.register(forecastingRoutes, { ctx });
  await app.register(webPlugin, { ctx });
  return app;
}
