/**
 * The dashboard: static files from src/web/public at `/`, uPlot straight from node_modules (no
 * build step, no CDN), and the dashboard's read routes. Pages and assets are not /v1 routes, so
 * they need no key; every figure on them comes from the API with the user's key.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { dashboardRoutes } from './dashboard.routes.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const UPLOT_DIST = path.dirname(createRequire(import.meta.url).resolve('uplot'));

const VENDOR = {
  'uplot.js': { file: 'uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  'uplot.css': { file: 'uPlot.min.css', type: 'text/css; charset=utf-8' },
} as const;

export const webPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    // One route per file found at start-up: no catch-all that would shadow API 404s.
    wildcard: false,
    decorateReply: false,
    // Security headers (CSP, nosniff…) come from src/http/security-headers.ts, as on every response.
  });

  for (const [name, v] of Object.entries(VENDOR)) {
    const body = await readFile(path.join(UPLOT_DIST, v.file));
    app.get(`/vendor/${name}`, { schema: { hide: true } }, async (_req, reply) =>
      reply.header('content-type', v.type).header('cache-control', 'public, max-age=86400').send(body),
    );
  }

  await app.register(dashboardRoutes, { ctx });
};
