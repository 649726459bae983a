/**
 * A fresh, migrated database for each test file: a new PostgreSQL database when DATABASE_URL
 * is set (dropped afterwards), otherwise an in-memory PGlite started from a migrated template
 * (cached in the OS temp dir, keyed by the migrations' checksums).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate, readMigrations } from '../../src/db/migrator.js';

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;
export const MQTT_URL = process.env.MQTT_URL || undefined;

export interface TestDatabase extends Database {
  /** Connection string of this test's own PostgreSQL database (server mode only). */
  url: string | undefined;
}

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const doMigrate = opts.migrate !== false;
  if (DATABASE_URL) {
    const name = `prognos_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    const url = withDatabase(DATABASE_URL, name);
    const database = await openDatabase({ url, poolMax: 5 });
    if (doMigrate) await migrate(database.db);
    return {
      ...database,
      url,
      async close() {
        await database.close();
        await adminQuery(`drop database if exists ${name} with (force)`);
      },
    };
  }
  const template = doMigrate ? await pgliteTemplate() : undefined;
  const database = await openDatabase({ dataDir: 'memory://', pgliteTemplate: template });
  return Object.assign(database, { url: undefined });
}

/** One statement on DATABASE_URL's server (create or drop a database). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgliteTemplate(): Promise<Blob> {
  const hash = createHash('sha256')
    .update(
      readMigrations()
        .map((m) => m.checksum)
        .join(','),
    )
    .digest('hex')
    .slice(0, 16);
  const file = path.join(os.tmpdir(), `prognos-pglite-template-${hash}.tar`);
  if (!existsSync(file)) {
    const fresh = await openDatabase({ dataDir: 'memory://' });
    await migrate(fresh.db);
    const dump = await fresh.pglite!.dumpDataDir('none');
    await fresh.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file); // atomic: parallel test files never read a half-written template
  }
  return new Blob([readFileSync(file)]);
}

/** Logs once why a server-backed suite is skipped, so a green run never hides missing coverage. */
export function skipReason(what: 'DATABASE_URL' | 'REDIS_URL' | 'MQTT_URL', suite: string): void {
  if (!process.env[what]) console.warn(`[skipped] ${suite}: ${what} is not set`);
}
