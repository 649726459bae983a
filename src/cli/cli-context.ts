/**
 * The application context of a one-shot command. Its logs go to stderr: stdout is the
 * command's output (JSON for scripts), and a log line there ("migrations applied", "models
 * registered from disk") would break `prognos models list --json | jq`.
 */
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { createContext, type AppContext } from '../context.js';
import { createLogger } from '../logger.js';

export function stderrLogger(config: Config): Logger {
  return createLogger(config, 'prognos', pino.destination({ dest: 2, sync: true }));
}

export function openCliContext(config: Config = loadConfig()): Promise<AppContext> {
  return createContext(config, { logger: stderrLogger(config) });
}
