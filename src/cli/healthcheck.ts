import { loadConfig } from '../config.js';
import { readHeartbeat } from '../jobs/heartbeat.js';
import { parseFlags, UsageError, type Command } from './command.js';

/**
 * The container healthcheck (Dockerfile HEALTHCHECK, compose.yaml). The API is healthy when its
 * own /readyz answers 200; a worker has no port, so it is healthy when its heartbeat file
 * (WORKER_HEARTBEAT_FILE) is fresh. Exit 0 healthy, 1 not, with the reason on stderr.
 */
export const healthcheckCommand: Command = {
  name: 'healthcheck',
  summary: 'Exit 0 when this container’s API answers /readyz, or with --worker its worker heartbeat is fresh',
  usage: 'prognos healthcheck [--worker]',
  async run(args) {
    const { values } = parseFlags({ args, options: { worker: { type: 'boolean' } } });
    const config = loadConfig();
    if (values.worker) {
      if (config.workerHeartbeatFile === undefined) {
        throw new UsageError('--worker needs WORKER_HEARTBEAT_FILE, the file the worker beats into');
      }
      const verdict = await readHeartbeat(config.workerHeartbeatFile);
      if (!verdict.ok) process.stderr.write(`prognos healthcheck: worker unhealthy: ${verdict.reason}\n`);
      return verdict.ok ? 0 : 1;
    }
    // The server listens on HOST; a wildcard address is reached on loopback.
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/readyz`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
      if (res.ok) return 0;
      process.stderr.write(`prognos healthcheck: ${url} answered ${res.status}: ${await res.text()}\n`);
    } catch (error) {
      process.stderr.write(
        `prognos healthcheck: ${url}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    return 1;
  },
};
