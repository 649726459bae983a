import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createContext, type AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A full application context on a fresh test database. `redis: true` uses BullMQ on REDIS_URL
 * with a unique key prefix; otherwise jobs run in-process. Its models directory is a fresh temp
 * dir (`ctx.config.modelsDir`), removed by `close()`. */
export async function createTestContext(
  opts: { redis?: boolean; env?: Record<string, string> } = {},
): Promise<AppContext & { testDb: TestDatabase; config: Config }> {
  const testDb = await createTestDatabase();
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-models-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PROGNOS_DATA_DIR: 'memory://',
    QUEUE_PREFIX: `prognos-test-${randomBytes(4).toString('hex')}`,
    // An empty registry per test unless the test points at a models directory of its own.
    // Suites of other concerns call routes without keys; the auth suite turns this on.
    PROGNOS_AUTH: 'off',
    PROGNOS_MODELS_DIR: modelsDir,
    // Suites of other concerns count forecasts and jobs: no background refresh behind their
    // backs. tests/live-loop.test.ts turns it on.
    PROGNOS_LIVE_LOOP: 'off',
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
    ...(opts.redis && process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...opts.env,
  });
  const ctx = await createContext(config, { database: testDb, migrate: false });
  const closeCtx = ctx.close.bind(ctx);
  return Object.assign(ctx, {
    testDb,
    async close() {
      await closeCtx();
      await testDb.close();
      rmSync(modelsDir, { recursive: true, force: true });
    },
  });
}
