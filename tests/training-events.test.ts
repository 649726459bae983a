/**
 * Training-run events over server-sent events, as a browser's EventSource reads them: the reply
 * is written on the raw response (hijacked), so it must carry the security headers itself; the
 * key comes as `?access_token=` since EventSource cannot set headers, and never reaches the logs;
 * the stream ends when the run finishes. Also: a run missing a required parameter is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { createContext, type AppContext } from '../src/context.js';
import { SECURITY_HEADERS } from '../src/http/security-headers.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { seedRunToFailureFleet } from './helpers/run-to-failure.js';

const TINY = { members: 1, maxEpochs: 3, window: 5, samplesPerEpoch: 256, externalRefPrefix: 'sse/' };

describe('GET /v1/training-runs/:id/events (server-sent events)', () => {
  const lines: string[] = [];
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-sse-'));
  let database: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let url: string;
  let key: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PROGNOS_DATA_DIR: 'memory://',
      PROGNOS_MODELS_DIR: modelsDir,
      PROGNOS_AUTH: 'on',
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
    });
    database = await createTestDatabase();
    ctx = await createContext(config, {
      logger: createLogger(config, 'prognos', sink),
      database,
      migrate: false,
    });
    await seedRunToFailureFleet(ctx.database.db, { assets: 8, prefix: 'sse', failureEvents: true });
    key = (await createApiKey(ctx.database.db, 'browser', ['read'])).key;
    app = await buildApp(ctx);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await database?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  /** Reads the whole stream; the events with the run's status, in order. */
  async function events(res: Response): Promise<{ status: string }[]> {
    const text = await res.text();
    return text
      .split('\n\n')
      .filter((block) => block.startsWith('event: run\n'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { status: string });
  }

  it('streams the run with the key as ?access_token= until it finishes, with the security headers', async () => {
    const run = await ctx.training.start({ modelName: 'sse-rul', kind: 'rul', params: TINY });
    const res = await fetch(
      `${url}/v1/training-runs/${run.id}/events?access_token=${encodeURIComponent(key)}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-store');
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
    const seen = await events(res);
    // More than one state, the last the finished run: the stream ended by itself.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(['queued', 'running']).toContain(seen[0]!.status);
    expect(seen.at(-1)!.status).toBe('completed');

    // The key in a header works too; a finished run gives one event and ends.
    const again = await fetch(`${url}/v1/training-runs/${run.id}/events`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect((await events(again)).map((e) => e.status)).toEqual(['completed']);
  }, 120_000);

  it('answers 401 without a key or with a bad one, with the security headers', async () => {
    const run = (await ctx.training.list({ modelName: 'sse-rul' }))[0]!;
    for (const q of ['', '?access_token=', '?access_token=pk_bad_key']) {
      const res = await fetch(`${url}/v1/training-runs/${run.id}/events${q}`);
      expect(res.status, q).toBe(401);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const noKey = await fetch(`${url}/v1/training-runs/${run.id}/events`);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toMatch(/access_token/);
  });

  it('takes ?access_token= on the events route only', async () => {
    const run = (await ctx.training.list({ modelName: 'sse-rul' }))[0]!;
    const res = await fetch(`${url}/v1/training-runs/${run.id}?access_token=${encodeURIComponent(key)}`);
    expect(res.status).toBe(401);
    const ok = await fetch(`${url}/v1/training-runs/${run.id}`, { headers: { 'x-api-key': key } });
    expect(ok.status).toBe(200);
  });

  it('never logs the key, and says where it was redacted', () => {
    const log = lines.join('');
    expect(log).toMatch(/"url":"\/v1\/training-runs\/\d+\/events\?access_token=\[redacted\]"/);
    expect(log.includes(key)).toBe(false);
    expect(log.includes(key.slice(12))).toBe(false);
  });

  it('refuses a run missing a required parameter, naming it, and stores no run', async () => {
    const admin = (await createApiKey(ctx.database.db, 'admin', ['admin'])).key;
    const before = (await ctx.training.list({})).length;
    const res = await fetch(`${url}/v1/training-runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ modelName: 'h', kind: 'health', params: { epochs: 2 } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('missing_param');
    expect(body.error.message).toMatch(/params\.featureSet is required for kind "health"/);
    expect((await ctx.training.list({})).length).toBe(before);
  });
});
