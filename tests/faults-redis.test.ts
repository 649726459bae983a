/**
 * Redis stops under a real `prognos serve` and `prognos worker`: reads, ingestion and scoring
 * keep working (nothing on their path waits for Redis), what must enqueue answers 503 + Retry-After
 * at once, readiness names the queue, and once Redis is back the same processes enqueue and
 * process jobs again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from './helpers/feature-fixtures.js';
import { faultClient } from './helpers/fault-api.js';
import type { PrognosProcess } from './helpers/prognos-process.js';
import {
  privateRedisSuiteUnavailable,
  startRedisFaultRig,
  type RedisFaultRig,
} from './helpers/redis-fault-rig.js';

const SUITE = 'faults: Redis stopped under the API and a worker';
const why = privateRedisSuiteUnavailable();
if (why) console.warn(`[skipped] ${SUITE}: ${why}`);

describe.runIf(!why)(SUITE, () => {
  let rig: RedisFaultRig;
  let api: PrognosProcess;
  let worker: PrognosProcess;

  beforeAll(async () => {
    rig = await startRedisFaultRig();
    [api, worker] = await Promise.all([rig.start('serve'), rig.start('worker')]);
  }, 120_000);

  afterAll(() => rig?.close());

  const {
    call,
    extractAndWait: extract,
    readyzUntil,
  } = faultClient(
    () => api,
    () => rig.key,
  );
  const extractAndWait = () => extract(rig.seeded.assetId);

  it('keeps serving reads and ingestion, refuses enqueueing with 503, and resumes jobs when Redis returns', async () => {
    expect((await extractAndWait()).state).toBe('completed');
    expect((await call('GET', '/readyz')).status).toBe(200);

    await rig.redis.stop();
    const readings = (n: number) =>
      Array.from({ length: 20 }, (_, i) => ({
        ts: new Date(Date.UTC(2025, 1, 1) + (n * 20 + i) * 1000).toISOString(),
        value: 40 + i / 10,
      }));
    const outage: Array<{ what: string; status: number; ms: number }> = [];
    const note = (what: string, r: { status: number; ms: number }) => outage.push({ what, ...r });
    // Several rounds, so the offline state is seen well after the connection dropped too.
    for (let round = 0; round < 3; round++) {
      const ingest = await call('POST', `/v1/sensors/${rig.seeded.temperatureId}/readings`, {
        readings: readings(round),
      });
      note('ingest', ingest);
      expect(ingest.status, JSON.stringify(ingest.json)).toBe(201);
      const read = await call('GET', `/v1/sensors/${rig.seeded.temperatureId}/readings?limit=5`);
      note('read', read);
      expect(read.status).toBe(200);
      expect((await call('GET', `/v1/assets/${rig.seeded.assetId}`)).status).toBe(200);
      const features = await call('GET', `/v1/assets/${rig.seeded.assetId}/features?limit=5`);
      expect(features.status).toBe(200);
      const scored = await call('POST', '/v1/score', {
        assetId: rig.seeded.assetId,
        featureSet: 'prognos-vibration',
        features: { rms: 0.2 + round / 100 },
      });
      note('score', scored);
      expect(scored.status, JSON.stringify(scored.json)).toBe(200);

      for (const [what, url, body] of [
        ['extract', `/v1/assets/${rig.seeded.assetId}/feature-extractions`, {}],
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
    await rig.redis.start();
    const back = await readyzUntil(200);
    const readyAfterMs = Date.now() - upAt;
    expect(back.status).toBe(200);
    const done = await extractAndWait();
    const processedAfterMs = Date.now() - upAt;
    expect(done.state).toBe('completed');
    expect(done.result).toMatchObject({ windows: 12, rowsReplaced: 12 });
    expect(await countRows(rig.testDb.db, rig.seeded.assetId)).toEqual({ n: 12, distinct: 12 });
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
