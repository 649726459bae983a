/**
 * One database session for a bulk import: a dedicated pg client on PostgreSQL (so COPY and
 * session settings are available), or the PGlite instance held under the Kysely driver's mutex
 * (so nothing else interleaves with the import's transactions). Kysely is not used here: the
 * bulk writer needs driver-level array parameters, COPY and row counts. The repositories hold
 * the queries run on a session; transaction control is here.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './database.js';

interface SqlResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted by a write. */
  rowCount: number;
}

export interface SqlSession {
  readonly kind: 'postgres' | 'pglite';
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<R>>;
  /** `COPY ... FROM STDIN` with text-format data (PostgreSQL only; undefined on PGlite). */
  readonly copyIn: ((copySql: string, data: string) => Promise<void>) | undefined;
}

/**
 * Opens a transaction whose commit does not wait for the WAL flush (PostgreSQL; PGlite has no
 * such setting): only for writes that can be replayed, such as the idempotent imports. `set
 * local`, so a pooled connection goes back unchanged.
 */
export async function beginAsyncCommit(session: SqlSession): Promise<void> {
  await session.query(session.kind === 'postgres' ? 'begin; set local synchronous_commit = off' : 'begin');
}

export async function commitTransaction(session: SqlSession): Promise<void> {
  await session.query('commit');
}

export async function rollbackTransaction(session: SqlSession): Promise<void> {
  await session.query('rollback');
}

/** Runs `fn` with a session of its own; the connection is released afterwards. */
export async function withSqlSession<T>(database: Database, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres') {
    if (!database.pool) throw new Error('PostgreSQL database without a pool');
    const client = await database.pool.connect();
    try {
      return await fn(pgSession(client));
    } finally {
      client.release();
    }
  }
  const pglite = database.pglite;
  if (!pglite) throw new Error('PGlite database without its instance');
  // Holding a Kysely connection takes the PGlite driver's mutex for the whole import.
  return database.db.connection().execute(() =>
    fn({
      kind: 'pglite',
      async query<R>(text: string, params: unknown[] = []) {
        const r = await pglite.query<R>(text, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
      },
      copyIn: undefined,
    }),
  );
}

function pgSession(client: pg.PoolClient): SqlSession {
  return {
    kind: 'postgres',
    async query<R>(text: string, params: unknown[] = []) {
      const r = await client.query(text, params);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async copyIn(copySql: string, data: string) {
      await pipeline(Readable.from([data]), client.query(copyFrom(copySql)));
    },
  };
}
