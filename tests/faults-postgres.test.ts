/**
 * PostgreSQL crashes (`pg_ctl stop -m immediate`) and comes back while clients keep sending
 * reading batches to a real `prognos serve`: every answer is a 2xx or a 503 with Retry-After
 * (never a 500, never a hang), each batch is afterwards stored whole or not at all, a retried
 * batch completes the set, and the same process recovers on its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { DATABASE_URL } from './helpers/database.js';
import { faultClient, HANG_MS } from './helpers/fault-api.js';
import { startPrognos, type PrognosProcess } from './helpers/prognos-process.js';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './helpers/private-servers.js';

const SUITE = 'faults: PostgreSQL restarted during ingestion';
const why = !DATABASE_URL ? 'DATABASE_URL is not set' : privatePostgresUnavailable();
if (why) console.warn(`[skipped] ${SUITE}: ${why}`);

const BATCH = 50;
const MAX_BATCHES = 600; // the loop is bounded whatever happens
const BASE_MS = Date.UTC(2025, 0, 6);

interface Sent {
  batch: number;
  status: number | 'timeout' | 'network';
  code?: string;
  retryAfter?: string | null;
  ms: number;
  at: number;
}

describe.runIf(!why)(SUITE, () => {
  let pg: PrivatePostgres;
  let api: PrognosProcess;
  let db: Database;
  let key: string;
  let sensorId: number;
  // Made in beforeAll: a skipped suite's body still runs, its afterAll does not.
  let modelsDir: string;
  const { call } = faultClient(
    () => api,
    () => key,
  );

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-faults-models-'));
    pg = await startPrivatePostgres();
    api = await startPrognos('serve', { DATABASE_URL: pg.url, PROGNOS_MODELS_DIR: modelsDir });
    db = await openDatabase({ url: pg.url, poolMax: 2 });
    key = (await createApiKey(db.db, 'faults', ['admin'])).key;
    const asset = await call('POST', '/v1/assets', { name: 'P-500', type: 'pump' });
    expect(asset.status, JSON.stringify(asset.json)).toBe(201);
    const sensor = await call('POST', `/v1/assets/${asset.json.id}/sensors`, {
      name: 'de-temp',
      kind: 'temperature',
      unit: '°C',
    });
    expect(sensor.status, JSON.stringify(sensor.json)).toBe(201);
    sensorId = sensor.json.id!;
  }, 120_000);

  afterAll(async () => {
    if (api?.exited())
      console.error(
        `prognos serve exited:\n${api.lines
          .slice(-20)
          .map((l) => JSON.stringify(l))
          .join('\n')}`,
      );
    await api?.stop();
    await db?.close().catch(() => {});
    pg?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  const readings = (batch: number) =>
    Array.from({ length: BATCH }, (_, i) => ({
      ts: new Date(BASE_MS + (batch * BATCH + i) * 1000).toISOString(),
      value: 20 + ((batch + i) % 10),
    }));

  async function send(batch: number): Promise<Sent> {
    const t0 = Date.now();
    try {
      const res = await fetch(`${api.url}/v1/sensors/${sensorId}/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ readings: readings(batch) }),
        signal: AbortSignal.timeout(HANG_MS),
      });
      const body = (await res.json()) as { error?: { code: string } };
      return {
        batch,
        status: res.status,
        code: body.error?.code,
        retryAfter: res.headers.get('retry-after'),
        ms: Date.now() - t0,
        at: t0,
      };
    } catch (err) {
      const timeout = (err as Error).name === 'TimeoutError';
      return { batch, status: timeout ? 'timeout' : 'network', ms: Date.now() - t0, at: t0 };
    }
  }

  async function readyz(): Promise<{ status: number; body: { checks: { database: string } } }> {
    const res = await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(HANG_MS) });
    return { status: res.status, body: (await res.json()) as never };
  }

  it('answers 503 + Retry-After while it is down, stores every batch whole or not at all, and recovers', async () => {
    const sent: Sent[] = [];
    let next = 0;
    let stopSending = false;
    // Two clients in parallel, so a crash can land while a batch's transaction is open.
    const client = async () => {
      while (!stopSending && next < MAX_BATCHES) sent.push(await send(next++));
    };
    const ok = () => sent.filter((s) => s.status === 201).length;
    const until = async (cond: () => boolean | Promise<boolean>, what: string, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!(await cond())) {
        if (Date.now() > deadline || next >= MAX_BATCHES) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const clients = [client(), client()];

    await until(() => ok() >= 20, '20 stored batches');
    const downAt = Date.now();
    await pg.stop('immediate');
    const stoppedAt = Date.now();
    const down = await readyz();
    // While the database is down, clients keep trying: at least 10 more answers.
    const sentWhenDown = sent.length;
    await until(() => sent.length >= sentWhenDown + 10, '10 answers while the database is down');
    await pg.start();
    const upAt = Date.now();
    await until(() => sent.some((s) => s.at >= upAt && s.status === 201), 'a stored batch after the restart');
    const recoveredAt = Math.min(...sent.filter((s) => s.at >= upAt && s.status === 201).map((s) => s.at));
    let ready = await readyz();
    await until(async () => (ready = await readyz()).status === 200, 'readiness after the restart');
    const okAfter = ok();
    await until(() => ok() >= okAfter + 20, '20 more stored batches');
    stopSending = true;
    await Promise.all(clients);

    // Every answer is a success or a clear, retryable 503: nothing else, and nothing hung.
    const unavailable = sent.filter((s) => s.status === 503);
    const other = sent.filter((s) => s.status !== 201 && s.status !== 503);
    const errors = api.lines.filter((l) => l.level >= 50).slice(0, 3);
    expect(other, JSON.stringify({ other: other.slice(0, 5), errors })).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const s of unavailable) {
      expect(s.code).toBe('database_unavailable');
      expect(Number(s.retryAfter)).toBeGreaterThan(0);
    }
    expect(down.status).toBe(503);
    expect(down.body.checks.database).toMatch(/^error: /);
    expect(ready.status).toBe(200);
    expect(api.exited()).toBe(false);

    // Per batch: a 201 is stored whole; a 503 is stored whole (its commit answer was lost) or
    // not at all. Never a part of one.
    const counts = async () => {
      const { rows } = await sql<{ b: number; n: number }>`
        select floor((extract(epoch from ts) * 1000 - ${BASE_MS}) / ${BATCH * 1000})::int as b,
               count(*)::int as n
        from readings where sensor_id = ${sensorId} group by 1`.execute(db.db);
      return new Map(rows.map((r) => [r.b, r.n]));
    };
    const stored = await counts();
    for (const s of sent) {
      const n = stored.get(s.batch) ?? 0;
      if (s.status === 201) expect(n, `batch ${s.batch}`).toBe(BATCH);
      else expect([0, BATCH], `batch ${s.batch} (${s.status})`).toContain(n);
    }
    const partial = [...stored.values()].filter((n) => n !== BATCH);
    expect(partial).toEqual([]);

    // The client's retry of every refused batch completes the data: nothing lost, nothing twice.
    for (const s of unavailable) {
      const again = await send(s.batch);
      expect([200, 201]).toContain(again.status);
    }
    const final = await counts();
    expect(final.size).toBe(sent.length);
    expect([...final.values()].every((n) => n === BATCH)).toBe(true);

    const outage = sent.filter((s) => s.at >= downAt && s.at < upAt);
    console.log(
      `[faults] PostgreSQL restart: ${sent.length} batches of ${BATCH} sent, ${unavailable.length} answered 503 ` +
        `(${outage.length} during the outage), slowest answer during the outage ${Math.max(...outage.map((s) => s.ms))} ms, ` +
        `stop took ${stoppedAt - downAt} ms, first stored batch ${recoveredAt - upAt} ms after PostgreSQL was up, ` +
        `${stored.size - sent.filter((s) => s.status === 201).length} refused batch(es) had in fact committed`,
    );
  });
});
