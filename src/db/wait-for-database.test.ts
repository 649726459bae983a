import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { DatabaseUnreachableError, describeServer, waitForDatabase } from './wait-for-database.js';

const URL_WITH_PASSWORD = 'postgres://app:s3cr%40t@db.internal:6543/prognos';

/** A database whose ping fails with `errors` in turn, then answers. */
function flaky(errors: Error[]): Database & { pings: number } {
  const db = {
    pings: 0,
    async ping() {
      const err = errors[db.pings++];
      if (err) throw err;
    },
  };
  return db as unknown as Database & { pings: number };
}

const refused = (host = 'db.internal:6543') =>
  Object.assign(new Error(`connect ECONNREFUSED ${host}`), { code: 'ECONNREFUSED' });

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('waitForDatabase', () => {
  it('names the server by host:port (default port 5432), never by the URL', () => {
    expect(describeServer(URL_WITH_PASSWORD)).toBe('db.internal:6543');
    expect(describeServer('postgresql://u@pg/x')).toBe('pg:5432');
  });

  it('retries while PostgreSQL is unreachable, logs that once, and logs when it answers', async () => {
    const db = flaky([refused(), refused(), refused()]);
    const { logger, lines } = capture();
    await waitForDatabase(db, { url: URL_WITH_PASSWORD, waitMs: 10_000, logger, retryMs: 5 });
    expect(db.pings).toBe(4);
    expect(lines.map((l) => l.msg)).toEqual([
      'PostgreSQL at db.internal:6543 unreachable; waiting up to 10 s for it',
      'PostgreSQL at db.internal:6543 reachable',
    ]);
  });

  it('gives up after the window with one message naming host:port and the last error', async () => {
    const db = flaky(Array.from({ length: 100 }, () => refused()));
    const error = await waitForDatabase(db, { url: URL_WITH_PASSWORD, waitMs: 700, retryMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toBe(
      'cannot reach PostgreSQL at db.internal:6543 (DATABASE_URL) within 0.7 s (DB_STARTUP_WAIT_MS): ' +
        'connect ECONNREFUSED db.internal:6543',
    );
    expect(db.pings).toBeGreaterThan(1);
  });

  it('tries once with a window of 0', async () => {
    const db = flaky([refused(), refused()]);
    await expect(waitForDatabase(db, { url: URL_WITH_PASSWORD, waitMs: 0 })).rejects.toThrow(/within 0 s/);
    expect(db.pings).toBe(1);
  });

  it('does not wait on what waiting cannot fix, and scrubs the password from the reason', async () => {
    const auth = Object.assign(new Error('password authentication failed: s3cr@t rejected'), {
      code: '28P01',
    });
    const db = flaky([auth]);
    const error = await waitForDatabase(db, { url: URL_WITH_PASSWORD, waitMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'PostgreSQL at db.internal:6543 refused the connection: password authentication failed: *** rejected',
    );
    expect(db.pings).toBe(1);
  });

  it('waits through a server still starting up and through name resolution failures', async () => {
    const db = flaky([
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' }),
      new Error('timeout exceeded when trying to connect'),
    ]);
    await waitForDatabase(db, { url: URL_WITH_PASSWORD, waitMs: 10_000, retryMs: 5 });
    expect(db.pings).toBe(4);
  });
});
