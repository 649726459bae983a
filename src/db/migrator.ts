/**
 * Applies migrations/NNNN_name.sql in order, each in its own transaction, recording name and
 * checksum. Safe to run from several processes at once (an advisory lock serialises them) and
 * idempotent. A merged migration must never change: a checksum mismatch stops start-up.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
// Arbitrary but fixed: the advisory lock key every Prognos process uses for migrations.
const LOCK_KEY = 7_314_802_611;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<string>();
  return files.map((file) => {
    const m = MIGRATION_FILE.exec(file);
    if (!m) throw new Error(`migration file name "${file}" must look like 0001_snake_case.sql`);
    if (seen.has(m[1]!)) throw new Error(`two migrations share the number ${m[1]}`);
    seen.add(m[1]!);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return {
      name: file.replace(/\.sql$/, ''),
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    };
  });
}

/** Names of the applied migrations; none before the first `migrate` created the table. */
export function appliedMigrations(db: Kysely<DB>): Promise<string[]> {
  return db
    .selectFrom('schema_migrations')
    .select('name')
    .execute()
    .then((r) => r.map((x) => x.name))
    .catch(() => [] as string[]);
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

export async function migrate(db: Kysely<DB>, migrations = readMigrations()): Promise<MigrationResult> {
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of migrations) {
    const applied = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      // Created under the lock: two processes racing on "if not exists" would otherwise collide.
      await sql`create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx);
      const row = await trx
        .selectFrom('schema_migrations')
        .select(['checksum'])
        .where('name', '=', m.name)
        .executeTakeFirst();
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)} ≠ ${m.checksum.slice(0, 12)}); add a new migration instead`,
          );
        }
        return false;
      }
      await sql.raw(m.sql).execute(trx);
      await trx.insertInto('schema_migrations').values({ name: m.name, checksum: m.checksum }).execute();
      return true;
    });
    (applied ? result.applied : result.skipped).push(m.name);
  }
  return result;
}
