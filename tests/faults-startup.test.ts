/**
 * A process starting while a server it needs is already down, as real `prognos serve` and
 * `prognos worker` children against private Redis and PostgreSQL instances:
 * - Redis down: the API starts and serves everything that does not enqueue (readiness names the
 *   queue, enqueueing answers 503), the worker waits without exiting and says so once; when
 *   Redis starts, both pick up without a restart and a job runs.
 * - PostgreSQL down: `serve` (which migrates first) waits DB_STARTUP_WAIT_MS for it, then exits
 *   69 with one line naming host:port, never the password and never a stack; a database that
 *   comes up within the window is simply used.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL } from './helpers/database.js';
import { faultClient, HANG_MS } from './helpers/fault-api.js';
import { countRows } from './helpers/feature-fixtures.js';
import { startPrognos, type LogLine, type PrognosProcess } from './helpers/prognos-process.js';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './helpers/private-servers.js';
import {
  privateRedisSuiteUnavailable,
  startRedisFaultRig,
  type RedisFaultRig,
} from './helpers/redis-fault-rig.js';

const REDIS_SUITE = 'faults: API and worker started while Redis is down';
const PG_SUITE = 'faults: API started while PostgreSQL is down';
const redisWhy = privateRedisSuiteUnavailable();
const pgWhy = !DATABASE_URL ? 'DATABASE_URL is not set' : privatePostgresUnavailable();
if (redisWhy) console.warn(`[skipped] ${REDIS_SUITE}: ${redisWhy}`);
if (pgWhy) console.warn(`[skipped] ${PG_SUITE}: ${pgWhy}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const raw = (p: PrognosProcess) => p.lines.filter((l) => l.level === 0).map((l) => l.msg);
const count = (p: PrognosProcess, re: RegExp) => p.lines.filter((l: LogLine) => re.test(l.msg)).length;

describe.runIf(!redisWhy)(REDIS_SUITE, () => {
  let rig: RedisFaultRig;
  let api: PrognosProcess;
  let worker: PrognosProcess;
  const { call, extractAndWait, readyzUntil } = faultClient(
    () => api,
    () => rig.key,
  );

  beforeAll(async () => {
    rig = await startRedisFaultRig();
    await rig.redis.stop(); // its port stays reserved for it: nothing else listens there
  }, 60_000);

  afterAll(() => rig?.close());

  it('the API serves all but enqueueing, the worker waits, and both pick up when Redis starts', async () => {
    const { seeded, redis } = rig;
    const t0 = Date.now();
    worker = await rig.start('worker', { awaitReady: false });
    api = await rig.start('serve');
    const listeningMs = Date.now() - t0;

    expect((await call('GET', '/healthz')).status).toBe(200);
    const notReady = await call('GET', '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.json).toMatchObject({
      status: 'not_ready',
      checks: { database: 'ok', queue: expect.stringMatching(/^error/) },
    });
    const ingest = await call('POST', `/v1/sensors/${seeded.temperatureId}/readings`, {
      readings: [0, 1, 2].map((i) => ({
        ts: new Date(Date.UTC(2025, 2, 1, 0, i)).toISOString(),
        value: 41 + i,
      })),
    });
    expect(ingest.status, JSON.stringify(ingest.json)).toBe(201);
    const read = await call('GET', `/v1/sensors/${seeded.temperatureId}/readings?from=2025-03-01T00:00:00Z`);
    expect(read.status, JSON.stringify(read.json)).toBe(200);
    expect(read.json.items).toHaveLength(3);
    expect((await call('GET', `/v1/assets/${seeded.assetId}`)).status).toBe(200);
    for (const [url, body] of [
      [`/v1/assets/${seeded.assetId}/feature-extractions`, {}],
      ['/v1/training-runs', { modelName: 'pump-rul', kind: 'rul' }],
    ] as const) {
      const r = await call('POST', url, body);
      expect(r.status, `${url}: ${JSON.stringify(r.json)}`).toBe(503);
      expect(r.json.error?.code).toBe('queue_unavailable');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }

    // The worker is up and waiting, not exited; kept waiting a while so that it goes through
    // many reconnection attempts (ioredis retries after 50, 100, 150 … ms).
    await worker.waitFor(
      (l) => /workers: Redis unreachable/.test(l.msg),
      HANG_MS,
      "the worker's outage line",
    );
    await sleep(2_000);
    expect(worker.exited()).toBe(false);
    expect(count(worker, /^workers started$/)).toBe(0);

    const upAt = Date.now();
    await redis.start();
    const ready = await readyzUntil(200);
    const readyMs = Date.now() - upAt;
    expect(ready.status, JSON.stringify(ready.json)).toBe(200);
    await worker.waitReady(HANG_MS);
    const workerMs = Number(worker.lines.find((l) => l.msg === 'workers started')!.time) - upAt;
    const done = await extractAndWait(seeded.assetId);
    const processedMs = Date.now() - upAt;
    expect(done).toMatchObject({ state: 'completed', result: { windows: 12 } });
    expect(await countRows(rig.testDb.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });

    // The same two processes did all this: none exited or started over.
    expect([api.exited(), worker.exited()]).toEqual([false, false]);
    for (const p of [api, worker]) {
      // Each connection logs its recovery from its own 'ready' event, which a loaded machine can
      // deliver after the first job has already gone through another connection.
      await p.waitFor((l) => /^job queue: Redis reachable again/.test(l.msg), HANG_MS, 'the recovery line');
      expect(raw(p), 'raw (non-JSON) output').toEqual([]);
      expect(count(p, /^database: PostgreSQL; jobs: BullMQ/)).toBe(1);
      expect(count(p, /^job queue: Redis unreachable/)).toBe(1);
      expect(count(p, /^job queue: Redis reachable again/)).toBe(1);
    }
    expect(count(worker, /^workers: Redis unreachable/)).toBe(1);
    expect(count(worker, /^workers: Redis reachable again/)).toBe(1);
    console.log(
      `[faults] started with Redis down: API listening ${listeningMs} ms after spawn; after Redis started, ` +
        `ready in ${readyMs} ms, worker started in ${workerMs} ms, an extraction processed in ${processedMs} ms`,
    );
  });
});

describe.runIf(!pgWhy)(PG_SUITE, () => {
  let pg: PrivatePostgres;
  const procs: PrognosProcess[] = [];
  let modelsDir: string;

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-faults-models-'));
    pg = await startPrivatePostgres();
    await pg.stop('fast');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    pg?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  it('waits DB_STARTUP_WAIT_MS, then exits 69 with one line naming host:port; uses a database that comes up in time', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`; // trust auth: accepted, never needed
    const env = (waitMs: number) => ({
      DATABASE_URL: pg.url.replace('postgres@', `postgres:${password}@`),
      PROGNOS_MODELS_DIR: modelsDir,
      DB_STARTUP_WAIT_MS: String(waitMs),
    });
    const t0 = Date.now();
    const [quitter, patient] = await Promise.all([
      startPrognos('serve', env(1_500), { awaitReady: false }),
      startPrognos('serve', env(60_000), { awaitReady: false }),
    ]);
    procs.push(quitter, patient);

    const code = await Promise.race([quitter.exit, sleep(HANG_MS * 2).then(() => 'still running')]);
    const quitMs = Date.now() - t0;
    expect(code, quitter.lines.map((l) => l.msg).join('\n')).toBe(69);
    const server = `127.0.0.1:${pg.port}`;
    expect(raw(quitter)).toEqual([
      `prognos serve: cannot reach PostgreSQL at ${server} (DATABASE_URL) within 1.5 s (DB_STARTUP_WAIT_MS): ` +
        `connect ECONNREFUSED ${server}`,
    ]);
    expect(count(quitter, new RegExp(`^PostgreSQL at ${server} unreachable; waiting up to 1.5 s`))).toBe(1);
    expect(JSON.stringify(quitter.lines)).not.toContain(password);

    // Still down: the other one is waiting, and has said so once.
    await patient.waitFor((l) => /unreachable; waiting up to 60 s/.test(l.msg), HANG_MS, 'the waiting line');
    expect(patient.exited()).toBe(false);
    const upAt = Date.now();
    await pg.start();
    await patient.waitReady(HANG_MS * 2);
    const listeningMs = Date.now() - upAt;
    const { readyzUntil } = faultClient(
      () => patient,
      () => '',
    );
    const ready = await readyzUntil(200);
    expect(ready.status, JSON.stringify(ready.json)).toBe(200);
    expect(count(patient, /unreachable; waiting/)).toBe(1);
    expect(count(patient, new RegExp(`^PostgreSQL at ${server} reachable$`))).toBe(1);
    expect(count(patient, /^migrations applied$/)).toBe(1);
    expect(raw(patient)).toEqual([]);
    expect(JSON.stringify(patient.lines)).not.toContain(password);
    console.log(
      `[faults] started with PostgreSQL down: DB_STARTUP_WAIT_MS=1500 exited 69 ${quitMs} ms after spawn; ` +
        `DB_STARTUP_WAIT_MS=60000 migrated and listened ${listeningMs} ms after PostgreSQL started`,
    );
  });
});
