import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/** Structured JSON logs. Secrets never reach them: keys and auth headers are redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'prognos'): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'apiKey',
        'key',
        'secret',
        '*.apiKey',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
