/** Every query on `api_keys`. Hashing, formats and scope checks stay in api-keys.ts. */
import type { Kysely } from 'kysely';
import type { DB, Scope } from '../db/schema.js';

type Db = Kysely<DB>;

export const apiKeysRepository = {
  async insert(db: Db, row: { name: string; prefix: string; keyHash: string; scopes: Scope[] }) {
    return db
      .insertInto('api_keys')
      .values({ name: row.name, prefix: row.prefix, key_hash: row.keyHash, scopes: row.scopes })
      .returning(['id'])
      .executeTakeFirstOrThrow();
  },

  byPrefix(db: Db, prefix: string) {
    return db
      .selectFrom('api_keys')
      .select(['id', 'name', 'key_hash', 'scopes', 'revoked_at'])
      .where('prefix', '=', prefix)
      .executeTakeFirst();
  },

  list(db: Db) {
    return db
      .selectFrom('api_keys')
      .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
      .orderBy('id')
      .execute();
  },

  /** Whether a key that was not revoked yet is revoked now. */
  async revoke(db: Db, id: number): Promise<boolean> {
    const r = await db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
};
