/**
 * Redis stops under a real `prognos serve` and `prognos worker`: reads, ingestion and scoring
 * keep working (nothing on their path waits for Redis), what must enqueue answers 503 + Retry-After
 * at once, readiness names the queue, and once Redis is back the same processes enqueue and
 * process jobs again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { createTestDatabase, DATABASE_URL, REDIS_URL, type TestDatabase } from './helpers/database.js';
import { countRows, seedAsset, type SeededAsset } from './helpers/feature-fixtures.js';
import { startPrognos, type PrognosProcess } from './helpers/prognos-process.js';
import { redisServerBinary, startPrivateRedis, type PrivateRedis } from './helpers/private-servers.js';

const SUITE = 'faults: Redis stopped under the API and a worker';
const bin = redisServerBinary();
const why = !DATABASE_URL
  ? 'DATABASE_URL is not set'
  : !REDIS_URL
    ? 'REDIS_URL is not set'
    : !bin
      ? 'redis-server is not installed'
      : undefined;
if (why) console.warn(`[skipped] ${SUITE}: ${why}`);

interface Body {
  error?: { code: string; message: string };
  jobId?: string;
  state?: string;
  result?: unknown;
  checks?: Record<string, string>;
  items?: Array<{ status: string; error: string }>;
}

const TIMEOUT_MS = 15_000; // an answer slower than this counts as a hang

describe.runIf(!why)(SUITE, () => {
  let redis: PrivateRedis;
  let testDb: TestDatabase;
  let api: PrognosProcess;
  let worker: PrognosProcess;
  let key: string;
  let seeded: SeededAsset;
  // Made in beforeAll: a skipped suite's body still runs, its afterAll does not.
  let modelsDir: string;

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-faults-models-'));
    redis = await startPrivateRedis(bin!);
    testDb = await createTestDatabase();
    const env = {
      DATABASE_URL: testDb.url!,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `prognos-faults-${randomBytes(4).toString('hex')}`,
      PROGNOS_MODELS_DIR: modelsDir,
    };
    [api, worker] = await Promise.all([startPrognos('serve', env), startPrognos('worker', env)]);
    key = (await createApiKey(testDb.db, 'faults', ['admin'])).key;
    seeded = await seedAsset(testDb.db);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await testDb?.close();
    await redis?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  async function call(method: string, url: string, body?: unknown) {
    const t0 = Date.now();
    const res = await fetch(`${api.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const json = (await res.json()) as Body;
    return { status: res.status, json, retryAfter: res.headers.get('retry-after'), ms: Date.now() - t0 };
  }

  async function extractAndWait(): Promise<Body> {
    const queued = await call('POST', `/v1/assets/${seeded.assetId}/feature-extractions`, {});
    expect(queued.status, JSON.stringify(queued.json)).toBe(202);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await call('GET', `/v1/jobs/${encodeURIComponent(queued.json.jobId!)}`);
      if (s.status === 200 && ['completed', 'failed', 'cancelled'].includes(s.json.state!)) return s.json;
      if (Date.now() > deadline) throw new Error(`job still ${JSON.stringify(s.json).slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('keeps serving reads and ingestion, refuses enqueueing with 503, and resumes jobs when Redis returns', async () => {
    expect((await extractAndWait()).state).toBe('completed');
    expect((await call('GET', '/readyz')).status).toBe(200);

    await redis.stop();
    const readings = (n: number) =>
      Array.from({ length: 20 }, (_, i) => ({
        ts: new Date(Date.UTC(2025, 1, 1) + (n * 20 + i) * 1000).toISOString(),
        value: 40 + i / 10,
      }));
    const outage: Array<{ what: string; status: number; ms: number }> = [];
    const note = (what: string, r: { status: number; ms: number }) => outage.push({ what, ...r });
    // Several rounds, so the offline state is seen well after the connection dropped too.
    for (let round = 0; round < 3; round++) {
      const ingest = await call('POST', `/v1/sensors/${seeded.temperatureId}/readings`, {
        readings: readings(round),
      });
      note('ingest', ingest);
      expect(ingest.status, JSON.stringify(ingest.json)).toBe(201);
      const read = await call('GET', `/v1/sensors/${seeded.temperatureId}/readings?limit=5`);
      note('read', read);
      expect(read.status).toBe(200);
      expect((await call('GET', `/v1/assets/${seeded.assetId}`)).status).toBe(200);
      const features = await call('GET', `/v1/assets/${seeded.assetId}/features?limit=5`);
      expect(features.status).toBe(200);
      const scored = await call('POST', '/v1/score', {
        assetId: seeded.assetId,
        featureSet: 'prognos-vibration',
        features: { rms: 0.2 + round / 100 },
      });
      note('score', scored);
      expect(scored.status, JSON.stringify(scored.json)).toBe(200);

      for (const [what, url, body] of [
        ['extract', `/v1/assets/${seeded.assetId}/feature-extractions`, {}],
        ['train', '/v1/training-runs', { modelName: 'pump-rul', kind: 'rul' }],
      ] as const) {
        const r = await call('POST', url, body);
        note(what, r);
        expect(r.status, JSON.stringify(r.json)).toBe(503);
        expect(r.json.error?.code).toBe('queue_unavailable');
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
      }
      const job = await call('GET', '/v1/jobs/features.1');
      note('job status', job);
      expect(job.status, JSON.stringify(job.json)).toBe(503);
      expect(job.json.error?.code).toBe('queue_unavailable');
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({
        checks: { database: 'ok', queue: expect.stringMatching(/^error/) },
      });
      await new Promise((r) => setTimeout(r, 300));
    }
    // The training run refused above was not left queued forever: it says why it failed.
    const runs = await call('GET', '/v1/training-runs?modelName=pump-rul');
    expect(runs.json.items).toHaveLength(3);
    for (const run of runs.json.items ?? []) {
      expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not enqueue/) });
    }

    const upAt = Date.now();
    await redis.start();
    let back = await call('GET', '/readyz');
    for (let i = 0; back.status !== 200 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      back = await call('GET', '/readyz');
    }
    const readyAfterMs = Date.now() - upAt;
    expect(back.status).toBe(200);
    const done = await extractAndWait();
    const processedAfterMs = Date.now() - upAt;
    expect(done.state).toBe('completed');
    expect(done.result).toMatchObject({ windows: 12, rowsReplaced: 12 });
    expect(await countRows(testDb.db, seeded.assetId)).toEqual({ n: 12, distinct: 12 });
    expect(api.exited() || worker.exited()).toBe(false);
    // The outage is logged once each way, as JSON; nothing raw on stderr per reconnection.
    expect(api.lines.filter((l) => l.level === 0).map((l) => l.msg)).toEqual([]);
    expect(api.lines.filter((l) => /Redis unreachable/.test(l.msg))).toHaveLength(1);
    expect(api.lines.filter((l) => /Redis reachable again/.test(l.msg))).toHaveLength(1);
    expect(worker.lines.filter((l) => l.level === 0).map((l) => l.msg)).toEqual([]);
    expect(worker.lines.some((l) => /workers: Redis unreachable/.test(l.msg))).toBe(true);

    const slowest = (what: string) => Math.max(...outage.filter((o) => o.what === what).map((o) => o.ms));
    console.log(
      `[faults] Redis stopped: ${outage.length} timed calls during the outage; slowest ingest ${slowest('ingest')} ms, ` +
        `read ${slowest('read')} ms, score ${slowest('score')} ms, refused enqueue ${Math.max(slowest('extract'), slowest('train'))} ms, ` +
        `job status ${slowest('job status')} ms; ready ${readyAfterMs} ms after Redis restarted, ` +
        `a new extraction processed ${processedAfterMs} ms after`,
    );
  });
});
