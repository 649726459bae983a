/**
 * Start-up waits a bounded time for PostgreSQL: the API and workers migrate before anything
 * else, so they cannot start without it, but a database that is still booting (a host restart,
 * a container started a moment later) should not fail them. Past the window, or at once for an
 * error no wait can fix (wrong password, no such database), start-up stops with one line naming
 * the server by host:port, never with the URL (it may hold the password).
 */
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../errors.js';
import type { Database } from './database.js';

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

const RETRY_MS = 500;

export function describeServer(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/** Resolves once `select 1` answers; throws DatabaseUnreachableError after `waitMs`. */
export async function waitForDatabase(
  database: Database,
  opts: { url: string; waitMs: number; logger?: Logger | undefined; retryMs?: number },
): Promise<void> {
  const server = describeServer(opts.url);
  const password = new URL(opts.url).password;
  // pg puts no password in its messages; scrubbing anyway costs nothing.
  const reason = (err: unknown) => {
    const m = (err as Error | null)?.message || String(err);
    return password ? m.split(decodeURIComponent(password)).join('***') : m;
  };
  const started = Date.now();
  const deadline = started + opts.waitMs;
  let waited = false;
  for (;;) {
    const left = () => deadline - Date.now();
    try {
      await database.ping(Math.max(1_000, Math.min(5_000, left())));
      if (waited)
        opts.logger?.info({ server, waitedMs: Date.now() - started }, `PostgreSQL at ${server} reachable`);
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err))
        throw new DatabaseUnreachableError(`PostgreSQL at ${server} refused the connection: ${reason(err)}`);
      if (left() <= 0)
        throw new DatabaseUnreachableError(
          `cannot reach PostgreSQL at ${server} (DATABASE_URL) within ${opts.waitMs / 1000} s ` +
            `(DB_STARTUP_WAIT_MS): ${reason(err)}`,
        );
      if (!waited)
        opts.logger?.warn(
          { server, err: reason(err), waitMs: opts.waitMs },
          `PostgreSQL at ${server} unreachable; waiting up to ${opts.waitMs / 1000} s for it`,
        );
      waited = true;
      await new Promise((r) => setTimeout(r, Math.min(opts.retryMs ?? RETRY_MS, left())));
    }
  }
}
