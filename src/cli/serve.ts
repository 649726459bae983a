import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the HTTP API (and, without REDIS_URL, the job processors in-process)',
  usage: 'prognos serve',
  async run() {
    const config = loadConfig();
    const { url, ctx } = await startServer(config);
    ctx.logger.info({ url }, `Prognos API listening on ${url} (OpenAPI at ${url}/docs)`);
    await new Promise(() => {}); // runs until a signal stops it
    return 0;
  },
};
