/**
 * API keys: `pk_<prefix>_<secret>`. The prefix (public, 8 chars) finds the row; the whole key
 * is compared by SHA-256 in constant time. Keys are shown once, at creation, and never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Scope } from '../db/schema.js';
import { AppError } from '../errors.js';
import { apiKeysRepository as repo } from './api-keys.repository.js';

export const SCOPES: readonly Scope[] = ['read', 'ingest', 'cmms', 'admin'];
const KEY_FORMAT = /^pk_([a-z0-9]{8})_([A-Za-z0-9_-]{32,64})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export interface CreatedKey {
  id: number;
  name: string;
  scopes: Scope[];
  /** The only time the full key exists outside the client. */
  key: string;
}

export async function createApiKey(db: Kysely<DB>, name: string, scopes: Scope[]): Promise<CreatedKey> {
  if (!name.trim()) throw new AppError('invalid_name', 400, 'name must not be empty');
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (scopes.length === 0 || bad.length > 0) {
    throw new AppError(
      'invalid_scope',
      400,
      `scopes must be among ${SCOPES.join(', ')}${bad.length ? `; got ${bad.join(', ')}` : ''}`,
    );
  }
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const key = `pk_${prefix}_${randomBytes(24).toString('base64url')}`;
  const row = await repo.insert(db, {
    name,
    prefix,
    keyHash: sha256(key).toString('hex'),
    scopes: [...new Set(scopes)],
  });
  return { id: row.id, name, scopes: [...new Set(scopes)], key };
}

export interface Principal {
  keyId: number;
  name: string;
  scopes: Scope[];
}

/** Resolves a presented key, or undefined when it is unknown, malformed or revoked. */
export async function verifyApiKey(db: Kysely<DB>, presented: string): Promise<Principal | undefined> {
  const m = KEY_FORMAT.exec(presented);
  if (!m) return undefined;
  const row = await repo.byPrefix(db, m[1]!);
  const expected = row ? Buffer.from(row.key_hash, 'hex') : sha256('no such key');
  const ok = timingSafeEqual(sha256(presented), expected);
  if (!row || !ok || row.revoked_at) return undefined;
  return { keyId: row.id, name: row.name, scopes: row.scopes };
}

export function hasScope(p: Principal, needed: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(needed);
}

export function listApiKeys(db: Kysely<DB>) {
  return repo.list(db);
}

export function revokeApiKey(db: Kysely<DB>, id: number): Promise<boolean> {
  return repo.revoke(db, id);
}
