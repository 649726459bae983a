/** The API process: builds the context and the app, listens, and shuts down gracefully. */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp, type AppOptions } from './app.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { onShutdown } from './lifecycle.js';
import { scheduleJobs } from './jobs/schedules.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
}

export async function startServer(
  config: Config,
  opts: { handleSignals?: boolean; logger?: Logger; app?: AppOptions } = {},
): Promise<RunningServer> {
  const ctx = await createContext(config, opts.logger ? { logger: opts.logger } : {});
  const app = await buildApp(ctx, opts.app);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    await ctx.close();
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Embedded mode: nobody runs `prognos worker`, so this process schedules the periodic jobs.
  if (ctx.jobs.mode === 'inline') await scheduleJobs(ctx);
  if (opts.handleSignals !== false) {
    // Order matters: stop taking requests (in-flight ones finish), then jobs, then the pool.
    onShutdown(ctx.logger, config.shutdownTimeoutMs, [() => app.close(), () => ctx.close()]);
  }
  return { app, ctx, url };
}
