import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** Fields that may hold an API key, a key hash, a cookie or the webhook secret, wherever a
 * log call puts them (a request, its headers, a config object, an error's context). */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  'authorization',
  'apiKey',
  'key',
  'key_hash',
  'secret',
  'webhook.secret',
  '*.apiKey',
  '*.key',
  '*.key_hash',
  '*.secret',
  '*.webhook.secret',
  // The URL itself, for the `?access_token=` a browser's EventSource sends (src/auth/auth.ts).
  'req.url',
];

/** `[redacted]` for secrets; a URL keeps everything but its access_token's value. */
function censor(value: unknown, path: string[]): unknown {
  if (path.at(-1) === 'url' && typeof value === 'string')
    return value.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');
  return '[redacted]';
}

/** Structured JSON logs. Secrets never reach them: keys and auth headers are redacted. */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  name = 'prognos',
  destination?: DestinationStream,
): Logger {
  const options = { name, level: config.logLevel, redact: { paths: REDACT_PATHS, censor } };
  return destination ? pino(options, destination) : pino(options);
}
