import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import type { Command } from './command.js';

/**
 * The one-command start on a fresh machine: embedded PGlite (or the servers when DATABASE_URL
 * and REDIS_URL are set), migrations, the API and in-process jobs.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start Prognos with everything it needs on this machine and print where to find it',
  usage: 'prognos demo',
  async run() {
    const config = loadConfig();
    const { url, ctx } = await startServer(config);
    process.stdout.write(
      [
        '',
        `Prognos is running at ${url}`,
        `  API docs (OpenAPI):  ${url}/docs`,
        `  readiness:           ${url}/readyz`,
        `  database:            ${ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}`,
        `  jobs:                ${ctx.jobs.mode === 'bullmq' ? 'BullMQ on Redis (start `prognos worker` too)' : 'in-process'}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    await new Promise(() => {});
    return 0;
  },
};
