/**
 * What the Redis fault suites share: a private Redis, a fresh test database with an admin key
 * and a seeded asset, a models directory, and the environment of `prognos serve` / `worker`
 * children pointed at all of it. `close()` stops the children started through `start()` and
 * removes the rest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/auth/api-keys.js';
import { createTestDatabase, DATABASE_URL, REDIS_URL, type TestDatabase } from './database.js';
import { seedAsset, type SeededAsset } from './feature-fixtures.js';
import { redisServerBinary, startPrivateRedis, type PrivateRedis } from './private-servers.js';
import { startPrognos, type PrognosProcess } from './prognos-process.js';

/** Why a suite running prognos against a private Redis cannot run here, or undefined. */
export function privateRedisSuiteUnavailable(): string | undefined {
  if (!DATABASE_URL) return 'DATABASE_URL is not set';
  if (!REDIS_URL) return 'REDIS_URL is not set';
  if (!redisServerBinary()) return 'redis-server is not installed';
  return undefined;
}

export interface RedisFaultRig {
  readonly redis: PrivateRedis;
  readonly testDb: TestDatabase;
  /** An admin API key. */
  readonly key: string;
  readonly seeded: SeededAsset;
  readonly env: Record<string, string>;
  start(command: 'serve' | 'worker', opts?: Parameters<typeof startPrognos>[2]): Promise<PrognosProcess>;
  close(): Promise<void>;
}

export async function startRedisFaultRig(): Promise<RedisFaultRig> {
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-faults-models-'));
  const procs: PrognosProcess[] = [];
  let redis: PrivateRedis | undefined;
  let testDb: TestDatabase | undefined;
  const close = async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await testDb?.close();
    await redis?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  };
  try {
    redis = await startPrivateRedis(redisServerBinary()!);
    testDb = await createTestDatabase();
    const key = (await createApiKey(testDb.db, 'faults', ['admin'])).key;
    const seeded = await seedAsset(testDb.db);
    const env = {
      DATABASE_URL: testDb.url!,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `prognos-faults-${randomBytes(4).toString('hex')}`,
      PROGNOS_MODELS_DIR: modelsDir,
    };
    return {
      redis,
      testDb,
      key,
      seeded,
      env,
      async start(command, opts) {
        const p = await startPrognos(command, env, opts);
        procs.push(p);
        return p;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
