/**
 * Opens the database behind Kysely: PostgreSQL through `pg` when a URL is given, otherwise the
 * embedded PGlite (a directory, or `memory://` for tests). Both return numbers for bigint ids
 * and Dates for timestamps, so callers never see which one they got.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** The pg pool (server mode only), for COPY and other driver-level fast paths. */
  readonly pool: pg.Pool | undefined;
  /** The PGlite instance (embedded mode only). */
  readonly pglite?: PGlite;
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string | undefined;
  /** PGlite data directory, or `memory://`. Used when `url` is unset. */
  dataDir?: string;
  poolMax?: number;
  /** Start the embedded database from this dump (PGlite `dumpDataDir`): ~1 s instead of ~5 s
   * of initdb. Tests use a migrated template this way. */
  pgliteTemplate?: Blob;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// ids are bigint in SQL but stay far below 2^53: numbers are what every caller wants.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolMax ?? 10);
  return openPglite(opts.dataDir ?? 'memory://', opts.pgliteTemplate);
}

function openPostgres(url: string, poolMax: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    types: pgTypes,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped idle connection (PostgreSQL restarted) must not crash the process; the pool
  // replaces it on the next checkout.
  pool.on('error', () => {});
  // The pool listens for errors only on idle clients. One checked out between two statements
  // of a transaction when the server goes away would emit an unhandled 'error' and kill the
  // process; with a listener the next statement fails instead (503) and the pool drops it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    kind: 'postgres',
    pool,
    ping: (timeoutMs = 2_000) =>
      withTimeout(
        sql`select 1`.execute(db).then(() => undefined),
        timeoutMs,
      ),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string, template?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(path.resolve(dataDir), { recursive: true });
  // Before PGlite touches the directory: a second process on it would abort inside WASM.
  const unlock = inMemory ? () => {} : lockDataDir(path.resolve(dataDir));
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: inMemory ? undefined : path.resolve(dataDir, 'pglite'),
      ...(template ? { loadDataDir: template } : {}),
      parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => v },
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    pool: undefined,
    pglite,
    ping: (timeoutMs = 2_000) =>
      withTimeout(
        sql`select 1`.execute(db).then(() => undefined),
        timeoutMs,
      ),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
      } finally {
        unlock();
      }
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
